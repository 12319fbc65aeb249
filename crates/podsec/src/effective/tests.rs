//! Effective-context tests: tables of pod and container combinations, rendered to text.
//!
//! Each line reads `<container>.<field> = <value> <- <source>[@line] (note)`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use expect_test::{Expect, expect};

use crate::manifest::{self, Entry};
use crate::model::{Options, Runtime, Value};
use crate::yaml;

fn value(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => s.clone(),
        Value::List(l) => format!("[{}]", l.iter().map(value).collect::<Vec<_>>().join(",")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{k}:{}", value(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// Renders the named fields of every container of every workload in the text.
fn render(text: &str, options: &Options, fields: &[&str]) -> String {
    let stream = yaml::parse_stream(text);
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let mut out = String::new();
    for doc in &stream.documents {
        for entry in manifest::objects(doc) {
            let Entry::Workload(_, pod) = entry else {
                continue;
            };
            let eff = super::resolve(&pod, options);
            assert_eq!(eff.len(), pod.containers.len());
            for (c, e) in pod.containers.iter().zip(&eff) {
                for f in fields {
                    let v = e.get(f).unwrap_or_else(|| panic!("no field {f}"));
                    out.push_str(&format!(
                        "{}.{f} = {} <- {}",
                        c.name,
                        value(&v.value),
                        v.source.as_str()
                    ));
                    if let Some(l) = v.line {
                        out.push_str(&format!("@{l}"));
                    }
                    if let Some(n) = &v.note {
                        out.push_str(&format!(" ({n})"));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Renders a table of cases: each case is a label, options and a pod spec body (indented by two).
fn table(cases: &[(&str, Options, &str)], fields: &[&str], expect: Expect) {
    let mut out = String::new();
    for (label, options, body) in cases {
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{body}");
        out.push_str(&format!("# {label}\n"));
        out.push_str(&render(&text, options, fields));
    }
    expect.assert_eq(&out);
}

fn kube(n: u32) -> Options {
    Options {
        kube_minor: Some(n),
        ..Options::default()
    }
}

fn d() -> Options {
    Options::default()
}

#[test]
fn field_order_and_container_order() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c}]\n      initContainers: [{name: i}]\n      ephemeralContainers: [{name: e}]\n";
    let stream = yaml::parse_stream(text);
    let doc = &stream.documents[0];
    let Entry::Workload(_, pod) = manifest::objects(doc).remove(0) else {
        panic!()
    };
    let eff = super::resolve(&pod, &d());
    let names: Vec<&str> = pod.containers.iter().map(|c| c.name).collect();
    assert_eq!(names, ["i", "c", "e"]);
    let keys: Vec<&str> = eff[0].fields().map(|(k, _)| k).collect();
    expect![[r#"["runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "windowsOptions", "seccompProfile", "appArmorProfile", "privileged", "allowPrivilegeEscalation", "capabilities", "readOnlyRootFilesystem", "procMount", "fsGroup", "supplementalGroups", "supplementalGroupsPolicy", "sysctls", "hostUsers", "hostNetwork", "hostPID", "hostIPC"]"#]].assert_eq(&format!("{keys:?}"));
    let json = serde_json::to_string(&eff[1]).unwrap();
    assert!(json.starts_with(r#"{"runAsUser":{"value":null,"source":"image","line":null,"note":"runs as the image's USER; root (0) if the image sets none"}"#), "{json}");
}

#[test]
fn users_and_groups() {
    let images = Options {
        image_users: vec![
            ("num".into(), "1001:2000".into()),
            ("none".into(), String::new()),
            ("named".into(), "nginx".into()),
        ],
        ..Options::default()
    };
    table(
        &[
            (
                "container overrides pod",
                d(),
                "spec:\n  securityContext: {runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true}\n  containers:\n  - name: a\n    securityContext: {runAsUser: 2000, runAsGroup: 4000, runAsNonRoot: false}\n  - name: b\n",
            ),
            (
                "unset everywhere",
                d(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "wrong type is unset",
                d(),
                "spec:\n  securityContext: {runAsUser: 7}\n  containers:\n  - name: a\n    securityContext: {runAsUser: \"1000\"}\n",
            ),
            (
                "image users",
                images,
                "spec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: num\n  - name: none\n  - name: named\n  - name: other\n",
            ),
            (
                "non-root with root uid",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext: {runAsNonRoot: true, runAsUser: 0}\n",
            ),
        ],
        &["runAsUser", "runAsGroup", "runAsNonRoot"],
        expect![[r#"
            # container overrides pod
            a.runAsUser = 2000 <- container@9
            a.runAsGroup = 4000 <- container@9
            a.runAsNonRoot = false <- container@9
            b.runAsUser = 1000 <- pod@6
            b.runAsGroup = 3000 <- pod@6
            b.runAsNonRoot = true <- pod@6
            # unset everywhere
            a.runAsUser = null <- image (runs as the image's USER; root (0) if the image sets none)
            a.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            a.runAsNonRoot = null <- default (unset: the kubelet does not check the user)
            # wrong type is unset
            a.runAsUser = 7 <- pod@6
            a.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            a.runAsNonRoot = null <- default (unset: the kubelet does not check the user)
            # image users
            num.runAsUser = 1001 <- image (the image's USER)
            num.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            num.runAsNonRoot = true <- pod@6
            none.runAsUser = 0 <- image (the image sets no USER, so it runs as root (0))
            none.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            none.runAsNonRoot = true <- pod@6 (the kubelet refuses to start the container: its user is root (0))
            named.runAsUser = nginx <- image (the image's USER is a name: its uid comes from the image's /etc/passwd)
            named.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            named.runAsNonRoot = true <- pod@6 (the kubelet refuses to start the container: the image's user is not numeric, so it cannot verify it is not root)
            other.runAsUser = null <- image (runs as the image's USER; root (0) if the image sets none)
            other.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            other.runAsNonRoot = true <- pod@6 (checked by the kubelet at start against the image's user: it refuses root (0), an image with no USER, and a non-numeric USER)
            # non-root with root uid
            a.runAsUser = 0 <- container@8
            a.runAsGroup = null <- image (the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured)
            a.runAsNonRoot = true <- container@8 (the kubelet refuses to start the container: its user is root (0))
        "#]],
    );
}

#[test]
fn selinux_and_windows() {
    table(
        &[
            (
                "container struct replaces the pod's",
                d(),
                "spec:\n  securityContext:\n    seLinuxOptions: {level: \"s0:c1,c2\", user: u}\n  containers:\n  - name: a\n    securityContext:\n      seLinuxOptions: {type: spc_t}\n  - name: b\n",
            ),
            ("unset", d(), "spec:\n  containers:\n  - name: a\n"),
            (
                "windows per field, gmsa pair together",
                d(),
                "spec:\n  securityContext:\n    windowsOptions: {gmsaCredentialSpecName: gn, gmsaCredentialSpec: gs, runAsUserName: pod, hostProcess: false}\n  containers:\n  - name: a\n    securityContext:\n      windowsOptions: {gmsaCredentialSpecName: m, runAsUserName: ctr}\n  - name: b\n  - name: c\n    securityContext:\n      windowsOptions: {gmsaCredentialSpecName: cx, gmsaCredentialSpec: cy, runAsUserName: z, hostProcess: false}\n",
            ),
        ],
        &["seLinuxOptions", "windowsOptions"],
        expect![[r#"
            # container struct replaces the pod's
            a.seLinuxOptions = {type:spc_t} <- container@11 (replaces the pod's seLinuxOptions as a whole; with no level, containerd picks a fresh MCS level while CRI-O keeps the pod's)
            a.windowsOptions = null <- default
            b.seLinuxOptions = {level:s0:c1,c2,user:u} <- pod@7
            b.windowsOptions = null <- default
            # unset
            a.seLinuxOptions = null <- runtime (on SELinux hosts the runtime assigns a label (typically container_t with a per-pod MCS level))
            a.windowsOptions = null <- default
            # windows per field, gmsa pair together
            a.seLinuxOptions = null <- runtime (on SELinux hosts the runtime assigns a label (typically container_t with a per-pod MCS level))
            a.windowsOptions = {gmsaCredentialSpecName:m,runAsUserName:ctr,hostProcess:false} <- container@11 (merged per field: hostProcess from the pod)
            b.seLinuxOptions = null <- runtime (on SELinux hosts the runtime assigns a label (typically container_t with a per-pod MCS level))
            b.windowsOptions = {gmsaCredentialSpecName:gn,gmsaCredentialSpec:gs,runAsUserName:pod,hostProcess:false} <- pod@7
            c.seLinuxOptions = null <- runtime (on SELinux hosts the runtime assigns a label (typically container_t with a per-pod MCS level))
            c.windowsOptions = {gmsaCredentialSpecName:cx,gmsaCredentialSpec:cy,runAsUserName:z,hostProcess:false} <- container@15
        "#]],
    );
}

#[test]
fn seccomp() {
    let sd = |n: u32| Options {
        seccomp_default: true,
        kube_minor: Some(n),
        ..Options::default()
    };
    let ann = "metadata:\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n    container.seccomp.security.alpha.kubernetes.io/b: localhost/prof.json\n";
    let ann_pod = |n: u32, body: &str| {
        (
            format!("annotations at 1.{n}"),
            kube(n),
            format!("{ann}{body}"),
        )
    };
    let annotated = "spec:\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: a\n  - name: b\n";
    let no_pod_field = "spec:\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      seccompProfile: {type: RuntimeDefault}\n";
    // The annotation cases carry their own metadata, so render them directly.
    let mut out = String::new();
    for (label, o, body) in [
        ann_pod(24, no_pod_field),
        ann_pod(25, annotated),
        ann_pod(26, no_pod_field),
        ann_pod(27, no_pod_field),
    ] {
        out.push_str(&format!("# {label}\n"));
        out.push_str(&render(
            &format!(
                "apiVersion: v1\nkind: Pod\n{}",
                body.replacen("metadata:\n", "metadata:\n  name: p\n", 1)
            ),
            &o,
            &["seccompProfile"],
        ));
    }
    expect![[r#"
        # annotations at 1.24
        a.seccompProfile = {type:RuntimeDefault} <- annotation@6 (the kubelet reads the legacy annotation)
        b.seccompProfile = {type:RuntimeDefault} <- container@13
        # annotations at 1.25
        a.seccompProfile = {type:Unconfined} <- pod@10
        b.seccompProfile = {type:Localhost,localhostProfile:prof.json} <- annotation@7 (the API server copies the annotation into the container field on create (not for static pods))
        # annotations at 1.26
        a.seccompProfile = {type:RuntimeDefault} <- annotation@6 (the API server copies the annotation into the pod field on create (not for static pods))
        b.seccompProfile = {type:RuntimeDefault} <- container@13
        # annotations at 1.27
        a.seccompProfile = {type:Unconfined} <- default (kubelet default: no seccomp filter (seccompDefault is off); the legacy seccomp annotation is ignored since 1.27)
        b.seccompProfile = {type:RuntimeDefault} <- container@13
    "#]].assert_eq(&out);
    table(
        &[
            (
                "container over pod over default",
                d(),
                "spec:\n  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: a\n    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: my.json}\n  - name: b\n",
            ),
            (
                "unset: Unconfined",
                d(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "seccompDefault: RuntimeDefault, explicit Unconfined kept",
                sd(36),
                "spec:\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      seccompProfile: {type: Unconfined}\n",
            ),
            (
                "seccompDefault before 1.22 does not exist",
                sd(21),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "seccompDefault in 1.22-1.24: its kubelet gate is alpha, off by default",
                sd(24),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "seccompDefault from 1.25, when the gate is on by default",
                sd(25),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "privileged runs unconfined",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      privileged: true\n      seccompProfile: {type: RuntimeDefault}\n",
            ),
            (
                "localhost without profile",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: \"\"}\n",
            ),
        ],
        &["seccompProfile"],
        expect![[r#"
            # container over pod over default
            a.seccompProfile = {type:Localhost,localhostProfile:my.json} <- container@11 (loaded from <kubelet root-dir>/seccomp/my.json on the node (root-dir defaults to /var/lib/kubelet))
            b.seccompProfile = {type:RuntimeDefault} <- pod@7
            # unset: Unconfined
            a.seccompProfile = {type:Unconfined} <- default (kubelet default: no seccomp filter (seccompDefault is off))
            # seccompDefault: RuntimeDefault, explicit Unconfined kept
            a.seccompProfile = {type:RuntimeDefault} <- default (kubelet seccompDefault: true)
            b.seccompProfile = {type:Unconfined} <- container@10
            # seccompDefault before 1.22 does not exist
            a.seccompProfile = {type:Unconfined} <- default (kubelet seccompDefault: true is set, but a 1.21 kubelet ignores it: the setting does not exist before 1.22, and the SeccompDefault feature gate is on by default from 1.25: no seccomp filter)
            # seccompDefault in 1.22-1.24: its kubelet gate is alpha, off by default
            a.seccompProfile = {type:Unconfined} <- default (kubelet seccompDefault: true is set, but a 1.24 kubelet ignores it: the SeccompDefault feature gate is alpha and off by default in 1.24 (on from 1.25): no seccomp filter)
            # seccompDefault from 1.25, when the gate is on by default
            a.seccompProfile = {type:RuntimeDefault} <- default (kubelet seccompDefault: true)
            # privileged runs unconfined
            a.seccompProfile = {type:RuntimeDefault} <- container@10 (privileged: the runtime runs the container without seccomp whatever is requested)
            # localhost without profile
            a.seccompProfile = {type:Localhost,localhostProfile:} <- container@9 (the kubelet refuses a Localhost profile with no localhostProfile)
        "#]],
    );
}

#[test]
fn apparmor() {
    let body = "  annotations:\n    container.apparmor.security.beta.kubernetes.io/b: localhost/k8s-b\n    container.apparmor.security.beta.kubernetes.io/c: bogus\nspec:\n  securityContext:\n    appArmorProfile: {type: RuntimeDefault}\n  containers:\n  - name: a\n    securityContext:\n      appArmorProfile: {type: Unconfined}\n  - name: b\n    securityContext:\n      appArmorProfile: {type: Localhost, localhostProfile: field}\n  - name: c\n";
    let no_aa = Options {
        apparmor_enabled: false,
        ..Options::default()
    };
    let crio = Options {
        runtime: Runtime::CriO,
        ..Options::default()
    };
    let mut out = String::new();
    for (label, o) in [
        ("1.29: annotation only", kube(29)),
        ("1.30: field first", kube(30)),
    ] {
        out.push_str(&format!("# {label}\n"));
        out.push_str(&render(
            &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n{body}"),
            &o,
            &["appArmorProfile"],
        ));
    }
    expect![[r#"
        # 1.29: annotation only
        a.appArmorProfile = {type:RuntimeDefault} <- runtime (no profile requested: the runtime applies its default profile (cri-containerd.apparmor.d); appArmorProfile is written, but a 1.29 API server drops it as an unknown field: the field does not exist before 1.30)
        b.appArmorProfile = {type:Localhost,localhostProfile:k8s-b} <- annotation@6 (the AppArmor annotation; appArmorProfile is written, but a 1.29 API server drops it as an unknown field: the field does not exist before 1.30)
        c.appArmorProfile = {type:RuntimeDefault} <- runtime (no profile requested: the runtime applies its default profile (cri-containerd.apparmor.d); appArmorProfile is written, but a 1.29 API server drops it as an unknown field: the field does not exist before 1.30)
        # 1.30: field first
        a.appArmorProfile = {type:Unconfined} <- container@14
        b.appArmorProfile = {type:Localhost,localhostProfile:field} <- container@17
        c.appArmorProfile = {type:RuntimeDefault} <- pod@10
    "#]].assert_eq(&out);
    let ann = "metadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/a: runtime/default\nspec:\n  securityContext:\n    appArmorProfile: {type: Unconfined}\n  containers:\n  - name: a\n  - name: b\n";
    expect![[r#"
        a.appArmorProfile = {type:RuntimeDefault} <- annotation@6 (legacy annotation, deprecated since 1.30)
        b.appArmorProfile = {type:Unconfined} <- pod@9
    "#]].assert_eq(&render(&format!("apiVersion: v1\nkind: Pod\n{ann}"), &d(), &["appArmorProfile"]));
    table(
        &[
            (
                "none: runtime default",
                d(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "none: cri-o default",
                crio.clone(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "node without AppArmor",
                no_aa,
                "spec:\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      appArmorProfile: {type: RuntimeDefault}\n",
            ),
            (
                "privileged on containerd",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: true}\n  - name: b\n    securityContext:\n      privileged: true\n      appArmorProfile: {type: Localhost, localhostProfile: x}\n",
            ),
            (
                "privileged on cri-o",
                crio,
                "spec:\n  containers:\n  - name: b\n    securityContext:\n      privileged: true\n      appArmorProfile: {type: Localhost, localhostProfile: x}\n",
            ),
        ],
        &["appArmorProfile"],
        expect![[r#"
            # none: runtime default
            a.appArmorProfile = {type:RuntimeDefault} <- runtime (no profile requested: the runtime applies its default profile (cri-containerd.apparmor.d))
            # none: cri-o default
            a.appArmorProfile = {type:RuntimeDefault} <- runtime (no profile requested: the runtime applies its default profile (crio-default))
            # node without AppArmor
            a.appArmorProfile = null <- runtime (the node has no AppArmor: no profile)
            b.appArmorProfile = {type:RuntimeDefault} <- container@10 (the node has no AppArmor: the kubelet refuses the pod)
            # privileged on containerd
            a.appArmorProfile = null <- runtime (privileged: no profile)
            b.appArmorProfile = {type:Localhost,localhostProfile:x} <- container@12 (privileged: containerd still applies a Localhost profile)
            # privileged on cri-o
            b.appArmorProfile = {type:Localhost,localhostProfile:x} <- container@10 (privileged: CRI-O applies no profile)
        "#]],
    );
}

#[test]
fn privilege_and_capabilities() {
    let crio = Options {
        runtime: Runtime::CriO,
        ..Options::default()
    };
    table(
        &[
            (
                "defaults on containerd",
                d(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "defaults on cri-o",
                crio.clone(),
                "spec:\n  containers:\n  - name: a\n",
            ),
            (
                "drop ALL add one, non-root",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      runAsUser: 1000\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n",
            ),
            (
                "CAP_ prefix on containerd",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      capabilities: {add: [CAP_NET_ADMIN], drop: [CAP_NET_RAW]}\n",
            ),
            (
                "CAP_ prefix and typo on cri-o",
                crio,
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      capabilities: {add: [CAP_NET_ADMIN, NET_ADMN], drop: [net_raw]}\n",
            ),
            (
                "SYS_ADMIN defeats no_new_privs",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL], add: [SYS_ADMIN]}\n  - name: b\n    securityContext:\n      capabilities: {add: [SYS_ADMIN]}\n",
            ),
            (
                "privileged",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext:\n      privileged: true\n      capabilities: {drop: [ALL]}\n",
            ),
            (
                "explicit privileged false",
                d(),
                "spec:\n  containers:\n  - name: a\n    securityContext: {privileged: false, allowPrivilegeEscalation: true}\n",
            ),
            (
                "user namespace",
                d(),
                "spec:\n  hostUsers: false\n  containers:\n  - name: a\n    securityContext:\n      capabilities: {drop: [ALL]}\n",
            ),
        ],
        &["privileged", "allowPrivilegeEscalation", "capabilities"],
        expect![[r##"
            # defaults on containerd
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- default (unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges)
            a.capabilities = [AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT] <- runtime (the containerd default set)
            # defaults on cri-o
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- default (unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges)
            a.capabilities = [CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETGID,SETPCAP,SETUID] <- runtime (the cri-o default set)
            # drop ALL add one, non-root
            a.privileged = false <- default
            a.allowPrivilegeEscalation = false <- container@10
            a.capabilities = [NET_BIND_SERVICE] <- container@11 (this is the bounding set: a non-root process starts with none of them unless file capabilities grant them)
            # CAP_ prefix on containerd
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- default (unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges)
            a.capabilities = [AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT] <- container@9 (containerd passes "CAP_NET_ADMIN", "CAP_NET_RAW" on as unknown capabilities, which runc and crun ignore)
            # CAP_ prefix and typo on cri-o
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- default (unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges)
            a.capabilities = [CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_ADMIN,NET_BIND_SERVICE,SETGID,SETPCAP,SETUID] <- container@9 (CRI-O fails to create the container: unknown capability "NET_ADMN")
            # SYS_ADMIN defeats no_new_privs
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- container@9 (no_new_privs is set, but CAP_SYS_ADMIN lets the process gain privileges anyway)
            a.capabilities = [SYS_ADMIN] <- container@10
            b.privileged = false <- default
            b.allowPrivilegeEscalation = true <- container@13 (CAP_SYS_ADMIN lets the process gain privileges)
            b.capabilities = [AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_ADMIN,SYS_CHROOT] <- container@13
            # privileged
            a.privileged = true <- container@9 (every capability, every host device, no seccomp, no masked paths)
            a.allowPrivilegeEscalation = true <- container@9 (privileged containers can always gain privileges)
            a.capabilities = [AUDIT_CONTROL,AUDIT_READ,AUDIT_WRITE,BLOCK_SUSPEND,BPF,CHECKPOINT_RESTORE,CHOWN,DAC_OVERRIDE,DAC_READ_SEARCH,FOWNER,FSETID,IPC_LOCK,IPC_OWNER,KILL,LEASE,LINUX_IMMUTABLE,MAC_ADMIN,MAC_OVERRIDE,MKNOD,NET_ADMIN,NET_BIND_SERVICE,NET_BROADCAST,NET_RAW,PERFMON,SETFCAP,SETGID,SETPCAP,SETUID,SYSLOG,SYS_ADMIN,SYS_BOOT,SYS_CHROOT,SYS_MODULE,SYS_NICE,SYS_PACCT,SYS_PTRACE,SYS_RAWIO,SYS_RESOURCE,SYS_TIME,SYS_TTY_CONFIG,WAKE_ALARM] <- container@9 (privileged: every capability; add and drop are ignored)
            # explicit privileged false
            a.privileged = false <- container@8
            a.allowPrivilegeEscalation = true <- container@8
            a.capabilities = [AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT] <- runtime (the containerd default set)
            # user namespace
            a.privileged = false <- default
            a.allowPrivilegeEscalation = true <- default (unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges)
            a.capabilities = [] <- container@10 (capabilities apply inside the pod's user namespace)
        "##]],
    );
}

#[test]
fn filesystem_and_proc_mount() {
    table(
        &[
            ("unset", d(), "spec:\n  containers:\n  - name: a\n"),
            (
                "set, 1.32",
                kube(32),
                "spec:\n  hostUsers: false\n  containers:\n  - name: a\n    securityContext: {readOnlyRootFilesystem: true, procMount: Unmasked}\n",
            ),
            (
                "set, 1.33",
                kube(33),
                "spec:\n  hostUsers: false\n  containers:\n  - name: a\n    securityContext: {readOnlyRootFilesystem: true, procMount: Unmasked}\n",
            ),
            (
                "readOnlyRootFilesystem at pod level does nothing",
                d(),
                "spec:\n  securityContext: {readOnlyRootFilesystem: true}\n  containers:\n  - name: a\n",
            ),
        ],
        &["readOnlyRootFilesystem", "procMount"],
        expect![[r#"
            # unset
            a.readOnlyRootFilesystem = false <- default (unset: the root filesystem is writable)
            a.procMount = Default <- default
            # set, 1.32
            a.readOnlyRootFilesystem = true <- container@9
            a.procMount = Default <- default@9 (procMount: Unmasked is written here, but a 1.32 API server resets it to Default when it creates the pod: the ProcMountType feature gate is beta and off by default in 1.32 (on from 1.33))
            # set, 1.33
            a.readOnlyRootFilesystem = true <- container@9
            a.procMount = Unmasked <- container@9
            # readOnlyRootFilesystem at pod level does nothing
            a.readOnlyRootFilesystem = false <- default (unset: the root filesystem is writable)
            a.procMount = Default <- default
        "#]],
    );
}

#[test]
fn pod_only_values() {
    let body = "spec:\n  hostUsers: false\n  hostNetwork: true\n  hostPID: false\n  securityContext:\n    fsGroup: 2000\n    supplementalGroups: [3000, 4000]\n    supplementalGroupsPolicy: Strict\n    sysctls:\n    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n  containers:\n  - name: a\n";
    let fields = &[
        "fsGroup",
        "supplementalGroups",
        "supplementalGroupsPolicy",
        "sysctls",
        "hostUsers",
        "hostNetwork",
        "hostPID",
        "hostIPC",
    ];
    table(
        &[
            ("unset", d(), "spec:\n  containers:\n  - name: a\n"),
            ("1.24", kube(24), body),
            ("1.25", kube(25), body),
            ("1.31", kube(31), body),
            ("1.33", kube(33), body),
        ],
        fields,
        expect![[r#"
            # unset
            a.fsGroup = null <- default
            a.supplementalGroups = [] <- default
            a.supplementalGroupsPolicy = Merge <- default (groups from the image's /etc/group are added too)
            a.sysctls = [] <- default
            a.hostUsers = true <- default (unset: the pod shares the host's user namespace)
            a.hostNetwork = false <- default
            a.hostPID = false <- default
            a.hostIPC = false <- default
            # 1.24
            a.fsGroup = 2000 <- pod@10 (added to the container's supplementary groups; owns supported volumes)
            a.supplementalGroups = [3000,4000] <- pod@11
            a.supplementalGroupsPolicy = Merge <- default@12 (written here as Strict, but a 1.24 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33; so groups from the image's /etc/group are added too)
            a.sysctls = [{name:net.ipv4.tcp_syncookies,value:1}] <- pod@13
            a.hostUsers = true <- default@6 (written here as false, but a 1.24 API server drops it as an unknown field: the field does not exist before 1.25, and the UserNamespacesSupport feature gate is on by default from 1.33; so the pod shares the host's user namespace)
            a.hostNetwork = true <- pod@7
            a.hostPID = false <- pod@8
            a.hostIPC = false <- default
            # 1.25
            a.fsGroup = 2000 <- pod@10 (added to the container's supplementary groups; owns supported volumes)
            a.supplementalGroups = [3000,4000] <- pod@11
            a.supplementalGroupsPolicy = Merge <- default@12 (written here as Strict, but a 1.25 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33; so groups from the image's /etc/group are added too)
            a.sysctls = [{name:net.ipv4.tcp_syncookies,value:1}] <- pod@13
            a.hostUsers = true <- default@6 (written here as false, but a 1.25 API server drops it when it creates the pod: the UserNamespacesSupport feature gate is alpha and off by default in 1.25 (on from 1.33); so the pod shares the host's user namespace)
            a.hostNetwork = true <- pod@7
            a.hostPID = false <- pod@8
            a.hostIPC = false <- default
            # 1.31
            a.fsGroup = 2000 <- pod@10 (added to the container's supplementary groups; owns supported volumes)
            a.supplementalGroups = [3000,4000] <- pod@11
            a.supplementalGroupsPolicy = Merge <- default@12 (written here as Strict, but a 1.31 API server drops it when it creates the pod: the SupplementalGroupsPolicy feature gate is alpha and off by default in 1.31 (on from 1.33); so groups from the image's /etc/group are added too)
            a.sysctls = [{name:net.ipv4.tcp_syncookies,value:1}] <- pod@13
            a.hostUsers = true <- default@6 (written here as false, but a 1.31 API server drops it when it creates the pod: the UserNamespacesSupport feature gate is beta and off by default in 1.31 (on from 1.33); so the pod shares the host's user namespace)
            a.hostNetwork = true <- pod@7
            a.hostPID = false <- pod@8
            a.hostIPC = false <- default
            # 1.33
            a.fsGroup = 2000 <- pod@10 (added to the container's supplementary groups; owns supported volumes)
            a.supplementalGroups = [3000,4000] <- pod@11
            a.supplementalGroupsPolicy = Strict <- pod@12
            a.sysctls = [{name:net.ipv4.tcp_syncookies,value:1}] <- pod@13
            a.hostUsers = false <- pod@6
            a.hostNetwork = true <- pod@7
            a.hostPID = false <- pod@8
            a.hostIPC = false <- default
        "#]],
    );
}

/// The serialized form of the effective context is a contract (the CLI's JSON, the playground's
/// worker, the effective view's row order): every field, in display order, as written here.
#[test]
fn serialized_form() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/a: localhost/prof\nspec:\n  hostNetwork: true\n  securityContext:\n    runAsUser: 1000\n    runAsNonRoot: true\n    fsGroup: 2000\n    supplementalGroups: [3]\n    sysctls: [{name: kernel.shm_rmid_forced, value: \"1\"}]\n    seLinuxOptions: {level: \"s0:c1\"}\n    windowsOptions: {runAsUserName: pod}\n  containers:\n  - name: a\n    securityContext:\n      runAsGroup: 3000\n      seccompProfile: {type: RuntimeDefault}\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n      procMount: Unmasked\n      capabilities: {add: [NET_ADMIN], drop: [ALL]}\n";
    let stream = yaml::parse_stream(text);
    let Entry::Workload(_, pod) = manifest::objects(&stream.documents[0]).remove(0) else {
        panic!()
    };
    let eff = super::resolve(&pod, &kube(33));
    let json = serde_json::to_string_pretty(&eff).unwrap();
    expect![[r#"
        [
          {
            "runAsUser": {
              "value": 1000,
              "source": "pod",
              "line": 10
            },
            "runAsGroup": {
              "value": 3000,
              "source": "container",
              "line": 20
            },
            "runAsNonRoot": {
              "value": true,
              "source": "pod",
              "line": 11
            },
            "seLinuxOptions": {
              "value": {
                "level": "s0:c1"
              },
              "source": "pod",
              "line": 15
            },
            "windowsOptions": {
              "value": {
                "runAsUserName": "pod"
              },
              "source": "pod",
              "line": 16
            },
            "seccompProfile": {
              "value": {
                "type": "RuntimeDefault"
              },
              "source": "container",
              "line": 21
            },
            "appArmorProfile": {
              "value": {
                "type": "Localhost",
                "localhostProfile": "prof"
              },
              "source": "annotation",
              "line": 6,
              "note": "legacy annotation, deprecated since 1.30"
            },
            "privileged": {
              "value": false,
              "source": "default",
              "line": null
            },
            "allowPrivilegeEscalation": {
              "value": false,
              "source": "container",
              "line": 22
            },
            "capabilities": {
              "value": [
                "NET_ADMIN"
              ],
              "source": "container",
              "line": 25,
              "note": "this is the bounding set: a non-root process starts with none of them unless file capabilities grant them"
            },
            "readOnlyRootFilesystem": {
              "value": true,
              "source": "container",
              "line": 23
            },
            "procMount": {
              "value": "Unmasked",
              "source": "container",
              "line": 24
            },
            "fsGroup": {
              "value": 2000,
              "source": "pod",
              "line": 12,
              "note": "added to the container's supplementary groups; owns supported volumes"
            },
            "supplementalGroups": {
              "value": [
                3
              ],
              "source": "pod",
              "line": 13
            },
            "supplementalGroupsPolicy": {
              "value": "Merge",
              "source": "default",
              "line": null,
              "note": "groups from the image's /etc/group are added too"
            },
            "sysctls": {
              "value": [
                {
                  "name": "kernel.shm_rmid_forced",
                  "value": "1"
                }
              ],
              "source": "pod",
              "line": 14
            },
            "hostUsers": {
              "value": true,
              "source": "default",
              "line": null,
              "note": "unset: the pod shares the host's user namespace"
            },
            "hostNetwork": {
              "value": true,
              "source": "pod",
              "line": 8
            },
            "hostPID": {
              "value": false,
              "source": "default",
              "line": null
            },
            "hostIPC": {
              "value": false,
              "source": "default",
              "line": null
            }
          }
        ]"#]].assert_eq(&json);
    let back: Vec<super::ContainerEffective> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, eff);
}

/// A note on many unknown capability names quotes the first eight and counts the rest: a list of
/// 90,000 of them is said in a line, not in a megabyte.
#[test]
fn a_long_list_of_unknown_capabilities_is_counted_in_the_note() {
    let names: Vec<String> = (0..10).map(|i| format!("X{i}")).collect();
    let body = format!(
        "spec:\n  containers:\n  - name: a\n    image: i\n    securityContext:\n      capabilities:\n        drop: [{}]\n",
        names.join(", ")
    );
    table(
        &[("ten unknown names on containerd", d(), &body)],
        &["capabilities"],
        expect![[r##"
            # ten unknown names on containerd
            a.capabilities = [AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT] <- container@10 (containerd passes "X0", "X1", "X2", "X3", "X4", "X5", "X6", "X7" and 2 more on as unknown capabilities, which runc and crun ignore)
        "##]],
    );
}

/// A field resolved alone is the field of the context resolved whole, wherever it comes from:
/// container, pod, annotation, runtime or image default, and privileged containers.
#[test]
fn a_field_resolved_alone_is_the_field_of_the_whole_context() {
    use super::{Field, resolve_container, resolve_field};
    let text = r#"apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
    container.apparmor.security.beta.kubernetes.io/b: localhost/prof
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 0
    runAsNonRoot: true
    seccompProfile: {type: Localhost, localhostProfile: p.json}
  containers:
  - name: a
    image: i
    securityContext:
      privileged: true
      runAsUser: 0
  - name: b
    image: i
    securityContext:
      runAsNonRoot: false
      runAsGroup: 3000
      seccompProfile: {type: Unconfined}
      appArmorProfile: {type: RuntimeDefault}
  - name: c
    image: i
    securityContext:
      privileged: "yes"
  initContainers:
  - name: d
    image: i
"#;
    let stream = yaml::parse_stream(text);
    let fields = [
        Field::RunAsUser,
        Field::RunAsGroup,
        Field::RunAsNonRoot,
        Field::SeccompProfile,
        Field::AppArmorProfile,
    ];
    let mut compared = 0;
    for doc in &stream.documents {
        for entry in manifest::objects(doc) {
            let Entry::Workload(_, pod) = entry else {
                continue;
            };
            for options in [d(), kube(19), kube(30)] {
                for c in &pod.containers {
                    let whole = resolve_container(&pod, c, &options);
                    for f in fields {
                        assert_eq!(
                            &resolve_field(&pod, c, &options, f),
                            f.of(&whole),
                            "{} {f:?}",
                            c.name
                        );
                        compared += 1;
                    }
                }
            }
        }
    }
    assert_eq!(compared, 4 * 3 * 5);
}

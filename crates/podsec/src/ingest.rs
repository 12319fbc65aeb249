//! Reading diagnostics: type errors, unknown fields, container-only fields at pod level, duplicate
//! keys and values that only mean what they mean under YAML 1.1.
//!
//! The API server decodes a manifest into typed Go structs before anything else runs. Where the
//! text cannot be decoded into those types it rejects the object; where a key is unknown, strict
//! clients (`kubectl`, whose `--validate` defaults to strict) reject it and others drop it silently.
//! These diagnostics walk the security-relevant part of the pod spec against a small schema and say
//! so, in the API server's words, at the line and column of the offending text.

use crate::check::{Check, Docs};
use crate::fix::FixAvailability;
use crate::manifest::Object;
use crate::model::{Finding, FindingLevel};
use crate::pod::PodView;
use crate::rule::Findings;
use crate::yaml::{Document, Kind, Node, Scalar};

/// A field type in the schema.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Bool,
    Int,
    Str,
    /// A list of this type, with the Go type name for messages.
    List(&'static Ty, &'static str),
    /// A struct: Go type name and fields. `closed` structs report unknown keys.
    Obj(&'static str, &'static [(&'static str, Ty)], bool),
    /// Anything (not checked).
    Any,
}

const STR: Ty = Ty::Str;
const INT: Ty = Ty::Int;
const BOOL: Ty = Ty::Bool;

const CAPABILITIES: &[(&str, Ty)] = &[
    ("add", Ty::List(&STR, "[]v1.Capability")),
    ("drop", Ty::List(&STR, "[]v1.Capability")),
];
const SECCOMP: &[(&str, Ty)] = &[("type", STR), ("localhostProfile", STR)];
const SELINUX: &[(&str, Ty)] = &[("user", STR), ("role", STR), ("type", STR), ("level", STR)];
const WINDOWS: &[(&str, Ty)] = &[
    ("gmsaCredentialSpecName", STR),
    ("gmsaCredentialSpec", STR),
    ("runAsUserName", STR),
    ("hostProcess", BOOL),
];
const SYSCTL_OBJ: Ty = Ty::Obj("v1.Sysctl", &[("name", STR), ("value", STR)], true);

const CONTAINER_SC: &[(&str, Ty)] = &[
    (
        "capabilities",
        Ty::Obj("v1.Capabilities", CAPABILITIES, true),
    ),
    ("privileged", BOOL),
    (
        "seLinuxOptions",
        Ty::Obj("v1.SELinuxOptions", SELINUX, true),
    ),
    (
        "windowsOptions",
        Ty::Obj("v1.WindowsSecurityContextOptions", WINDOWS, true),
    ),
    ("runAsUser", INT),
    ("runAsGroup", INT),
    ("runAsNonRoot", BOOL),
    ("readOnlyRootFilesystem", BOOL),
    ("allowPrivilegeEscalation", BOOL),
    ("procMount", STR),
    (
        "seccompProfile",
        Ty::Obj("v1.SeccompProfile", SECCOMP, true),
    ),
    (
        "appArmorProfile",
        Ty::Obj("v1.AppArmorProfile", SECCOMP, true),
    ),
];

const POD_SC: &[(&str, Ty)] = &[
    (
        "seLinuxOptions",
        Ty::Obj("v1.SELinuxOptions", SELINUX, true),
    ),
    (
        "windowsOptions",
        Ty::Obj("v1.WindowsSecurityContextOptions", WINDOWS, true),
    ),
    ("runAsUser", INT),
    ("runAsGroup", INT),
    ("runAsNonRoot", BOOL),
    ("supplementalGroups", Ty::List(&INT, "[]int64")),
    ("supplementalGroupsPolicy", STR),
    ("fsGroup", INT),
    ("sysctls", Ty::List(&SYSCTL_OBJ, "[]v1.Sysctl")),
    ("fsGroupChangePolicy", STR),
    (
        "seccompProfile",
        Ty::Obj("v1.SeccompProfile", SECCOMP, true),
    ),
    (
        "appArmorProfile",
        Ty::Obj("v1.AppArmorProfile", SECCOMP, true),
    ),
    ("seLinuxChangePolicy", STR),
];

/// Fields that exist only on the container's securityContext.
const CONTAINER_ONLY: &[&str] = &[
    "privileged",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "capabilities",
    "procMount",
];

const PORT: Ty = Ty::Obj(
    "v1.ContainerPort",
    &[
        ("name", STR),
        ("hostPort", INT),
        ("containerPort", INT),
        ("protocol", STR),
        ("hostIP", STR),
    ],
    true,
);

const CONTAINER_FIELDS: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
    "targetContainerName",
];

const CONTAINER: &[(&str, Ty)] = &[
    ("name", STR),
    ("ports", Ty::List(&PORT, "[]v1.ContainerPort")),
    (
        "securityContext",
        Ty::Obj("v1.SecurityContext", CONTAINER_SC, true),
    ),
];

const POD_SPEC_FIELDS: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "hostnameOverride",
    "workloadRef",
];

const CONTAINER_TY: Ty = Ty::Obj("v1.Container", CONTAINER, false);

const POD_SPEC: &[(&str, Ty)] = &[
    ("hostNetwork", BOOL),
    ("hostPID", BOOL),
    ("hostIPC", BOOL),
    ("hostUsers", BOOL),
    ("shareProcessNamespace", BOOL),
    ("automountServiceAccountToken", BOOL),
    (
        "securityContext",
        Ty::Obj("v1.PodSecurityContext", POD_SC, true),
    ),
    ("os", Ty::Obj("v1.PodOS", &[("name", STR)], true)),
    ("containers", Ty::List(&CONTAINER_TY, "[]v1.Container")),
    ("initContainers", Ty::List(&CONTAINER_TY, "[]v1.Container")),
    (
        "ephemeralContainers",
        Ty::List(&CONTAINER_TY, "[]v1.EphemeralContainer"),
    ),
    ("volumes", Ty::List(&Ty::Any, "[]v1.Volume")),
];

macro_rules! check {
    ($name:ident, $id:literal, $level:ident, $summary:literal, $what:literal, $why:literal, $example:literal, $instead:literal) => {
        /// Registry entry.
        pub const $name: Check = Check {
            id: $id,
            level: FindingLevel::$level,
            summary: $summary,
            default_on: true,
            fix: FixAvailability::None,
            docs: crate::rule::docs!(Docs {
                what: $what,
                why: $why,
                example: $example,
                use_instead: $instead,
                fix_safety: "There is no automatic fix: podsec cannot know which value you meant.",
                policy: "Not part of the Pod Security Standards. This is how the API server decodes every version of the object.",
                references: &[
                    "https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation",
                    "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context",
                ],
            }),
        };
    };
}

check!(
    INVALID_TYPE,
    "invalid-type",
    Rejected,
    "a security field holds a value of the wrong type",
    "Flags a security field whose value cannot be decoded into the type Kubernetes expects, such as `runAsUser: \"1000\"` (a string where a number belongs) or `capabilities: {add: NET_ADMIN}` (a string where a list belongs).",
    "The API server rejects the whole object when it cannot decode it, so nothing is deployed.\nWorse, tools that read YAML loosely may show the field as set, and you may believe a setting protects you when the cluster never accepted it.",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        runAsUser: \"1000\"\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        runAsUser: 1000\n"
);

check!(
    UNKNOWN_FIELD,
    "unknown-field",
    Rejected,
    "a security field name is misspelt or does not exist there",
    "Flags a key inside a security context (or a pod or container key that looks like a security field) that Kubernetes does not know, such as `runAsNonroot` or `readOnlyRootFileSystem`, and suggests the field you probably meant.",
    "`kubectl` validates strictly by default and rejects the object; Helm, controllers and other clients let the API server drop the unknown key silently.\nA dropped `readOnlyRootFileSystem: true` leaves the root filesystem writable while the manifest looks hardened, which is exactly the gap an attacker uses to persist a backdoor.",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        readOnlyRootFileSystem: true\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        readOnlyRootFilesystem: true\n"
);

check!(
    CONTAINER_FIELD_AT_POD_LEVEL,
    "container-field-at-pod-level",
    Rejected,
    "a container-only security field is written in the pod's securityContext",
    "Flags `privileged`, `allowPrivilegeEscalation`, `readOnlyRootFilesystem`, `capabilities` or `procMount` under `spec.securityContext`.\nThese fields exist only in each container's `securityContext`; the pod-level context has no such fields.",
    "It reads as if every container were protected, but the pod-level context cannot carry these settings: `kubectl` rejects the object as an unknown field, and other clients drop the key without a word, so every container runs with the defaults (escalation allowed, a writable root filesystem, the runtime's default capabilities).\nMany linters drop the key silently too, which is how such manifests reach production.",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    allowPrivilegeEscalation: false\n  containers:\n    - name: app\n      image: app:1.0\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        allowPrivilegeEscalation: false\n"
);

check!(
    DUPLICATE_KEY,
    "duplicate-key",
    Warning,
    "a key is written twice in one mapping",
    "Flags a mapping that repeats a key, and says which value applies (the last one) and where the other is.",
    "When a key is repeated only one value survives: the Kubernetes decoder keeps the last, strict clients reject the file, and people reading it see whichever occurrence they look at first.\nA security setting that is overridden three screens later is easy to miss in review.",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsNonRoot: false\n  containers:\n    - name: app\n      image: app:1.0\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: app:1.0\n"
);

check!(
    YAML11_VALUE,
    "yaml11-value",
    Warning,
    "a value means what it means only under YAML 1.1 rules",
    "Flags unquoted values such as `yes`, `no`, `on`, `off`, `y`, `n` (booleans) or `0755` (octal) that Kubernetes reads with YAML 1.1 rules, while YAML 1.2 tools read them differently.",
    "Kubernetes decodes `runAsNonRoot: yes` as `true`, but a YAML 1.2 linter or a policy engine may read the string \"yes\" and judge the pod differently from the cluster.\nWrite `true`, `false` and decimal numbers so that every tool agrees.",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsNonRoot: yes\n  containers:\n    - name: app\n      image: app:1.0\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: app:1.0\n"
);

/// The checks of this module.
pub const CHECKS: &[&Check] = &[
    &INVALID_TYPE,
    &UNKNOWN_FIELD,
    &CONTAINER_FIELD_AT_POD_LEVEL,
    &DUPLICATE_KEY,
    &YAML11_VALUE,
];

/// Appends reading diagnostics for one workload object.
pub fn diagnose(object: &Object<'_>, pod: &PodView<'_>, out: &mut Vec<Finding>) {
    out.extend(Findings::collect(|sink| diagnose_into(object, pod, sink)));
}

/// [`diagnose`] into the analysis' sink.
pub(crate) fn diagnose_into(object: &Object<'_>, pod: &PodView<'_>, out: &mut Findings<'_>) {
    let _ = object;
    let mut w = Walker {
        out,
        container: None,
    };
    w.walk_obj(
        pod.spec,
        "PodSpec",
        POD_SPEC,
        false,
        &pod.path,
        &go_path(&pod.path),
        Some(POD_SPEC_FIELDS),
    );
    // YAML 1.1-only values anywhere in the pod spec or its metadata, depth first, children last
    // first: one frame per level (a collection and how many of its children are left), so that a
    // list of 90,000 entries is not first turned into 90,000 paths.
    let mut roots = vec![(pod.spec, pod.path.clone())];
    if let Some(m) = pod.meta {
        roots.push((
            m,
            pod.path.trim_end_matches("spec").to_string() + "metadata",
        ));
    }
    let mut frames: Vec<(Node<'_>, String, usize)> = Vec::new();
    let mut budget = 200_000usize;
    loop {
        let (n, path) = if let Some((parent, parent_path, left)) = frames.last_mut() {
            if *left == 0 {
                frames.pop();
                continue;
            }
            *left -= 1;
            let i = *left;
            let Some((k, v)) = parent.child(i) else {
                continue;
            };
            let path = match k {
                Some(k) => format!("{parent_path}.{}", k.text().unwrap_or("")),
                None => format!("{parent_path}[{i}]"),
            };
            (v, path)
        } else if let Some(root) = roots.pop() {
            root
        } else {
            break;
        };
        budget = budget.saturating_sub(1);
        if budget == 0 {
            break;
        }
        match n.kind() {
            Kind::Map { .. } | Kind::Seq { .. } => {
                let count = n.child_count();
                frames.push((n, path, count));
            }
            _ => {
                if n.is_yaml11_only() {
                    let (raw, _) = n.raw_scalar().unwrap_or(("", crate::yaml::Style::Plain));
                    let meaning = match n.scalar() {
                        Some(Scalar::Bool(b)) => format!("the boolean {b}"),
                        Some(Scalar::Int(i)) => format!("the number {i}"),
                        Some(Scalar::Float(f)) => format!("the number {f}"),
                        _ => "something else".to_string(),
                    };
                    let suggestion = match n.scalar() {
                        Some(Scalar::Bool(b)) => b.to_string(),
                        Some(Scalar::Int(i)) => i.to_string(),
                        _ => format!("\"{raw}\""),
                    };
                    w.out.push(Finding::new(
                        YAML11_VALUE.id,
                        FindingLevel::Warning,
                        format!("`{raw}` at {path} is read by Kubernetes as {meaning} (YAML 1.1) but as the string \"{raw}\" by YAML 1.2 tools; write {suggestion}"),
                        None,
                        n.span(),
                        path,
                    ));
                }
            }
        }
    }
}

/// Appends duplicate-key warnings that fall inside the object.
pub fn duplicates(doc: &Document, object: &Object<'_>, out: &mut Vec<Finding>) {
    out.extend(Findings::collect(|sink| duplicates_into(doc, object, sink)));
}

/// [`duplicates`] into the analysis' sink.
pub(crate) fn duplicates_into(doc: &Document, object: &Object<'_>, out: &mut Findings<'_>) {
    let span = object.node.span();
    for d in &doc.duplicates {
        if d.second.start >= span.start && d.second.end <= span.end.max(span.start) {
            out.push(
                Finding::new(
                    DUPLICATE_KEY.id,
                    FindingLevel::Warning,
                    format!(
                        "duplicate key \"{}\": the value at line {} applies and the one at line {} is ignored",
                        d.key, d.second.line, d.first.line
                    ),
                    None,
                    d.second,
                    d.key.clone(),
                )
                .related(format!("first \"{}\", ignored", d.key), d.first),
            );
        }
    }
}

struct Walker<'o, 'i> {
    out: &'o mut Findings<'i>,
    container: Option<String>,
}

/// The Go decoder's path: field names without indexes, e.g. `spec.containers.securityContext`.
fn go_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => skip = true,
            ']' => skip = false,
            _ if !skip => s.push(c),
            _ => {}
        }
    }
    s
}

fn json_type(n: Node<'_>) -> &'static str {
    match n.type_name() {
        "object" => "object",
        "array" => "array",
        "boolean" => "bool",
        "number" => "number",
        _ => "string",
    }
}

impl Walker<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn walk_obj(
        &mut self,
        node: Node<'_>,
        go_struct: &str,
        fields: &[(&str, Ty)],
        closed: bool,
        path: &str,
        gpath: &str,
        known: Option<&[&str]>,
    ) {
        for (k, v) in node.entries() {
            let Some(key) = k.text() else { continue };
            let fpath = format!("{path}.{key}");
            let gfpath = format!("{gpath}.{key}");
            match fields.iter().find(|(f, _)| *f == key) {
                Some((_, ty)) => self.walk(v, *ty, go_struct, &fpath, &gfpath),
                None => {
                    if go_struct == "v1.PodSecurityContext" && CONTAINER_ONLY.contains(&key) {
                        self.out.push(Finding::new(
                            CONTAINER_FIELD_AT_POD_LEVEL.id,
                            FindingLevel::Rejected,
                            format!(
                                "{key} is a container-level field: the pod's securityContext has no such field, so kubectl rejects it (strict decoding error: unknown field \"{fpath}\") and other clients drop it silently; set securityContext.{key} in each container instead"
                            ),
                            None,
                            k.span(),
                            fpath.clone(),
                        ));
                        continue;
                    }
                    let candidates: Vec<&str> = fields
                        .iter()
                        .map(|(f, _)| *f)
                        .chain(known.unwrap_or(&[]).iter().copied())
                        .collect();
                    if known.is_some_and(|kn| kn.contains(&key)) {
                        continue;
                    }
                    let suggestion = did_you_mean(key, &candidates);
                    if closed || suggestion.is_some() {
                        let hint = suggestion
                            .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
                        self.out.push(Finding::new(
                            UNKNOWN_FIELD.id,
                            FindingLevel::Rejected,
                            format!("strict decoding error: unknown field \"{fpath}\"{hint}"),
                            self.container.as_deref(),
                            k.span(),
                            fpath.clone(),
                        ));
                    }
                }
            }
        }
    }

    fn type_error(&mut self, v: Node<'_>, go_struct: &str, path: &str, gpath: &str, go_ty: &str) {
        let actual = json_type(v);
        let hint = match (actual, go_ty) {
            ("string", "int64" | "int32")
                if v.text().is_some_and(|t| t.trim().parse::<i64>().is_ok()) =>
            {
                "; write the number without quotes"
            }
            ("string", "bool") if matches!(v.text(), Some("true" | "false")) => {
                "; write true or false without quotes"
            }
            ("string", t) if t.starts_with("[]") => {
                "; write a list, e.g. [NET_BIND_SERVICE] or one `- item` per line"
            }
            _ => "",
        };
        let short = go_struct.trim_start_matches("v1.");
        self.out.push(Finding::new(
            INVALID_TYPE.id,
            FindingLevel::Rejected,
            format!("json: cannot unmarshal {actual} into Go struct field {short}.{gpath} of type {go_ty}{hint}"),
            self.container.as_deref(),
            v.span(),
            path.to_string(),
        ));
    }

    fn walk(&mut self, v: Node<'_>, ty: Ty, go_struct: &str, path: &str, gpath: &str) {
        if v.is_null() {
            return;
        }
        let gpath_full = gpath;
        match ty {
            Ty::Any => {}
            Ty::Bool => {
                if v.as_bool().is_none() {
                    self.type_error(v, go_struct, path, gpath_full, "bool");
                }
            }
            Ty::Int => {
                if v.as_i64().is_none() {
                    let go_ty = if path.ends_with("Port") {
                        "int32"
                    } else {
                        "int64"
                    };
                    self.type_error(v, go_struct, path, gpath_full, go_ty);
                }
            }
            Ty::Str => {
                if !v.is_scalar() {
                    self.type_error(v, go_struct, path, gpath_full, "string");
                }
            }
            Ty::List(item, go_ty) => {
                if !v.is_seq() {
                    self.type_error(v, go_struct, path, gpath_full, go_ty);
                    return;
                }
                for (i, it) in v.items().into_iter().enumerate() {
                    let prev = self.container.clone();
                    if let Ty::Obj("v1.Container", ..) = item {
                        self.container = it.field("name").and_then(Node::text).map(str::to_string);
                    }
                    self.walk(it, *item, go_struct, &format!("{path}[{i}]"), gpath);
                    self.container = prev;
                }
            }
            Ty::Obj(name, fields, closed) => {
                if !v.is_map() {
                    self.type_error(v, go_struct, path, gpath_full, name);
                    return;
                }
                let known = match name {
                    "v1.Container" => Some(CONTAINER_FIELDS),
                    _ => None,
                };
                self.walk_obj(v, name, fields, closed, path, gpath, known);
            }
        }
    }
}

/// The closest known name within a small edit distance, or a case-insensitive match.
fn did_you_mean<'c>(key: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = key.to_ascii_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_ascii_lowercase() == lower) {
        return Some(c);
    }
    let limit = if key.len() > 8 { 2 } else { 1 };
    candidates
        .iter()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;

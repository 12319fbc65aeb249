//! `container-runtime-socket`: a hostPath volume that exposes the container runtime's socket.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pss::{host_path_volumes, restricted_volumes};
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "container-runtime-socket",
    level: FindingLevel::Hardening,
    summary: "a hostPath volume exposes the container runtime's socket (docker.sock, containerd.sock, crio.sock)",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a `hostPath` volume whose path is a container runtime's API socket or a directory that contains one: `/var/run/docker.sock`, `/run/containerd/containerd.sock`, `/var/run/crio/crio.sock`, `cri-dockerd.sock`, the k3s and Podman sockets, their parent directories up to `/run`, `/var/run` and `/`, and Docker's Windows named pipe.
The baseline and restricted profiles forbid `hostPath` volumes altogether, so this rule speaks only at the privileged level.",
        why: "Whoever can talk to the runtime's socket can start a privileged container with the node's root filesystem mounted: it is root on the node, with no further exploit needed.
It also sees and can enter every other container on the node, with their secrets.
`readOnly: true` on the mount does not help, because connecting to a Unix socket is not a write.
Build pipelines that mount `docker.sock` to build images are the classic case; daemonless builders (BuildKit rootless, Kaniko, Buildah) do the same job without it.",
        example: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: build
      image: docker:27
      volumeMounts:
        - name: docker
          mountPath: /var/run/docker.sock
  volumes:
    - name: docker
      hostPath:
        path: /var/run/docker.sock
        type: Socket
",
        use_instead: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: build
      image: gcr.io/kaniko-project/executor:v1.23.2
      args:
        - --dockerfile=Dockerfile
        - --no-push
",
        fix_safety: "No automatic fix.
Removing the volume breaks whatever the workload does with the runtime; the replacement (a daemonless image builder, the Kubernetes API instead of the runtime's, a node agent with a narrow purpose) is a design decision.",
        policy: "Baseline forbids every `hostPath` volume at all policy versions; restricted allows only a fixed list of volume types, which excludes `hostPath`.",
        references: &[
            "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
            "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
            "https://github.com/GoogleContainerTools/kaniko",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Runtime API sockets and pipes, as found on common nodes.
const SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/dockershim.sock",
    "/run/k3s/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
];

/// Windows named pipes of the Docker and containerd daemons (compared without case).
const PIPES: &[&str] = &[
    "\\\\.\\pipe\\docker_engine",
    "//./pipe/docker_engine",
    "\\\\.\\pipe\\containerd-containerd",
    "//./pipe/containerd-containerd",
];

/// The socket a host path exposes, if any: the path itself, or a socket inside the directory.
fn exposed(host: &str) -> Option<&'static str> {
    if let Some(p) = PIPES.iter().find(|p| p.eq_ignore_ascii_case(host)) {
        return Some(p);
    }
    // Normalise `//` and trailing slashes; `.` and `..` make the path invalid for hostPath anyway.
    let parts: Vec<&str> = host.split('/').filter(|s| !s.is_empty()).collect();
    if !host.starts_with('/') {
        return None;
    }
    let normal = format!("/{}", parts.join("/"));
    SOCKETS.iter().copied().find(|s| {
        *s == normal
            || normal == "/"
            || s.strip_prefix(normal.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // Baseline's hostPathVolumes and restricted's restrictedVolumes forbid every hostPath volume.
    if ctx.pss_runs(&host_path_volumes::CHECK) || ctx.pss_runs(&restricted_volumes::CHECK) {
        return;
    }
    for (i, v) in ctx.pod.volumes().into_iter().enumerate() {
        let Some(hp) = v.field("hostPath") else {
            continue;
        };
        let Some(p) = hp.field("path") else { continue };
        let Some(host) = p.text() else { continue };
        let Some(socket) = exposed(host) else {
            continue;
        };
        let name = v.field("name").and_then(Node::text).unwrap_or("");
        let what = if socket.eq_ignore_ascii_case(host) || host.trim_end_matches('/') == socket {
            "the container runtime's socket".to_string()
        } else {
            format!("the container runtime's socket {socket}")
        };
        let users: Vec<String> = ctx
            .pod
            .containers
            .iter()
            .filter(|c| {
                c.volume_mounts()
                    .iter()
                    .any(|m| m.field("name").and_then(Node::text) == Some(name))
            })
            .map(|c| c.name.to_string())
            .collect();
        let tail = if users.is_empty() {
            String::new()
        } else {
            format!(
                ": {} can control every container on the node",
                super::containers_phrase(&users)
            )
        };
        out.push(
            ctx.report(&CHECK, format!("volume \"{name}\" mounts host path \"{host}\", which exposes {what}{tail}"),
                None,
                p.span(),
                format!("{}.volumes[{i}].hostPath.path", ctx.pod.path),
            )
            .with_fix(Fix::manual(
                "remove the runtime socket volume",
                "use a daemonless image builder or the Kubernetes API instead of the container runtime's socket",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::{CHECK, exposed};
    use crate::testing::check;

    #[test]
    fn sockets_and_their_directories() {
        assert_eq!(
            exposed("/var/run/docker.sock"),
            Some("/var/run/docker.sock")
        );
        assert_eq!(
            exposed("/run/containerd/"),
            Some("/run/containerd/containerd.sock")
        );
        assert_eq!(exposed("//var//run"), Some("/var/run/docker.sock"));
        assert_eq!(exposed("/"), Some("/var/run/docker.sock"));
        assert_eq!(
            exposed("\\\\.\\PIPE\\docker_engine"),
            Some("\\\\.\\pipe\\docker_engine")
        );
        assert_eq!(exposed("/var/log"), None);
        assert_eq!(exposed("/run/containerd-other"), None);
        assert_eq!(exposed("var/run"), None);
    }

    #[test]
    fn reported_at_privileged_only() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    volumeMounts: [{name: run, mountPath: /r, readOnly: true}]\n  volumes:\n  - name: run\n    hostPath: {path: /run}\n";
        check(
            &CHECK,
            &format!("# podsec: --level privileged\n{yaml}"),
            expect![[r#"
            11:22 spec.volumes[0].hostPath.path volume "run" mounts host path "/run", which exposes the container runtime's socket /run/docker.sock: container "a" can control every container on the node [fix: remove the runtime socket volume (manual)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{yaml}"),
            expect![[""]],
        );
    }
}

//! Lesson: the final exercise, a real Deployment hardened to restricted with nothing left to advise.

use super::attempt::{accepted, effective_is, every_container, mounted_from};
use super::{Goal, Lesson};
use crate::model::{FindingLevel, PssLevel, Value, Version};

pub(super) const LESSON: Lesson = Lesson {
    id: "harden-deployment",
    title: "Harden a real Deployment",
    explanation: learner_text!("Time to put it together on a Deployment like the ones in real clusters: an init container that waits for the database, a web server, and a metrics exporter beside it.
The web server writes to `/tmp` and to its cache directory `/var/cache/nginx`, and listens on port 8080; the others write nothing.
Nothing in it is security-minded yet.
The goal is the restricted standard and no advice left from podsec's default hardening rules, without changing what runs.
Use everything from the track: users and groups, escalation, capabilities, seccomp, a read-only root with `emptyDir` volumes, and pod-level values where every container shares them.
`podsec harden` (or the playground's hardened view) can write part of it for you; read what it did."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  labels:
    app: storefront
spec:
  replicas: 3
  selector:
    matchLabels:
      app: storefront
  template:
    metadata:
      labels:
        app: storefront
    spec:
      initContainers:
        - name: wait-db
          image: registry.example.com/tools/wait-for:1.2
          args: ["postgres:5432", "--timeout=60s"]
      containers:
        - name: web
          image: registry.example.com/shop/storefront-web:3.7.0
          ports:
            - containerPort: 8080
          volumeMounts:
            - name: config
              mountPath: /etc/nginx/conf.d
              readOnly: true
        - name: metrics
          image: registry.example.com/observability/nginx-exporter:1.1
          args: ["--scrape-uri=http://localhost:8080/stub_status"]
          ports:
            - containerPort: 9113
      volumes:
        - name: config
          configMap:
            name: storefront-nginx
"#,
    goals: &[
        Goal {
            text: "Admitted at `restricted:latest`",
            test: |a| a.admitted(PssLevel::Restricted, Version::Latest),
        },
        Goal {
            text: "Kubernetes would run it: nothing rejected by the API server or refused by the kubelet",
            test: accepted,
        },
        Goal {
            text: "Every container has a read-only root filesystem",
            test: |a| every_container(a, |c| effective_is(a, c, "readOnlyRootFilesystem", &Value::Bool(true))),
        },
        Goal {
            text: "`web` can still write `/tmp` and `/var/cache/nginx`, each an `emptyDir`",
            test: |a| {
                let tmp = mounted_from(a, "web", "/tmp", "emptyDir", true)?;
                let cache = mounted_from(a, "web", "/var/cache/nginx", "emptyDir", true)?;
                Ok(format!("{tmp}; {cache}"))
            },
        },
        Goal {
            text: "`web` still reads its configuration from the ConfigMap at `/etc/nginx/conf.d`",
            test: |a| mounted_from(a, "web", "/etc/nginx/conf.d", "configMap", false),
        },
        Goal {
            text: "No hardening advice is left (podsec's default rules)",
            test: |a| {
                match a
                    .analysis
                    .objects
                    .iter()
                    .flat_map(|o| &o.findings)
                    .find(|f| f.level == FindingLevel::Hardening)
                {
                    None => Ok("no hardening finding".to_string()),
                    Some(f) => Err(format!("{}: {} (line {})", f.check, f.message, f.line)),
                }
            },
        },
    ],
    hints: hints![
        "Start with what every container shares, at pod level: `runAsNonRoot`, `runAsUser`, `runAsGroup`, `seccompProfile`.",
        "Then each container, the init container included: `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true`, `capabilities: {drop: [\"ALL\"]}`.",
        "`web` needs two `emptyDir` volumes, mounted at `/tmp` and `/var/cache/nginx`; port 8080 needs no capability.",
        "`podsec harden --unsafe` writes most of the security contexts; the volumes are yours to add.",
    ],
    learned: learner_text!("- A restricted, well-hardened workload is a handful of fields: a pod-level user, group and seccomp profile, and per container no escalation, no capabilities and a read-only root.
- Writable directories are explicit `emptyDir` volumes, so you know exactly where the program can write.
- Init containers and sidecars count as much as the main container.
- Ports of 1024 and above need no capability at all, which keeps the capability list empty."),
    checks: &[
        "runAsNonRoot",
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "seccompProfile_restricted",
        "writable-root-filesystem",
        "run-as-image-user",
        "root-group",
    ],
    glossary: &[
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "seccompProfile",
        "allowPrivilegeEscalation",
        "readOnlyRootFilesystem",
        "capabilities",
    ],
};

//! Lesson: hostPath volumes, and what to use instead.

use super::attempt::{items_at, mounted_from, volume_source};
use super::{Goal, Lesson};

pub(super) const LESSON: Lesson = Lesson {
    id: "host-path",
    title: "Replace hostPath volumes",
    explanation: learner_text!("A `hostPath` volume mounts a directory of the node into the container.
Whatever the container can do there, it does on the node: read other pods' data under `/var/lib/kubelet`, plant files the node later runs, talk to the container runtime's socket.
It also ties the pod to one node's disk, so its data vanishes when it is scheduled elsewhere.
Applications almost never need it.
Scratch space and caches belong in an `emptyDir`; configuration in a `configMap` (or a `secret`); data that must outlive the pod in a `persistentVolumeClaim`.
The baseline standard forbids `hostPath`, and the restricted one allows only a short list of volume types."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: thumbnailer
spec:
  selector:
    matchLabels:
      app: thumbnailer
  template:
    metadata:
      labels:
        app: thumbnailer
    spec:
      containers:
        - name: worker
          image: registry.example.com/media/thumbnailer:6.0
          args: ["--cache=/cache", "--config=/etc/thumbnailer/config.yaml"]
          volumeMounts:
            - name: cache
              mountPath: /cache
            - name: config
              mountPath: /etc/thumbnailer
              readOnly: true
      volumes:
        - name: cache
          hostPath:
            path: /var/cache/thumbnailer
            type: DirectoryOrCreate
        - name: config
          hostPath:
            path: /etc/thumbnailer
"#,
    goals: &[
        Goal {
            text: "No `hostPath` volume is left",
            test: |a| {
                let w = a.workload()?;
                match items_at(&w.spec, "volumes")
                    .iter()
                    .find(|v| volume_source(v) == "hostPath")
                {
                    Some(v) => Err(format!(
                        "the volume {} is still a hostPath",
                        super::attempt::get(v, "name").map_or_else(String::new, super::attempt::show)
                    )),
                    None => Ok("no volume is a hostPath".to_string()),
                }
            },
        },
        Goal {
            text: "`/cache` is still mounted and writable, from an `emptyDir`",
            test: |a| mounted_from(a, "worker", "/cache", "emptyDir", true),
        },
        Goal {
            text: "`/etc/thumbnailer` is still mounted, from a `configMap`",
            test: |a| mounted_from(a, "worker", "/etc/thumbnailer", "configMap", false),
        },
        Goal {
            text: "The restricted standard's volume check passes",
            test: |a| a.no_finding("restrictedVolumes", "every volume is of an allowed type"),
        },
    ],
    hints: hints![
        "Keep the `volumeMounts` as they are and change only the `volumes` they name.",
        "For the cache: `emptyDir: {}` instead of `hostPath: ...`.",
        "For the configuration: `configMap: {name: thumbnailer-config}`; the ConfigMap itself would hold `config.yaml`.",
    ],
    learned: learner_text!("- `hostPath` gives the container a piece of the node; a writable one is a path to the node.
- `emptyDir` for scratch and caches, `configMap` and `secret` for configuration, `persistentVolumeClaim` for data.
- Baseline forbids `hostPath`; restricted allows only `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and `secret`.
- When a node agent really needs a host directory, mount it `readOnly: true` and as narrowly as possible; `fsGroup` does not change a host directory's owner."),
    checks: &[
        "hostPathVolumes",
        "restrictedVolumes",
        "writable-host-path",
        "container-runtime-socket",
    ],
    glossary: &["fsGroup"],
};

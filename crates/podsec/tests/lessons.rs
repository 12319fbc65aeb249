//! The lessons track: every starting text fails its goals, a reference solution (kept here, not
//! shown to learners) passes them, and no goal is met by emptying the text, deleting the workload
//! or swapping the image.

use podsec::lessons::{self, Lesson, Progress};

/// Reference solutions, by lesson ID: the lesson's starting text with each `(from, to)` edit
/// applied in turn, every `from` found exactly once, so a solution cannot drift from its start.
const SOLUTIONS: &[(&str, &[(&str, &str)])] = &[
    (
        "run-as-non-root",
        &[(
            "    spec:\n",
            r#"    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
"#,
        )],
    ),
    (
        "privilege-escalation",
        &[
            (
                "      command: [\"/app/migrate\", \"--up\"]\n",
                r#"      command: ["/app/migrate", "--up"]
      securityContext:
        allowPrivilegeEscalation: false
"#,
            ),
            (
                r#"      securityContext:
        allowPrivilegeEscalation: "false"
"#,
                r#"      securityContext:
        allowPrivilegeEscalation: false
"#,
            ),
        ],
    ),
    (
        "read-only-root",
        &[(
            "          command: [\"report-builder\", \"--scratch-dir=/tmp\"]\n",
            r#"          command: ["report-builder", "--scratch-dir=/tmp"]
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp
              mountPath: /tmp/
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
"#,
        )],
    ),
    (
        "capabilities",
        &[(
            r#"            capabilities:
              add: ["NET_ADMIN", "NET_BIND_SERVICE"]
"#,
            r#"            capabilities:
              drop: ["ALL"]
              add: ["NET_BIND_SERVICE"]
"#,
        )],
    ),
    (
        "seccomp",
        &[
            (
                r#"    seccompProfile:
      type: Unconfined
"#,
                r#"    seccompProfile:
      type: RuntimeDefault
"#,
            ),
            (
                "      args: [\"--ship-to=collector:4317\"]\n",
                r#"      args: ["--ship-to=collector:4317"]
      securityContext:
        seccompProfile:
          type: Localhost
          localhostProfile: profiles/legacy-agent.json
"#,
            ),
        ],
    ),
    (
        "fs-group",
        &[(
            "        runAsGroup: 10001\n",
            r#"        runAsGroup: 10001
        fsGroup: 10001
        fsGroupChangePolicy: OnRootMismatch
"#,
        )],
    ),
    (
        "inheritance",
        &[(
            r#"      securityContext:
        runAsUser: 0
        runAsNonRoot: false
"#,
            r#"      securityContext:
        runAsUser: 10002
"#,
        )],
    ),
    (
        "privileged-and-host-namespaces",
        &[
            (
                r#"    spec:
      hostPID: true
      hostNetwork: true
      hostIPC: true
"#,
                "    spec:\n",
            ),
            (
                r#"            - containerPort: 9100
          securityContext:
            privileged: true
"#,
                "            - containerPort: 9100\n",
            ),
        ],
    ),
    (
        "host-path",
        &[
            (
                r#"        - name: cache
          hostPath:
            path: /var/cache/thumbnailer
            type: DirectoryOrCreate
"#,
                r#"        - name: cache
          emptyDir: {}
"#,
            ),
            (
                r#"        - name: config
          hostPath:
            path: /etc/thumbnailer
"#,
                r#"        - name: config
          configMap:
            name: thumbnailer-config
"#,
            ),
        ],
    ),
    (
        "pss-versions",
        &[(
            r#"  securityContext:
    # Left over from the chart this pod was copied from; the container sets its own user.
    runAsUser: 0
"#,
            "  securityContext:\n",
        )],
    ),
    (
        "pss-levels",
        &[
            (
                r#"  labels:
    pod-security.kubernetes.io/enforce: privileged
"#,
                r#"  labels:
    pod-security.kubernetes.io/enforce: baseline
"#,
            ),
            (
                "    pod-security.kubernetes.io/enforce-version: v1.30\n",
                r#"    pod-security.kubernetes.io/enforce-version: v1.30
    pod-security.kubernetes.io/warn: restricted
"#,
            ),
        ],
    ),
    (
        "containerd-vs-crio",
        &[(
            "          command: [\"/gateway\", \"--user=gateway\", \"--socket-dir=/run/gateway\"]\n",
            r#"          command: ["/gateway", "--user=gateway", "--socket-dir=/run/gateway"]
          securityContext:
            capabilities:
              drop: ["ALL"]
              add: ["CHOWN", "SETUID", "SETGID"]
"#,
        )],
    ),
    (
        "harden-deployment",
        &[
            (
                "    spec:\n",
                r#"    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
"#,
            ),
            (
                "          args: [\"postgres:5432\", \"--timeout=60s\"]\n",
                r#"          args: ["postgres:5432", "--timeout=60s"]
          securityContext: &locked
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
"#,
            ),
            (
                "            - containerPort: 8080\n",
                r#"            - containerPort: 8080
          securityContext: *locked
"#,
            ),
            (
                "              readOnly: true\n",
                r#"              readOnly: true
            - name: tmp
              mountPath: /tmp
            - name: cache
              mountPath: /var/cache/nginx
"#,
            ),
            (
                "            - containerPort: 9113\n",
                r#"            - containerPort: 9113
          securityContext: *locked
"#,
            ),
            (
                "            name: storefront-nginx\n",
                r#"            name: storefront-nginx
        - name: tmp
          emptyDir: {}
        - name: cache
          emptyDir: {}
"#,
            ),
        ],
    ),
];

fn solution(id: &str) -> String {
    let lesson = lessons::find(id).unwrap_or_else(|| panic!("no lesson {id}"));
    let (_, edits) = SOLUTIONS
        .iter()
        .find(|(l, _)| *l == id)
        .unwrap_or_else(|| panic!("no reference solution for lesson {id}"));
    let mut text = lesson.start.to_string();
    for (from, to) in *edits {
        assert_eq!(text.matches(from).count(), 1, "{id}: {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The progress of a text, rendered one goal per line, for failure messages.
fn render(p: &Progress) -> String {
    p.goals
        .iter()
        .map(|g| {
            format!(
                "  [{}] {}: {}",
                if g.met { "x" } else { " " },
                g.text,
                g.why
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check_fails(lesson: &Lesson, text: &str, what: &str) -> Progress {
    let p = lesson.check(text);
    assert!(!p.done, "{}: {what} passes:\n{}", lesson.id, render(&p));
    p
}

#[test]
fn at_least_twelve_lessons_with_unique_ids() {
    let all = lessons::all();
    assert!(all.len() >= 12, "{} lessons", all.len());
    for (i, l) in all.iter().enumerate() {
        assert!(
            all.iter().skip(i + 1).all(|m| m.id != l.id),
            "{} twice",
            l.id
        );
        assert_eq!(lessons::find(l.id).map(|m| m.id), Some(l.id));
        assert_eq!(lessons::number(l.id), Some(i + 1));
        assert_eq!(lessons::by_number(i + 1).map(|m| m.id), Some(l.id));
    }
    assert!(lessons::by_number(0).is_none());
    assert!(lessons::by_number(all.len() + 1).is_none());
    assert!(lessons::check("no-such-lesson", "").is_none());
}

#[test]
fn every_starting_text_fails_and_every_solution_passes() {
    for l in lessons::all() {
        let start = check_fails(l, l.start, "the starting text");
        // The starting text keeps its own workload: only the lesson's own goals fail.
        assert!(
            start.goals.first().is_some_and(|g| g.met),
            "{}:\n{}",
            l.id,
            render(&start)
        );
        assert_eq!(start.goals.len(), l.goals.len() + 1, "{}", l.id);
        let p = l.check(&solution(l.id));
        assert!(
            p.done,
            "{}: the reference solution fails:\n{}",
            l.id,
            render(&p)
        );
        assert_eq!(lessons::check(l.id, &solution(l.id)), Some(p));
    }
    assert_eq!(SOLUTIONS.len(), lessons::all().len());
}

#[test]
fn emptying_deleting_or_swapping_never_passes() {
    for l in lessons::all() {
        let good = solution(l.id);
        let empty = check_fails(l, "", "an empty text");
        assert!(
            empty.goals.iter().all(|g| !g.met),
            "{}:\n{}",
            l.id,
            render(&empty)
        );
        check_fails(l, "# nothing here\n", "a comment");
        check_fails(
            l,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
            "another object",
        );
        check_fails(l, "{{{", "a broken text");
        // Every workload renamed: the object the lesson is about is gone.
        for kind in ["Deployment", "DaemonSet", "Pod"] {
            let renamed = good.replacen(
                &format!("kind: {kind}\nmetadata:\n  name: "),
                &format!("kind: {kind}\nmetadata:\n  name: x"),
                1,
            );
            if renamed != good {
                check_fails(l, &renamed, "the workload renamed");
            }
        }
        // The image swapped for another, or the command changed.
        let swapped = good.replacen(
            "image: registry.example.com/",
            "image: docker.io/library/",
            1,
        );
        assert_ne!(swapped, good, "{}", l.id);
        let p = check_fails(l, &swapped, "another image");
        assert!(p.goals.iter().all(|g| !g.met), "{}:\n{}", l.id, render(&p));
        for (from, to) in [
            ("command: [\"", "command: [\"/bin/sh\", \""),
            ("args: [\"", "args: [\"--debug\", \""),
        ] {
            let changed = good.replacen(from, to, 1);
            if changed != good {
                check_fails(l, &changed, "another command or args");
            }
        }
    }
}

#[test]
fn removing_a_container_never_passes() {
    // The privileged sidecar, the init container, the second container: each is part of the
    // workload, and the lesson is not passed by deleting the one that is hard to fix.
    let cases = [
        (
            "privilege-escalation",
            "  initContainers:\n    - name: migrate\n      image: registry.example.com/billing/invoices:7.0.2\n      command: [\"/app/migrate\", \"--up\"]\n      securityContext:\n        allowPrivilegeEscalation: false\n",
        ),
        (
            "inheritance",
            "    - name: log-shipper\n      image: registry.example.com/observability/log-shipper:2.2\n      securityContext:\n        runAsUser: 10002\n",
        ),
    ];
    for (id, part) in cases {
        let l = lessons::find(id).unwrap();
        let good = solution(id);
        assert!(good.contains(part), "{id}");
        let p = check_fails(l, &good.replacen(part, "", 1), "a container removed");
        assert!(
            p.goals
                .first()
                .is_some_and(|g| !g.met && g.why.contains("is gone")),
            "{id}:\n{}",
            render(&p)
        );
    }
}

#[test]
fn goals_are_decided_by_analysis_not_by_the_text() {
    // The same solution written as JSON passes: goals read decoded values, not spellings.
    let l = lessons::find("capabilities").unwrap();
    let json = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"edge"},
"spec":{"selector":{"matchLabels":{"app":"edge"}},"template":{"metadata":{"labels":{"app":"edge"}},
"spec":{"containers":[{"name":"proxy","image":"registry.example.com/net/edge-proxy:3.2",
"args":["--listen=:80"],"ports":[{"containerPort":80}],
"securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}}]}}}}"#;
    let p = l.check(json);
    assert!(p.done, "{}", render(&p));
    // A comment that spells the answer does nothing.
    let commented = format!("# drop: [ALL]\n# add: [NET_BIND_SERVICE]\n{}", l.start);
    check_fails(l, &commented, "the answer in a comment");
    // A quoted "false" is a string, not a boolean.
    let l = lessons::find("privilege-escalation").unwrap();
    let quoted = solution(l.id).replace(
        "allowPrivilegeEscalation: false",
        "allowPrivilegeEscalation: \"false\"",
    );
    check_fails(l, &quoted, "a quoted false");
    // runAsUser 0 with runAsNonRoot: the kubelet refuses it.
    let l = lessons::find("run-as-non-root").unwrap();
    check_fails(
        l,
        &solution(l.id).replace("runAsUser: 10001", "runAsUser: 0"),
        "runAsUser 0",
    );
}

#[test]
fn near_misses_fail_with_a_reason() {
    // Pod-level Unconfined stays: admission still refuses it although both containers override.
    let l = lessons::find("seccomp").unwrap();
    let text = solution(l.id).replacen("type: RuntimeDefault", "type: Unconfined", 1).replacen(
        "    - name: web\n      image: registry.example.com/shop/catalog:5.3\n",
        "    - name: web\n      image: registry.example.com/shop/catalog:5.3\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n",
        1,
    );
    let p = check_fails(l, &text, "pod-level Unconfined");
    assert!(
        p.goals.get(1).is_some_and(|g| g.met) && p.goals.get(2).is_some_and(|g| g.met),
        "{}",
        render(&p)
    );
    // Levels: enforcing restricted is too strict, privileged too loose, and hardening the
    // DaemonSet instead is not the exercise.
    let l = lessons::find("pss-levels").unwrap();
    for (from, to) in [
        ("enforce: baseline", "enforce: restricted"),
        ("enforce: baseline", "enforce: privileged"),
        ("warn: restricted", "warn: baseline"),
        ("enforce-version: v1.30", "enforce-version: latest"),
        ("runAsUser: 0", "runAsUser: 10001"),
    ] {
        let text = solution(l.id).replacen(from, to, 1);
        assert_ne!(text, solution(l.id));
        check_fails(l, &text, to);
    }
    // Versions: the start was admitted at v1.22, as the lesson says.
    let l = lessons::find("pss-versions").unwrap();
    let v122 = podsec::Options {
        version: podsec::Version::Minor(22),
        ..podsec::Options::default()
    };
    assert!(
        podsec::analyze(l.start, &v122)
            .objects
            .iter()
            .all(|o| o.allowed)
    );
    // Runtimes: dropping only NET_RAW leaves the two runtimes different.
    let l = lessons::find("containerd-vs-crio").unwrap();
    let text = solution(l.id).replace("drop: [\"ALL\"]", "drop: [\"NET_RAW\"]");
    let p = check_fails(l, &text, "dropping NET_RAW alone");
    assert!(p.goals.get(1).is_some_and(|g| !g.met), "{}", render(&p));
}

#[test]
fn links_name_real_checks_and_glossary_entries_and_texts_are_complete() {
    for l in lessons::all() {
        assert!(!l.checks.is_empty() && !l.glossary.is_empty(), "{}", l.id);
        for id in l.checks {
            assert!(podsec::check::find(id).is_some(), "{}: no check {id}", l.id);
        }
        for name in l.glossary {
            assert!(
                podsec::glossary::lookup(name).is_some(),
                "{}: no glossary entry {name}",
                l.id
            );
        }
        assert!(l.hints.len() >= 2, "{}: hints unlock one by one", l.id);
        assert!(!l.goals.is_empty(), "{}", l.id);
        for t in [l.title, l.explanation, l.learned]
            .iter()
            .chain(l.hints)
            .chain(l.goals.iter().map(|g| &g.text))
        {
            assert!(!t.trim().is_empty(), "{}", l.id);
        }
        let kebab =
            l.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        assert!(kebab, "{}", l.id);
    }
}

#[test]
fn lessons_and_progress_serialise() {
    let json = serde_json::to_value(lessons::all()).unwrap();
    let first = &json[0];
    assert_eq!(first["id"], "run-as-non-root");
    assert!(first["goals"][0]["text"].is_string());
    assert!(first["goals"][0].get("test").is_none());
    let p = lessons::check("run-as-non-root", &solution("run-as-non-root")).unwrap();
    let back: Progress = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
    assert_eq!(back, p);
}

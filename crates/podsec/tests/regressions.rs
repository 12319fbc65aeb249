//! Regression tests: every input that fuzzing or the property tests found misbehaving, minimised.
//!
//! A case that is not fixed yet is `#[ignore]`d with the reason, so `cargo test -- --ignored`
//! shows what is still open; remove the `ignore` once it passes. The harden cases below were found
//! by `proptest_pods.rs` (hardening twice changed the text) and fixed by the round-based rewrite.

// Test code: a failed expectation should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use expect_test::{Expect, expect};
use podsec::{Applicability, HardenOptions, Options, Version, analyze, harden};

/// Hardens at the `unsafe` threshold, compares what the first pass changed (a unified diff, empty
/// when it changed nothing) with `changed`, asserts that hardening the output changes nothing,
/// and returns the output.
#[track_caller]
fn assert_idempotent(text: &str, analysis: Options, changed: Expect) -> String {
    let options = HardenOptions {
        analysis,
        threshold: Applicability::Unsafe,
    };
    let once = harden(text, &options);
    assert!(
        analyze(&once.text, &options.analysis).errors.is_empty(),
        "{}",
        once.text
    );
    let diff = podsec::diff::unified("input", "hardened", text, &once.text);
    // Snapshots keep no trailing white space (an empty context line is a lone space).
    let diff: Vec<&str> = diff.lines().map(str::trim_end).collect();
    changed.assert_eq(&diff.join("\n"));
    let twice = harden(&once.text, &options);
    assert_eq!(
        twice.text, once.text,
        "hardening again changed the output of the first pass"
    );
    once.text
}

#[test]
fn harden_legacy_seccomp_annotation_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: generated
spec:
  template:
    metadata:
      name: generated
      annotations:
        seccomp.security.alpha.kubernetes.io/pod: unconfined
    spec:
      containers: []
",
        Options::default(),
        expect![[""]],
    );
}

#[test]
fn harden_legacy_apparmor_annotation_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: generated
spec:
  template:
    metadata:
      name: generated
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      containers:
        - name: app
",
        Options::default(),
        expect![[r#"
            --- input
            +++ hardened
            @@ -7,7 +7,25 @@
                 metadata:
                   name: generated
                   annotations:
            -        container.apparmor.security.beta.kubernetes.io/app: unconfined
            +        {}
                 spec:
                   containers:
                     - name: app
            +          securityContext:
            +            allowPrivilegeEscalation: false
            +            capabilities:
            +              drop:
            +                - ALL
            +            readOnlyRootFilesystem: true
            +            appArmorProfile:
            +              type: RuntimeDefault
            +          volumeMounts:
            +            - name: tmp
            +              mountPath: /tmp
            +      securityContext:
            +        seccompProfile:
            +          type: RuntimeDefault
            +        runAsNonRoot: true
            +      volumes:
            +        - name: tmp
            +          emptyDir: {}"#]],
    );
}

#[test]
fn harden_profile_with_only_localhost_profile_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  initContainers:
    - securityContext:
        appArmorProfile:
          localhostProfile: profile.json
  containers: []
",
        Options::default(),
        expect![[r#"
            --- input
            +++ hardened
            @@ -6,5 +6,20 @@
               initContainers:
                 - securityContext:
                     appArmorProfile:
            -          localhostProfile: profile.json
            +          type: RuntimeDefault
            +        allowPrivilegeEscalation: false
            +        capabilities:
            +          drop:
            +            - ALL
            +        readOnlyRootFilesystem: true
            +      volumeMounts:
            +        - name: tmp
            +          mountPath: /tmp
               containers: []
            +  securityContext:
            +    seccompProfile:
            +      type: RuntimeDefault
            +    runAsNonRoot: true
            +  volumes:
            +    - name: tmp
            +      emptyDir: {}"#]],
    );
}

#[test]
fn harden_windows_pod_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  os:
    name: windows
  containers:
    - {}
",
        Options {
            version: Version::Minor(24),
            ..Options::default()
        },
        expect![[r#"
            --- input
            +++ hardened
            @@ -7,3 +7,5 @@
                 name: windows
               containers:
                 - {}
            +  securityContext:
            +    runAsNonRoot: true"#]],
    );
}

#[test]
fn harden_windows_pod_at_old_policy_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  os:
    name: windows
  containers: []
  ephemeralContainers:
    - securityContext:
        allowPrivilegeEscalation: false
",
        Options {
            version: Version::Minor(24),
            ..Options::default()
        },
        expect![[r#"
            --- input
            +++ hardened
            @@ -9,3 +9,5 @@
               ephemeralContainers:
                 - securityContext:
                     allowPrivilegeEscalation: false
            +  securityContext:
            +    runAsNonRoot: true"#]],
    );
}

#[test]
fn harden_privileged_container_with_dropped_capabilities_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  containers:
    - securityContext:
        capabilities:
          drop:
            - ALL
        privileged: true
",
        Options::default(),
        expect![[r#"
            --- input
            +++ hardened
            @@ -8,4 +8,15 @@
                     capabilities:
                       drop:
                         - ALL
            -        privileged: true
            +        allowPrivilegeEscalation: false
            +        readOnlyRootFilesystem: true
            +      volumeMounts:
            +        - name: tmp
            +          mountPath: /tmp
            +  securityContext:
            +    seccompProfile:
            +      type: RuntimeDefault
            +    runAsNonRoot: true
            +  volumes:
            +    - name: tmp
            +      emptyDir: {}"#]],
    );
}

#[test]
fn harden_container_with_mistyped_security_context_is_idempotent() {
    assert_idempotent(
        "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  initContainers:
    - securityContext:
        seccompProfile: {}
  containers: []
  ephemeralContainers:
    - securityContext:
        - x
        - 1
",
        Options::default(),
        expect![[r#"
            --- input
            +++ hardened
            @@ -5,9 +5,25 @@
             spec:
               initContainers:
                 - securityContext:
            -        seccompProfile: {}
            +        seccompProfile:
            +          type: RuntimeDefault
            +        allowPrivilegeEscalation: false
            +        capabilities:
            +          drop:
            +            - ALL
            +        readOnlyRootFilesystem: true
            +      volumeMounts:
            +        - name: tmp
            +          mountPath: /tmp
               containers: []
               ephemeralContainers:
                 - securityContext:
                     - x
                     - 1
            +  securityContext:
            +    runAsNonRoot: true
            +    seccompProfile:
            +      type: RuntimeDefault
            +  volumes:
            +    - name: tmp
            +      emptyDir: {}"#]],
    );
}

/// Found by `proptest_pods.rs` in a CI run: the first round refused `drop: [ALL]` (removing `all`
/// moved the invalid `[]` to index 0, which looked like a new finding), the refusal outlived the
/// round, and a second run then added `drop: [ALL]` to a text where it harms nothing.
#[test]
fn harden_retries_an_edit_refused_in_an_earlier_round() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  containers:
    - securityContext:
        capabilities:
          drop:
            - all
            - []
        privileged: true
";
    let analysis = Options {
        image_users: vec![("c0".into(), "1000".into())],
        ..Options::default()
    };
    let once = assert_idempotent(
        text,
        analysis,
        expect![[r#"
            --- input
            +++ hardened
            @@ -5,8 +5,18 @@
             spec:
               containers:
                 - securityContext:
            +        allowPrivilegeEscalation: false
            +        readOnlyRootFilesystem: true
                     capabilities:
                       drop:
            -            - all
            -            - []
            -        privileged: true
            +            - ALL
            +      volumeMounts:
            +        - name: tmp
            +          mountPath: /tmp
            +  securityContext:
            +    seccompProfile:
            +      type: RuntimeDefault
            +    runAsNonRoot: true
            +  volumes:
            +    - name: tmp
            +      emptyDir: {}"#]],
    );
    assert!(once.contains("drop:\n            - ALL\n"), "{once}");
}

/// Issue 15, found again by `proptest_pods.rs` once it compared untouched scalars: keys added after
/// a keep-chomping block scalar landed between its text and its trailing blank lines, which are
/// part of its value, so `workingDir` lost a line break.
#[test]
fn harden_keeps_the_trailing_lines_of_a_keep_chomping_block_scalar() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: generated
spec:
  containers: []
  ephemeralContainers:
    - workingDir: |+
        echo hi

";
    let value = |t: &str| {
        let stream = podsec::yaml::parse_stream(t);
        let root = stream.documents[0].root().unwrap();
        let c = root
            .get("spec")
            .unwrap()
            .get("ephemeralContainers")
            .unwrap();
        c.items()[0]
            .get("workingDir")
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    };
    let once = assert_idempotent(
        text,
        Options::default(),
        expect![[r#"
            --- input
            +++ hardened
            @@ -8,3 +8,19 @@
                 - workingDir: |+
                     echo hi

            +      securityContext:
            +        allowPrivilegeEscalation: false
            +        capabilities:
            +          drop:
            +            - ALL
            +        readOnlyRootFilesystem: true
            +      volumeMounts:
            +        - name: tmp
            +          mountPath: /tmp
            +  securityContext:
            +    seccompProfile:
            +      type: RuntimeDefault
            +    runAsNonRoot: true
            +  volumes:
            +    - name: tmp
            +      emptyDir: {}"#]],
    );
    assert_ne!(once, text, "the rewrite should add a securityContext");
    assert_eq!(value(&once), "echo hi\n\n", "{once}");
}

/// Found by fuzzing `analyze`: a plain scalar that starts as a date and goes on with a character
/// of more than one byte (`2024-05-01é`) panicked while being told apart from a timestamp. It is
/// a string, as Kubernetes reads it, and the pod around it is analysed.
#[test]
fn a_date_followed_by_a_wide_character_is_a_string() {
    for value in [
        "2024-05-01é",
        "2024-05-01€T08:19:26Z",
        "2024-5-1\u{1F600}",
        "2024-05-01T",
    ] {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    when: {value}\nspec:\n  containers:\n  - name: c\n    image: i\n"
        );
        let a = analyze(&text, &Options::default());
        assert!(a.errors.is_empty(), "{value}: {:?}", a.errors);
        assert_eq!(a.objects.len(), 1, "{value}");
        let decoded = podsec::yaml::decode_documents(&format!("when: {value}\n"));
        let json = format!("{decoded:?}");
        assert!(json.contains(value), "{value}: {json}");
    }
}

/// Found by fuzzing `analyze`: lines are numbered as YAML, Kubernetes' decoder and the editors
/// number them, a lone `\r` ending a line too. Inside a document the parser did so, but documents
/// after the first started from a line counted on `\n` alone, so their findings pointed lines
/// too early. (Documents are still cut at `---` lines split on `\n`, as kubectl cuts them.)
#[test]
fn a_lone_carriage_return_ends_a_line_in_every_document() {
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n    securityContext:\n      privileged: true\n"
        )
    };
    let yaml = format!("{}# old\r# notes\r\r# more\n---\n{}", pod("a"), pod("b"));
    let json = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"},\r\"spec\": {\"containers\": []}}\r{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\r\"metadata\": {\"name\": \"b\"},\r\"spec\": {\"containers\": [{\"name\": \"app\", \"image\": \"app:1.0\",\r\"securityContext\": {\"privileged\": true}}]}}\n";
    // Each text, and where its second object starts.
    for (text, b_starts) in [(yaml.as_str(), "apiVersion"), (json, "{\"apiVersion")] {
        // The line each offset is on, counting `\r\n`, `\r` and `\n` each as one break.
        let line_of = |at: usize| {
            let before = text[..at].replace("\r\n", "\n");
            before.split(['\n', '\r']).count()
        };
        let a = analyze(text, &Options::default());
        assert!(a.errors.is_empty(), "{:?}", a.errors);
        let b = a.objects.iter().find(|o| o.name == "b").unwrap();
        assert_eq!(b.line, line_of(text.rfind(b_starts).unwrap()), "{text:?}");
        let privileged = b.findings.iter().find(|f| f.check == "privileged").unwrap();
        assert_eq!(
            privileged.line,
            line_of(privileged.location.start),
            "{text:?}"
        );
        assert!(privileged.line > text[..privileged.location.start].matches('\n').count() + 1);
    }
}

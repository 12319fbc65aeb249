//! Hostile input: each gets a clear, positioned error (or works, when it is legitimate), with no
//! panic, no hang and no unbounded memory. Timings are printed, not asserted (see `cargo xtask bench`).

use std::time::Instant;

use podsec::{Options, analyze};

fn run(name: &str, text: &str) -> podsec::Analysis {
    let t = Instant::now();
    let a = analyze(text, &Options::default());
    println!(
        "{name}: {} bytes in {:?}, {} errors, {} objects",
        text.len(),
        t.elapsed(),
        a.errors.len(),
        a.objects.len()
    );
    a
}

fn pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n"
    )
}

#[test]
fn billion_laughs_is_refused_with_a_position() {
    let mut t = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        t.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let a = run("alias bomb", &t);
    assert_eq!(a.errors.len(), 1, "{:?}", a.errors);
    assert!(
        a.errors[0].message.contains("alias"),
        "{}",
        a.errors[0].message
    );
    assert!(a.errors[0].line > 1);
}

#[test]
fn alias_bomb_in_one_document_does_not_hide_the_next() {
    let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        t.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    t.push_str("---\n");
    t.push_str(&pod("after"));
    let a = run("alias bomb then pod", &t);
    assert_eq!(a.errors.len(), 1);
    assert_eq!(a.objects.len(), 1);
    assert_eq!(a.objects[0].name, "after");
}

#[test]
fn deep_nesting_is_an_error() {
    for (name, text) in [
        ("flow sequences", "[".repeat(100_000)),
        ("flow mappings", "{a: ".repeat(100_000)),
        ("block sequences", "- ".repeat(100_000) + "x\n"),
    ] {
        let a = run(name, &text);
        assert!(!a.errors.is_empty(), "{name}");
        assert!(
            a.errors.iter().all(|e| e.line >= 1 && e.column >= 1),
            "{name}: {:?}",
            a.errors
        );
    }
}

#[test]
fn oversized_paste_is_refused() {
    let text = pod("big").repeat(50 * 1024 * 1024 / pod("big").len() + 1);
    assert!(text.len() > 50 * 1024 * 1024);
    let a = run("50 MB paste", &text);
    assert_eq!(a.errors.len(), 1);
    assert!(
        a.errors[0].message.contains("too large"),
        "{}",
        a.errors[0].message
    );
    assert_eq!((a.errors[0].line, a.errors[0].column), (1, 1));
}

#[test]
fn huge_scalar_and_sixteen_megabytes_of_real_work() {
    // One 12 MB annotation value: legitimate, if odd.
    let big = "x".repeat(12 * 1024 * 1024);
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    note: \"{big}\"\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n"
    );
    let a = run("12 MB scalar", &text);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    assert_eq!(a.objects.len(), 1);

    // At least 16 MB of ordinary documents: big ConfigMaps (as CRD-heavy installs are) and pods.
    let line = "    some configuration line that goes on for a while, as real files do\n";
    let block = line.repeat(4 * 1024 * 1024 / line.len());
    let mut text = String::new();
    for i in 0..4 {
        text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  big: |\n{block}"));
        text.push_str(&format!("---\n{}", pod(&format!("p{i}"))));
    }
    assert!(text.len() >= 16 * 1024 * 1024);
    let a = run("16 MB manifest", &text);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    assert_eq!(a.objects.len(), 4);
    assert_eq!(a.skipped.len(), 4);
}

#[test]
fn binary_and_odd_text_never_panics() {
    for text in [
        "\u{0}\u{1}\u{2}",
        "\t\tkey: value",
        "key: \"unterminated",
        "- a\n b: c",
        "? [a, b]\n: c",
        "*unknown",
        "&a a: *a",
        "---\n...\n---\n",
    ] {
        let _ = run("odd", text);
        let _ = podsec::harden(text, &podsec::HardenOptions::default());
    }
}

/// One 30 KB string used by 600 containers through aliases (a 48 KB text that Kubernetes would read
/// as 18 MB): refused by the text-wide expansion budget, with the alias's position.
#[test]
fn a_large_aliased_string_is_refused() {
    let big = "x".repeat(30_000);
    let mut text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: &big {big}\nspec:\n  containers:\n"
    );
    for i in 0..600 {
        text.push_str(&format!("  - name: c{i}\n    image: *big\n"));
    }
    let a = run("aliased string", &text);
    assert!(a.objects.is_empty(), "the document was analysed");
    let e = a.errors.first().expect("an error");
    assert!(e.message.contains("aliases expand"), "{e:?}");
    assert!(e.line >= 9, "{e:?}");
}

/// Three alias-heavy documents in one text share one budget: each alone fits, together they do not.
#[test]
fn the_expansion_budget_spans_the_whole_text() {
    let doc = |n: usize| {
        let caps: Vec<String> = (0..1000).map(|i| format!("CAP_{i}")).collect();
        let mut d = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{n}\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      capabilities:\n        add: &caps [{}]\n",
            caps.join(", ")
        );
        for i in 0..60 {
            d.push_str(&format!("  - name: c{i}x\n    image: i\n    securityContext:\n      capabilities:\n        add: *caps\n"));
        }
        d
    };
    let one = run("one", &doc(0));
    assert!(one.errors.is_empty(), "{:?}", one.errors);
    let three = format!("{}---\n{}---\n{}", doc(1), doc(2), doc(3));
    let a = run("three", &three);
    assert!(
        !a.errors.is_empty(),
        "three documents together passed the budget"
    );
    assert!(a.objects.len() < 3);
}

/// A thousand merge keys, each bringing the same map, resolve once when the mapping is read: the
/// lookups that follow are linear (this took 4.5 s for 10 KB when lookups re-merged).
#[test]
fn many_merge_keys_resolve_once() {
    let mut text = String::from("base: &b {privileged: true, runAsUser: 0}\nm:\n");
    for i in 0..1000 {
        text.push_str(&format!("  <<: *b\n  k{i}: {i}\n"));
    }
    let stream = podsec::yaml::parse_stream(&text);
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let m = stream.documents[0].root().unwrap().get("m").unwrap();
    assert_eq!(m.entries().len(), 1002);
    assert_eq!(m.get("privileged").unwrap().as_bool(), Some(true));
}

/// `kubectl get pods -o yaml`: many pods as the items of one `List` document.
fn pod_list(n: usize) -> String {
    let mut t = String::from("apiVersion: v1\nitems:\n");
    for i in 0..n {
        t.push_str(&format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-{i}\n  spec:\n    containers:\n    - image: nginx:1.27\n      name: web\n      ports:\n      - containerPort: 80\n"
        ));
    }
    t.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
    t
}

/// Issue 15: hardening one `List` re-read the whole document per edit (1,000 pods: 54 s). Each item
/// is now edited on its own; the result must be what hardening each pod alone gives.
#[test]
fn a_list_of_many_pods_hardens_like_its_pods_alone() {
    let n = 300;
    let text = pod_list(n);
    let t = Instant::now();
    let h = podsec::harden(&text, &podsec::HardenOptions::default());
    println!(
        "List of {n} pods: {} bytes hardened in {:?}",
        text.len(),
        t.elapsed()
    );
    let one = podsec::harden(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\nspec:\n  containers:\n  - image: nginx:1.27\n    name: web\n    ports:\n    - containerPort: 80\n",
        &podsec::HardenOptions::default(),
    );
    let per_pod = one.edits.iter().filter(|e| e.applied).count();
    assert!(per_pod > 0);
    assert_eq!(h.objects.len(), n);
    assert_eq!(h.edits.iter().filter(|e| e.applied).count(), n * per_pod);
    assert_eq!(
        h.text.matches("allowPrivilegeEscalation: false").count(),
        n,
        "{}",
        h.text.get(..2000).unwrap_or_default()
    );
    let after = analyze(&h.text, &Options::default());
    assert!(after.errors.is_empty(), "{:?}", after.errors);
    assert_eq!(after.objects.len(), n);
    // Every item ends up as the pod hardened alone does, indented one level.
    let alone: String = one
        .text
        .lines()
        .skip_while(|l| !l.starts_with("spec:"))
        .map(|l| format!("  {l}\n"))
        .collect();
    assert!(
        h.text.contains(&alone),
        "{alone}\n---\n{}",
        h.text.get(..3000).unwrap_or_default()
    );
}

/// The same for `kubectl get pods -o json`: items of a JSON List stay valid JSON.
#[test]
fn a_json_list_of_pods_hardens_item_by_item() {
    let items: Vec<String> = (0..3)
        .map(|i| {
            format!(
                "    {{\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n      \"metadata\": {{\n        \"name\": \"web-{i}\"\n      }},\n      \"spec\": {{\n        \"containers\": [\n          {{\n            \"image\": \"nginx:1.27\",\n            \"name\": \"web\"\n          }}\n        ]\n      }}\n    }}"
            )
        })
        .collect();
    let text = format!(
        "{{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n{}\n  ],\n  \"kind\": \"List\"\n}}\n",
        items.join(",\n")
    );
    let h = podsec::harden(&text, &podsec::HardenOptions::default());
    assert!(h.changed);
    let after = analyze(&h.text, &Options::default());
    assert!(after.errors.is_empty(), "{:?}\n{}", after.errors, h.text);
    assert_eq!(after.objects.len(), 3);
    assert_eq!(
        h.text
            .matches("\"allowPrivilegeEscalation\": false")
            .count(),
        3,
        "{}",
        h.text
    );
}

/// Issue 15: a capability both added and dropped was looked up in the drop list for every add, so
/// long lists were quadratic. Every pair is still found once.
#[test]
fn long_capability_lists_are_read_in_linear_time() {
    let n = 20_000;
    let names: String = (0..n).map(|i| format!("        - X{i}\n")).collect();
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: caps\nspec:\n  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      capabilities:\n        add:\n{names}        drop:\n{names}"
    );
    // Every finding: the listing `analyze` returns keeps 100 of them and counts the rest.
    let a = podsec::analysis::analyze_all(&text, &Options::default());
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    let listed = run("capability added and dropped, 2 x 20,000", &text);
    let notice = listed.objects[0]
        .findings
        .iter()
        .rfind(|f| f.check == "capability-added-and-dropped")
        .unwrap();
    assert!(
        notice.message.starts_with(&format!("and {} more", n - 100)),
        "{}",
        notice.message
    );
    let both = a.objects[0]
        .findings
        .iter()
        .filter(|f| f.check == "capability-added-and-dropped")
        .count();
    assert_eq!(both, n);
}

/// A capability list of 90,000 names: each check lists at most 100 findings per container and counts
/// the rest in one notice, so the result stays readable and bounded.
#[test]
fn findings_of_one_check_are_listed_up_to_the_limit() {
    let caps: Vec<String> = (0..90_000).map(|i| format!("CAP_{i}")).collect();
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      capabilities:\n        drop: [{}]\n",
        caps.join(", ")
    );
    let a = run("90,000 capabilities", &text);
    let findings = &a.objects[0].findings;
    let mut per_check: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in findings {
        *per_check.entry(f.check).or_default() += 1;
    }
    assert!(
        per_check
            .values()
            .all(|&n| n <= podsec::analysis::MAX_FINDINGS_PER_CHECK + 1),
        "{per_check:?}"
    );
    let notice = findings
        .iter()
        .find(|f| {
            f.message.starts_with("and ") && f.message.contains("more findings of this check")
        })
        .expect("a notice counting the findings not listed");
    assert!(notice.fix.is_none());
}

/// 2 MB of tiny JSON documents: every document is read, the first 1,000 skipped objects are listed
/// and the rest counted.
#[test]
fn skipped_objects_are_listed_up_to_the_limit() {
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 2 * 1024 * 1024 {
        text.push_str("{\"a\":1}\n");
        n += 1;
    }
    let a = run("tiny JSON documents", &text);
    assert!(
        a.errors.is_empty(),
        "{:?}",
        &a.errors[..a.errors.len().min(3)]
    );
    assert_eq!(a.skipped.len(), podsec::analysis::MAX_SKIPPED_LISTED + 1);
    let last = a.skipped.last().unwrap();
    assert!(
        last.reason.starts_with(&format!(
            "and {} more",
            n - podsec::analysis::MAX_SKIPPED_LISTED
        )),
        "{}",
        last.reason
    );
}

/// Issue 15: each container's seccomp and AppArmor annotations were looked up by walking the pod's
/// annotations, so a pod of many containers with as many annotations was quadratic. They are
/// indexed once per pod; every container's annotation is still found.
#[test]
fn container_annotations_are_looked_up_in_constant_time() {
    let n = 3_000;
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\n  annotations:\n");
    for i in 0..n {
        text.push_str(&format!(
            "    container.seccomp.security.alpha.kubernetes.io/c{i}: unconfined\n"
        ));
    }
    text.push_str("spec:\n  containers:\n");
    for i in 0..n {
        text.push_str(&format!("  - name: c{i}\n    image: i\n"));
    }
    let options = Options {
        level: podsec::PssLevel::Baseline,
        version: podsec::Version::Minor(18),
        ..Options::default()
    };
    let a = podsec::analysis::analyze_all(&text, &options);
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    let unconfined = a.objects[0]
        .findings
        .iter()
        .filter(|f| f.check == "seccompProfile_baseline")
        .count();
    assert_eq!(unconfined, n);
}

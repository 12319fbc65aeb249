//! The output formats read each input as a [`Judged`]: from a whole analysis (several inputs) or
//! as the analysis makes each report (one input). Both must print the same, with the same exit
//! status.

use super::{Checked, Judged, Seen, Status, args::Format, print};

const FORMATS: [Format; 4] = [Format::Json, Format::Text, Format::Github, Format::Sarif];

/// What `format` prints of `text`, and the exit status, with the input streamed or not.
fn printed(text: &str, options: &podsec::Options, format: Format, stream: bool) -> (String, u8) {
    let contexts = format == Format::Json;
    let status = Seen::default();
    let mut out = Vec::new();
    let path = "dir/x.yaml".to_string();
    if stream {
        std::thread::scope(|s| {
            let file = Judged::stream(s, path, options.clone(), text, contexts, &status);
            print(&mut out, format, options, std::iter::once(file))
        })
        .unwrap();
    } else {
        let checked = Checked {
            path,
            options: options.clone(),
            analysis: super::analyze_text(text, options, contexts),
        };
        let files = std::iter::once(Judged::whole(checked, &status));
        print(&mut out, format, options, files).unwrap();
    }
    (String::from_utf8(out).unwrap(), status.status().code())
}

/// The exit status `check` computed from the whole analysis, before it was counted as reports pass.
fn status_of_whole(text: &str, options: &podsec::Options) -> u8 {
    let mut status = Status::default();
    status.add(&podsec::analyze(text, options));
    status.code()
}

/// Texts that exercise every part of the output: Helm sources from the corpus (when `../shared`
/// is there), a Namespace with workloads (namespace admission), a broken document, inline ignores.
fn inputs() -> Vec<(String, String)> {
    let mut texts = vec![
        (
            "namespace and workloads".to_string(),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: nope\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x, securityContext: {privileged: true}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: team}\nspec:\n  containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n".to_string(),
        ),
        (
            "broken document and ignores".to_string(),
            "# Source: chart/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: x\n    securityContext:\n      privileged: true  # podsec:ignore=privileged the demo needs it\n---\nkind: [\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {containers: [{name: c, image: x}]}\n".to_string(),
        ),
    ];
    for e in podsec::examples::EXAMPLES {
        texts.push((e.id.to_string(), e.yaml.to_string()));
    }
    // More containers than an object analysed whole may have: streamed, it is listed in bounded
    // passes (see `podsec::analysis::analyze_parts`), with a suppressed finding and a source.
    let mut many = String::from(
        "# Source: chart/templates/many.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: many}\nspec:\n  containers:\n",
    );
    for i in 0..100 {
        many.push_str(&format!(
            "  - name: c{i}\n    image: x\n    securityContext:\n      privileged: {}{}\n",
            i % 2 == 0,
            if i == 4 {
                "  # podsec:ignore=privileged the demo needs it"
            } else {
                ""
            }
        ));
    }
    texts.push(("a pod of 100 containers".to_string(), many));
    let corpus =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
    for file in [
        "istio/samples__addons__kiali.yaml",
        "calico/manifests__tigera-operator.yaml",
        "retail-store-sample-app/dist__kubernetes__deploy.yaml",
        "argo-cd/manifests__ha__base__redis-ha__chart__upstream.yaml",
    ] {
        match std::fs::read_to_string(corpus.join(file)) {
            Ok(text) => texts.push((file.to_string(), text)),
            Err(_) => println!("skipped: {file} (../shared/corpus not found)"),
        }
    }
    texts
}

#[test]
fn every_format_prints_the_same_streamed_or_whole() {
    let with_namespace = podsec::Options {
        namespace: Some("team".into()),
        ..podsec::Options::default()
    };
    let mut helm = 0;
    for (name, text) in inputs() {
        helm += usize::from(text.contains("# Source:"));
        for options in [&podsec::Options::default(), &with_namespace] {
            let status = status_of_whole(&text, options);
            for format in FORMATS {
                let streamed = printed(&text, options, format, true);
                let whole = printed(&text, options, format, false);
                assert_eq!(streamed, whole, "{name} {format:?}");
                assert_eq!(streamed.1, status, "{name} {format:?}");
                // GitHub prints nothing for a text without findings.
                assert!(
                    format == Format::Github || !streamed.0.is_empty(),
                    "{name} {format:?}"
                );
            }
        }
    }
    assert!(helm >= 1, "no text with Helm sources");
}

/// The JSON of each object, written from its parts, is the report as `ObjectReport` serialises:
/// the same fields, in the same order, with the same ones left out.
#[test]
fn json_objects_are_the_reports() {
    let options = podsec::Options {
        namespace: Some("team".into()),
        ..podsec::Options::default()
    };
    for (name, text) in inputs() {
        for stream in [true, false] {
            let (json, _) = printed(&text, &options, Format::Json, stream);
            let printed: serde_json::Value = serde_json::from_str(&json).unwrap();
            let objects = podsec::analyze(&text, &options).objects;
            let expected = serde_json::to_value(&objects).unwrap();
            assert_eq!(
                printed["files"][0]["objects"], expected,
                "{name} (stream {stream})"
            );
            // Key order too (`Value` sorts keys): the text of each object, indented as written.
            for o in &objects {
                let text = serde_json::to_string_pretty(o).unwrap();
                let indented = text.replace('\n', "\n        ");
                assert!(
                    json.contains(&indented),
                    "{name}: {} {} is not written as it serialises",
                    o.kind,
                    o.name
                );
            }
        }
    }
}

/// `check` gives the formats other than JSON an analysis without effective contexts or
/// passing checks: they must print the same as from the whole analysis.
#[test]
fn formats_other_than_json_print_the_same_from_verdicts_alone() {
    let options = podsec::Options::default();
    for e in podsec::examples::EXAMPLES {
        for format in [Format::Text, Format::Github, Format::Sarif] {
            let printed_from = |analysis: podsec::Analysis| {
                let status = Seen::default();
                let checked = Checked {
                    path: "x.yaml".to_string(),
                    options: options.clone(),
                    analysis,
                };
                let mut out = Vec::new();
                print(
                    &mut out,
                    format,
                    &options,
                    std::iter::once(Judged::whole(checked, &status)),
                )
                .unwrap();
                (String::from_utf8(out).unwrap(), status.status().code())
            };
            let whole = printed_from(podsec::analyze(e.yaml, &options));
            let verdicts = printed_from(podsec::analysis::analyze_verdicts(e.yaml, &options));
            assert_eq!(whole, verdicts, "{} {format:?}", e.id);
            assert!(format == Format::Github || !whole.0.is_empty(), "{}", e.id);
        }
    }
}

/// `harden` reads its exit status from the pieces' verdicts when they decide alone, instead of
/// reading the whole rewrite again: both must give the same status, safe fixes or unsafe, on
/// every example, the inputs above, a stream of every example and a `List` of their objects.
#[test]
fn harden_reads_the_same_status_from_verdicts_as_from_the_rewrite() {
    let mut texts = inputs();
    let examples: Vec<&str> = podsec::examples::EXAMPLES.iter().map(|e| e.yaml).collect();
    texts.push(("every example".to_string(), examples.join("\n---\n")));
    // A `List` of the objects of the examples of one document.
    let list = |yamls: &[&str]| {
        let mut items = String::from("apiVersion: v1\nkind: List\nitems:\n");
        for yaml in yamls.iter().filter(|y| !y.contains("\n---")) {
            for (i, line) in yaml.lines().enumerate() {
                let lead = if i == 0 { "- " } else { "  " };
                if !line.is_empty() {
                    items.push_str(lead);
                    items.push_str(line);
                }
                items.push('\n');
            }
        }
        items
    };
    texts.push(("a List of the examples".to_string(), list(&examples)));
    // What the kubelet refuses (root with runAsNonRoot, an unsafe sysctl), which no fix mends.
    let refused = "apiVersion: v1\nkind: Pod\nmetadata: {name: r}\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0\n    sysctls: [{name: kernel.msgmax, value: '65536'}]\n  containers: [{name: c, image: x}]\n";
    texts.push(("refused".to_string(), format!("{refused}---\n{refused}")));
    // Each example as a stream of two documents and as a `List` of one item, so that each is
    // rewritten as a piece.
    for e in podsec::examples::EXAMPLES {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: other}\nspec: {containers: [{name: c, image: x}]}\n";
        texts.push((
            format!("{} in a stream", e.id),
            format!("{}\n---\n{pod}", e.yaml),
        ));
        texts.push((format!("{} in a List", e.id), list(&[e.yaml])));
    }
    let mut decided = 0;
    let mut stopped = 0;
    // At the privileged level only what the API server rejects or the kubelet refuses stops.
    let levels = [podsec::PssLevel::Restricted, podsec::PssLevel::Privileged];
    let thresholds = [podsec::Applicability::Safe, podsec::Applicability::Unsafe];
    let runs = levels
        .iter()
        .flat_map(|l| thresholds.iter().map(move |t| (*l, *t)));
    for ((name, text), (level, threshold)) in
        texts.iter().flat_map(|t| runs.clone().map(move |r| (t, r)))
    {
        let options = podsec::HardenOptions {
            analysis: podsec::Options {
                level,
                ..podsec::Options::default()
            },
            threshold,
        };
        let mut result = String::new();
        let mut stop = false;
        let verdicts_decide =
            podsec::harden::harden_parts(text, &options, &mut |part| match part {
                podsec::harden::Part::Piece(h) => {
                    result.push_str(&h.text);
                    stop |= h.objects.iter().any(podsec::harden::ObjectVerdict::stops);
                }
                podsec::harden::Part::Restart => {
                    result.clear();
                    stop = false;
                }
            });
        if !verdicts_decide {
            continue;
        }
        decided += 1;
        stopped += usize::from(stop);
        let mut from_verdicts = Status::default();
        from_verdicts.add_rewrite(&result, &options.analysis, Some(stop));
        let mut from_rewrite = Status::default();
        from_rewrite.add_rewrite(&result, &options.analysis, None);
        assert_eq!(
            from_verdicts.code(),
            from_rewrite.code(),
            "{name} {level:?} {threshold:?}"
        );
    }
    // Both answers are met: rewrites still stopped and rewrites that pass.
    assert!(
        decided >= 6 && stopped >= 2 && stopped < decided,
        "{decided} {stopped}"
    );
}

//! Ingestion over the real-world corpus in `../shared/corpus`: no panic, errors with positions for
//! the broken files, and the workload and container counts of `SOURCES.tsv`.
//!
//! Skipped, saying so, when `../shared` is not beside the repository.

use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.join("SOURCES.tsv").is_file().then_some(dir)
}

/// Files whose counts differ from `stats.py` on purpose, with the reason.
const EXPECTED_DIFFERENCES: &[(&str, &str)] = &[(
    "files/linkerd2/cli__cmd__testdata__inject_gettest_deployment.bad.input.yml",
    "two Deployments, the second mis-indented: stats.py counts nothing once PyYAML fails on the stream, \
     while podsec parses each document on its own (as kubectl splits them) and still finds the first \
     Deployment with its 2 containers",
)];

/// Files that `SOURCES.tsv` (PyYAML) reads but Kubernetes' own decoder refuses, with its error; the
/// YAML oracle test (`yaml_oracle.rs`) confirms each against sigs.k8s.io/yaml.
const KUBERNETES_REFUSES: &[(&str, &str)] = &[(
    "files/kube-linter/pkg__templates__sortedkeys__testdata__container-with-merge.yaml",
    "`- <<: *common-env` merges an alias of a sequence: go-yaml v2 fails with \
     \"map merge requires map or sequence of maps as the value\"",
)];

#[test]
fn corpus_counts_match_sources() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/corpus not found");
        return;
    };
    let sources = std::fs::read_to_string(dir.join("SOURCES.tsv")).unwrap();
    let mut files = 0;
    let mut invalid = 0;
    let (mut want_w, mut want_c, mut got_w, mut got_c) = (0, 0, 0, 0);
    let mut mismatches = Vec::new();
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (path, workloads, containers, flags) = (cols[0], cols[7], cols[8], cols[10]);
        let workloads: usize = workloads.parse().unwrap();
        let containers: usize = containers.parse().unwrap();
        let bytes = std::fs::read(dir.join(path)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let a = podsec::analyze(&text, &podsec::Options::default());
        files += 1;
        let refused = KUBERNETES_REFUSES.iter().any(|(p, _)| *p == path);
        if refused {
            assert!(
                !a.errors.is_empty(),
                "{path}: Kubernetes refuses it, podsec did not"
            );
        } else if flags.split(',').any(|f| f == "invalid") {
            invalid += 1;
            assert!(!a.errors.is_empty(), "{path}: invalid file gave no error");
            for e in &a.errors {
                assert!(
                    e.line >= 1 && e.column >= 1,
                    "{path}: error without position: {e:?}"
                );
            }
            println!(
                "{path}: {}",
                a.errors
                    .iter()
                    .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        } else {
            assert!(
                a.errors.is_empty(),
                "{path}: unexpected errors {:?}",
                a.errors
            );
        }
        let no_template = a
            .skipped
            .iter()
            .filter(|s| s.reason.contains("no pod template"))
            .count();
        let w = a.objects.len() + no_template;
        let c: usize = a.objects.iter().map(|o| o.containers.len()).sum();
        want_w += workloads;
        want_c += containers;
        got_w += w;
        got_c += c;
        if (w, c) != (workloads, containers) {
            mismatches.push(format!(
                "{path}: workloads {w} (SOURCES {workloads}), containers {c} (SOURCES {containers})"
            ));
        }
    }
    println!(
        "{files} files, {invalid} invalid; workloads {got_w} (SOURCES {want_w}); containers {got_c} (SOURCES {want_c})"
    );
    let unexplained: Vec<&String> = mismatches
        .iter()
        .filter(|m| {
            !EXPECTED_DIFFERENCES
                .iter()
                .chain(KUBERNETES_REFUSES)
                .any(|(p, _)| m.starts_with(p))
        })
        .collect();
    assert!(
        unexplained.is_empty(),
        "count mismatches:\n{}",
        unexplained
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(files, 400);
    assert_eq!(invalid, 3);
}

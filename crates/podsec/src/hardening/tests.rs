//! Tests of the hardening rules as a whole: the registry, the seed example, a bare pod.

use crate::analysis::analyze;
use crate::fix::Fix;
use crate::model::{Finding, FindingLevel, Options};

use super::{RULES, enabled};

/// The options of `flags` with rule `id` enabled.
fn options(id: &str, flags: &str) -> Options {
    let (mut o, unknown) = crate::docs::parse_flags(flags);
    assert!(unknown.is_empty(), "unknown flags {unknown:?}");
    o.enable_rules.push(id.to_string());
    o
}

fn findings(id: &str, yaml: &str, flags: &str) -> Vec<Finding> {
    let a = analyze(yaml, &options(id, flags));
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    a.objects
        .into_iter()
        .flat_map(|o| o.findings)
        .filter(|f| f.check == id)
        .collect()
}

/// The fixes of rule `id`'s findings, for tests of their patches (`testing::check` shows their
/// titles and grades).
#[track_caller]
pub(super) fn fixes(id: &str, yaml: &str, flags: &str) -> Vec<Fix> {
    findings(id, yaml, flags)
        .into_iter()
        .filter_map(|f| f.fix)
        .collect()
}

/// The hardened pod of the seed article, the playground's first example.
const SEED: &str = crate::examples::SEED.yaml;

const BARE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0\n";

fn hardening_ids(yaml: &str, options: &Options) -> Vec<String> {
    let a = analyze(yaml, options);
    let mut ids: Vec<String> = a
        .objects
        .iter()
        .flat_map(|o| o.findings.iter())
        .filter(|f| f.level == FindingLevel::Hardening)
        .map(|f| f.check.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn enabling_and_disabling() {
    let on = &super::writable_root_filesystem::CHECK;
    let off = &super::low_uid::CHECK;
    let mut o = Options::default();
    assert!(enabled(on, &o) && !enabled(off, &o));
    o.disable_rules.push(on.id.to_string());
    o.enable_rules.push(off.id.to_string());
    assert!(!enabled(on, &o) && enabled(off, &o));
    o.enable_rules.push(on.id.to_string());
    assert!(enabled(on, &o), "enabling wins over disabling");
}

#[test]
fn seed_example_passes_every_default_rule_beyond_pss() {
    for flags in ["", "--runtime cri-o", "--version v1.25"] {
        let (o, _) = crate::docs::parse_flags(flags);
        assert_eq!(hardening_ids(SEED, &o), Vec::<String>::new(), "{flags}");
    }
    // Below restricted nothing else asks for a seccomp profile, and the seed sets none.
    for flags in ["--level baseline", "--level privileged"] {
        let (o, _) = crate::docs::parse_flags(flags);
        assert_eq!(hardening_ids(SEED, &o), ["seccomp-unset"], "{flags}");
    }
}

#[test]
fn bare_pod_triggers_every_default_rule_that_can_apply() {
    let (privileged, _) = crate::docs::parse_flags("--level privileged");
    assert_eq!(
        hardening_ids(BARE, &privileged),
        [
            "capabilities-not-dropped",
            "risky-capabilities",
            "run-as-image-user",
            "seccomp-unset",
            "writable-root-filesystem",
        ]
    );
    // At restricted, the Pod Security Standards already ask for drop ALL, a seccomp profile and
    // runAsNonRoot, so only what they never cover is left.
    assert_eq!(
        hardening_ids(BARE, &Options::default()),
        ["writable-root-filesystem"]
    );
    // Rules that cannot apply to a bare pod: they need a value to be written.
    let needs_a_value = [
        "unneeded-capabilities",
        "run-as-root",
        "root-group",
        "unconfined-seccomp",
        "writable-host-path",
        "container-runtime-socket",
        "lowercase-capability",
        "cap-prefixed-capability",
        "os-name-case",
    ];
    for c in RULES.iter().map(|r| r.check).filter(|c| c.default_on) {
        let fired = hardening_ids(BARE, &privileged).iter().any(|id| id == c.id);
        assert!(
            fired || needs_a_value.contains(&c.id),
            "{} neither fires nor is listed",
            c.id
        );
    }
}

#[test]
fn default_off_rules_fire_when_enabled_on_a_bare_pod() {
    let (mut o, _) = crate::docs::parse_flags("--level privileged");
    o.enable_rules = vec!["service-account-token-automount".to_string()];
    assert!(hardening_ids(BARE, &o).contains(&"service-account-token-automount".to_string()));
}

//! The listing's budget (at most 100 findings of one check per container, the rest counted in one
//! notice) is kept as findings come, and gives exactly the listing that cutting the full analysis
//! afterwards gives: the same findings, in the same order, the same notices with the same totals,
//! and the same findings set apart by inline ignores.

mod common;

use std::collections::HashMap;

use podsec::analysis::{Analysis, MAX_FINDINGS_PER_CHECK, analyze_all};
use podsec::model::Finding;
use podsec::{Options, analyze};

/// The listing cut from the full analysis after the fact: the first findings of each check and
/// container in listing order, then one notice per run that went past the cap. (Skipped objects are
/// not cut: no input here has more than 1,000.)
fn cut(mut analysis: Analysis) -> Analysis {
    for object in &mut analysis.objects {
        let mut counts: HashMap<(&str, Option<String>), usize> = HashMap::new();
        let mut kept = Vec::new();
        let mut notices: Vec<Finding> = Vec::new();
        for f in std::mem::take(&mut object.findings) {
            let n = counts.entry((f.check, f.container.clone())).or_insert(0);
            *n += 1;
            if *n <= MAX_FINDINGS_PER_CHECK {
                kept.push(f);
            } else if *n == MAX_FINDINGS_PER_CHECK + 1 {
                let mut notice = f;
                notice.fix = None;
                notice.related = Vec::new();
                notices.push(notice);
            }
        }
        for mut notice in notices {
            let total = counts[&(notice.check, notice.container.clone())];
            notice.message = format!(
                "and {} more findings of this check here, not listed (podsec lists the first {MAX_FINDINGS_PER_CHECK})",
                total - MAX_FINDINGS_PER_CHECK
            );
            kept.push(notice);
        }
        kept.sort_by_key(|f| (f.level, f.line, f.column));
        object.findings = kept;
    }
    analysis
}

#[test]
fn findings_past_the_cap_are_counted_as_they_come() {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n");
    text.push_str(&common::container("a", 150, 260));
    text.push_str(&common::container("b", 40, 101));
    text.push_str(&common::container("c", 100, 0));
    let all = analyze_all(&text, &Options::default());
    let listed = analyze(&text, &Options::default());
    assert_eq!(listed, cut(all.clone()));
    let object = &listed.objects[0];
    // Container a: 260 drops of which 37 are ignored, and 150 adds, all of one check.
    let prefixed = |c: &str| {
        all.objects[0]
            .findings
            .iter()
            .filter(|f| f.check == "cap-prefixed-capability" && f.container.as_deref() == Some(c))
            .count()
    };
    assert_eq!(prefixed("a"), 260 - 37 + 150);
    assert_eq!(prefixed("b"), 101 - 14 + 40);
    let notice = |c: &str| {
        object
            .findings
            .iter()
            .find(|f| {
                f.check == "cap-prefixed-capability"
                    && f.container.as_deref() == Some(c)
                    && f.message.contains("not listed")
            })
            .map(|f| f.message.clone())
    };
    assert_eq!(
        notice("a").as_deref(),
        Some("and 273 more findings of this check here, not listed (podsec lists the first 100)")
    );
    assert_eq!(
        notice("b").as_deref(),
        Some("and 27 more findings of this check here, not listed (podsec lists the first 100)")
    );
    // Exactly 100: no notice.
    assert_eq!(notice("c"), None);
    assert_eq!(object.suppressed.len(), 37 + 14);
    // The drops come first in the listing, since they are written first.
    let first = object
        .findings
        .iter()
        .find(|f| f.check == "cap-prefixed-capability")
        .unwrap();
    assert!(first.message.contains("CAP_D0"), "{}", first.message);
}

#[test]
fn the_listing_of_the_corpus_is_the_full_analysis_cut() {
    let files = common::corpus_files();
    if files.is_empty() {
        println!("no corpus: skipped");
        return;
    }
    let mut n = 0;
    for path in files.iter().step_by(8) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let options = Options::default();
        assert_eq!(
            analyze(&text, &options),
            cut(analyze_all(&text, &options)),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n > 10);
}

//! The playground's learner text (`web/assets/learner-text.json`), which its wasm, built without
//! the `learner-text` feature, fetches on demand, is what the core's docs say
//! (`UPDATE_EXPECT=1 cargo test -p podsec --test learner_text` rewrites it).

#![cfg(feature = "learner-text")]

use expect_test::expect_file;

#[test]
fn the_playgrounds_learner_text_is_the_registrys() {
    expect_file!["../../../web/assets/learner-text.json"]
        .assert_eq(&podsec::docs::learner_text_json());
}

#[test]
fn every_check_has_its_learner_text() {
    let json = podsec::docs::learner_text_json();
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    for c in podsec::check::all() {
        let entry = &parsed["checks"][c.id];
        assert_eq!(entry["what"], c.docs.what, "{}", c.id);
        assert_eq!(entry["why"], c.docs.why, "{}", c.id);
        assert!(
            entry["tryIt"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            c.id
        );
        assert_eq!(
            entry["references"].as_array().map(Vec::len),
            Some(c.docs.references.len()),
            "{}",
            c.id
        );
    }
}

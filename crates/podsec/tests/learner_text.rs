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

/// The file as JSON.
fn parsed() -> serde_json::Value {
    serde_json::from_str(&podsec::docs::learner_text_json()).expect("valid JSON")
}

#[test]
fn every_check_has_its_learner_text() {
    let parsed = parsed();
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

#[test]
fn every_lesson_has_its_prose() {
    let parsed = parsed();
    for l in podsec::lessons::all() {
        let entry = &parsed["lessons"][l.id];
        assert_eq!(entry["explanation"], l.explanation, "{}", l.id);
        assert_eq!(entry["learned"], l.learned, "{}", l.id);
        let hints: Vec<&str> = entry["hints"]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(hints, l.hints, "{}", l.id);
    }
}

//! Fuzz target: `harden` on any text never panics, and when the text parses, its output parses
//! too and keeps the same number of workload objects.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsec::{Applicability, HardenOptions, Options, PssLevel, analyze, harden};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let threshold = if data.len() % 2 == 0 {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let level = if data.len() % 3 == 0 {
        PssLevel::Baseline
    } else {
        PssLevel::Restricted
    };
    let options = HardenOptions {
        analysis: Options {
            level,
            ..Options::default()
        },
        threshold,
    };
    let hardened = harden(&text, &options);
    assert_eq!(hardened.changed, hardened.text != text);
    let before = analyze(&text, &options.analysis);
    if before.errors.is_empty() && hardened.changed {
        let after = analyze(&hardened.text, &options.analysis);
        assert!(
            after.errors.is_empty(),
            "hardened text does not parse: {:?}\n{}",
            after.errors,
            hardened.text
        );
        assert_eq!(
            after.objects.len(),
            before.objects.len(),
            "{}",
            hardened.text
        );
    }
});

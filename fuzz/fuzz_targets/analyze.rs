//! Fuzz target: `analyze` on any text, with options drawn from the input, never panics, never
//! reports a position outside the text, and its result always serialises; and the analysis in
//! parts, every object listed in bounded passes, puts back together into the same reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsec::analysis::{Limits, Part, analyze_parts_with};
use podsec::{ObjectReport, Options, PssLevel, Runtime, Version, analyze};

/// Options chosen by a cheap hash of the input, so every input is also a plain YAML text.
fn options(data: &[u8]) -> Options {
    let h = data.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    });
    Options {
        level: [
            PssLevel::Restricted,
            PssLevel::Baseline,
            PssLevel::Privileged,
        ]
        .get((h % 3) as usize)
        .copied()
        .unwrap_or_default(),
        version: if h & 0x10 == 0 {
            Version::Latest
        } else {
            Version::Minor((h >> 8) % 40)
        },
        runtime: if h & 0x20 == 0 {
            Runtime::Containerd
        } else {
            Runtime::CriO
        },
        kube_minor: (h & 0x40 != 0).then_some(19 + (h >> 16) % 20),
        seccomp_default: h & 0x80 != 0,
        apparmor_enabled: h & 0x100 == 0,
        ..Options::default()
    }
}

/// The reports of `analyze_parts` with every object listed in passes of a finding or two, put
/// back together.
fn from_parts(text: &str, options: &Options) -> Vec<ObjectReport> {
    let forced = Limits {
        containers: 0,
        chunk: 1000,
    };
    let mut objects: Vec<ObjectReport> = Vec::new();
    analyze_parts_with(text, options, true, forced, &mut |part| {
        let last = objects.last_mut();
        match (part, last) {
            (Part::Head(head, _), _) => objects.push(*head),
            (Part::Finding(f), Some(o)) => o.findings.push(*f),
            (Part::Container(c), Some(o)) => o.containers.push(*c),
            (Part::Suppressed(s), Some(o)) => o.suppressed.push(*s),
            (Part::End, _) => {}
            (part, None) => panic!("{part:?} before any head"),
        }
    });
    objects
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analysis = analyze(&text, &options(data));
    // Up to 16 KiB: passes of a finding or two make a large seed slow to run.
    if data.len() <= 16 * 1024 {
        assert_eq!(from_parts(&text, &options(data)), analysis.objects);
    }
    // Lines as YAML (and the editors) count them: a lone `\r` breaks a line too.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count();
    for object in &analysis.objects {
        for f in &object.findings {
            let at = &f.location;
            assert!(at.start <= at.end && at.end <= text.len(), "{f:?}");
            assert!(
                text.is_char_boundary(at.start) && text.is_char_boundary(at.end),
                "{f:?}"
            );
            assert!(f.line >= 1 && f.line <= lines, "{f:?}");
        }
    }
    assert!(serde_json::to_string(&analysis).is_ok());
});

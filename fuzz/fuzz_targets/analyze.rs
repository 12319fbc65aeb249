//! Fuzz target: `analyze` on any text, with options drawn from the input, never panics, never
//! reports a position outside the text, and its result always serialises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsec::{Options, PssLevel, Runtime, Version, analyze};

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

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let analysis = analyze(&text, &options(data));
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

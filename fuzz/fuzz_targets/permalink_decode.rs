//! Fuzz target: permalink decoding never panics; whatever decodes re-encodes to itself; any text
//! round-trips; and damaged links (one character changed, or cut short) are refused or decode to
//! the original state, never to another one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use podsec::Options;
use podsec::permalink::{Shared, decode, encode};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    // The input as a link.
    if let Ok(shared) = decode(&input) {
        assert_eq!(decode(&encode(&shared)).as_ref(), Ok(&shared));
    }
    // The input as a text to share.
    let shared = Shared {
        text: input.to_string(),
        options: Options::default(),
        include_unsafe: data.len() % 2 == 1,
    };
    let link = encode(&shared);
    assert_eq!(decode(&link).as_ref(), Ok(&shared));
    let h = data.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    }) as usize;
    let mut flipped = link.clone().into_bytes();
    let at = 3 + h % (flipped.len() - 3);
    if let Some(c) = flipped.get_mut(at) {
        let new = ALPHABET[(h >> 8) % 64];
        *c = if *c == new {
            ALPHABET[((h >> 8) + 1) % 64]
        } else {
            new
        };
    }
    let flipped = String::from_utf8(flipped).unwrap_or_default();
    let cut = link.get(..(h >> 16) % link.len()).unwrap_or_default();
    for damaged in [flipped.as_str(), cut] {
        if let Ok(other) = decode(damaged) {
            assert_eq!(other, shared, "a damaged link decoded to another state");
        }
    }
});

//! Permalinks: the playground's whole state (text and options) in a URL fragment.
//!
//! A link's fragment is `v1:` followed by base64url (no padding) of a 4-byte FNV-1a checksum of the
//! payload and the payload compressed with raw deflate. The payload is one header line of
//! space-separated `key=value` options, a newline, and the text. The version prefix lets later
//! formats arrive without breaking old links; unknown header keys are ignored for the same reason.
//!
//! Decoding is bounded: the fragment's length and the inflated size are capped, and a wrong checksum
//! (a truncated or tampered link) is an error, never a panic or a half-restored state.

use std::fmt;

use crate::model::{Options, PssLevel, Runtime, Version};

/// The prefix of the current format.
pub const PREFIX: &str = "v1:";

/// The longest fragment decoded, in characters (Chromium caps URLs at 2 MB).
pub const MAX_FRAGMENT: usize = 2 * 1024 * 1024;

/// The largest payload inflated, in bytes.
pub const MAX_PAYLOAD: usize = 8 * 1024 * 1024;

/// What a link holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    /// The manifest text.
    pub text: String,
    /// The analysis options.
    pub options: Options,
    /// Whether the hardened view includes unsafe edits.
    pub include_unsafe: bool,
}

/// Why a fragment could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The fragment does not start with a known version prefix.
    UnknownFormat,
    /// The fragment is longer than [`MAX_FRAGMENT`].
    TooLong,
    /// The fragment holds characters outside base64url.
    NotBase64,
    /// The data is cut short, corrupt or altered (the checksum does not match).
    Damaged,
    /// The inflated payload would exceed [`MAX_PAYLOAD`].
    TooLarge,
    /// The payload is not UTF-8 text.
    NotText,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::UnknownFormat => "the link is not a podsec link (unknown format)",
            Error::TooLong => "the link is too long to open",
            Error::NotBase64 => "the link holds characters a podsec link never has",
            Error::Damaged => "the link is damaged (cut short or altered)",
            Error::TooLarge => "the link's content is too large to open",
            Error::NotText => "the link's content is not text",
        })
    }
}

impl std::error::Error for Error {}

/// Encodes a state as a fragment (without the leading `#`).
#[must_use]
pub fn encode(shared: &Shared) -> String {
    let mut payload = header(&shared.options, shared.include_unsafe);
    payload.push('\n');
    payload.push_str(&shared.text);
    let mut bytes = fnv1a(payload.as_bytes()).to_be_bytes().to_vec();
    bytes.extend(miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 8));
    let mut out = String::with_capacity(PREFIX.len() + bytes.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    base64url(&bytes, &mut out);
    out
}

/// Decodes a fragment (with or without the leading `#`).
///
/// # Errors
///
/// Any [`Error`]: nothing is restored from a link that fails.
pub fn decode(fragment: &str) -> Result<Shared, Error> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT {
        return Err(Error::TooLong);
    }
    let data = fragment.strip_prefix(PREFIX).ok_or(Error::UnknownFormat)?;
    let bytes = unbase64url(data)?;
    let (sum, deflated) = bytes.split_at_checked(4).ok_or(Error::Damaged)?;
    let payload = miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, MAX_PAYLOAD)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => Error::TooLarge,
            _ => Error::Damaged,
        })?;
    if fnv1a(&payload).to_be_bytes().as_slice() != sum {
        return Err(Error::Damaged);
    }
    let payload = String::from_utf8(payload).map_err(|_| Error::NotText)?;
    let (head, text) = payload.split_once('\n').ok_or(Error::Damaged)?;
    let (options, include_unsafe) = parse_header(head);
    Ok(Shared {
        text: text.to_string(),
        options,
        include_unsafe,
    })
}

/// The options as a header line; defaults are left out to keep links short.
fn header(o: &Options, include_unsafe: bool) -> String {
    let d = Options::default();
    let mut words: Vec<String> = Vec::new();
    if o.level != d.level {
        words.push(format!("level={}", o.level.as_str()));
    }
    if o.version != d.version {
        words.push(format!("version={}", o.version.label()));
    }
    if o.runtime != d.runtime {
        words.push(format!("runtime={}", o.runtime.as_str()));
    }
    if let Some(k) = o.kube_minor {
        words.push(format!("kube=1.{k}"));
    }
    if o.seccomp_default != d.seccomp_default {
        words.push(format!("seccomp-default={}", o.seccomp_default));
    }
    if o.apparmor_enabled != d.apparmor_enabled {
        words.push(format!("apparmor={}", o.apparmor_enabled));
    }
    for (name, user) in &o.image_users {
        words.push(format!("image-user={name}/{user}"));
    }
    words.extend(o.enable_rules.iter().map(|r| format!("enable={r}")));
    words.extend(o.disable_rules.iter().map(|r| format!("disable={r}")));
    if let Some(n) = o.min_uid {
        words.push(format!("min-uid={n}"));
    }
    if include_unsafe {
        words.push("unsafe=true".to_string());
    }
    // Spaces separate words, so a value never holds one.
    words.retain(|w| !w.contains(char::is_whitespace));
    words.join(" ")
}

/// Parses a header line; unknown keys and bad values are ignored.
fn parse_header(head: &str) -> (Options, bool) {
    let mut o = Options::default();
    let mut include_unsafe = false;
    for word in head.split_whitespace() {
        let Some((key, value)) = word.split_once('=') else {
            continue;
        };
        match key {
            "level" => o.level = PssLevel::parse(value).unwrap_or(o.level),
            "version" => o.version = Version::parse(value).unwrap_or(o.version),
            "runtime" => o.runtime = Runtime::parse(value).unwrap_or(o.runtime),
            "kube" => {
                o.kube_minor = value
                    .strip_prefix("1.")
                    .and_then(|m| m.parse().ok())
                    .or(o.kube_minor);
            }
            "seccomp-default" => o.seccomp_default = value == "true",
            "apparmor" => o.apparmor_enabled = value != "false",
            "image-user" => {
                if let Some((name, user)) = value.split_once('/') {
                    o.image_users.push((name.to_string(), user.to_string()));
                }
            }
            "enable" => o.enable_rules.push(value.to_string()),
            "disable" => o.disable_rules.push(value.to_string()),
            "min-uid" => o.min_uid = value.parse().ok().or(o.min_uid),
            "unsafe" => include_unsafe = value == "true",
            _ => {}
        }
    }
    (o, include_unsafe)
}

/// 32-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8], out: &mut String) {
    let sym = |i: u32| char::from(ALPHABET.get((i & 63) as usize).copied().unwrap_or(b'A'));
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        if chunk.len() > 1 {
            out.push(sym(n >> 6));
        }
        if chunk.len() > 2 {
            out.push(sym(n));
        }
    }
}

fn unbase64url(text: &str) -> Result<Vec<u8>, Error> {
    let value = |c: u8| -> Result<u32, Error> {
        Ok(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return Err(Error::NotBase64),
        }
        .into())
    };
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i as u32);
        }
        // Unused low bits must be zero, so that every link has one spelling.
        match chunk.len() {
            3 if n & 0xff != 0 => return Err(Error::Damaged),
            2 if n & 0xffff != 0 => return Err(Error::Damaged),
            4 => out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]),
            3 => out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]),
            2 => out.push((n >> 16) as u8),
            _ => return Err(Error::Damaged),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # a comment\nspec:\n  containers:\n    - name: app\n      image: app:1\n";

    fn shared(text: &str) -> Shared {
        Shared {
            text: text.to_string(),
            options: Options::default(),
            include_unsafe: false,
        }
    }

    #[test]
    fn round_trips_text_and_every_option() {
        let s = Shared {
            text: "héllo\r\n\tworld\n# ünïcødé ✓\n".to_string(),
            options: Options {
                level: PssLevel::Baseline,
                version: Version::Minor(25),
                runtime: Runtime::CriO,
                kube_minor: Some(30),
                seccomp_default: true,
                apparmor_enabled: false,
                image_users: vec![("app".into(), "1000:1000".into())],
                enable_rules: vec!["low-uid".into()],
                disable_rules: vec!["root-group".into()],
                min_uid: Some(10000),
            },
            include_unsafe: true,
        };
        let link = encode(&s);
        assert!(link.starts_with("v1:"), "{link}");
        assert_eq!(decode(&link), Ok(s.clone()));
        assert_eq!(decode(&format!("#{link}")), Ok(s));
    }

    #[test]
    fn default_options_make_an_empty_header() {
        assert_eq!(header(&Options::default(), false), "");
        assert_eq!(decode(&encode(&shared(POD))), Ok(shared(POD)));
        assert_eq!(decode(&encode(&shared(""))), Ok(shared("")));
    }

    #[test]
    fn links_use_only_url_safe_characters() {
        let link = encode(&shared(POD));
        assert!(
            link.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_:".contains(&b)),
            "{link}"
        );
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..10u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(97)).collect();
            let mut s = String::new();
            base64url(&bytes, &mut s);
            assert_eq!(unbase64url(&s), Ok(bytes));
        }
    }

    #[test]
    fn truncated_links_are_damaged() {
        let link = encode(&shared(POD));
        for cut in [link.len() - 1, link.len() - 5, link.len() / 2, 5] {
            let r = decode(link.get(..cut).unwrap_or(""));
            assert!(
                matches!(r, Err(Error::Damaged | Error::NotText)),
                "cut at {cut}: {r:?}"
            );
        }
        assert_eq!(decode("v1:"), Err(Error::Damaged));
    }

    #[test]
    fn tampered_links_are_damaged() {
        let link = encode(&shared(POD));
        let mut changed = 0;
        for i in PREFIX.len()..link.len() {
            let mut bytes = link.clone().into_bytes();
            if let Some(b) = bytes.get_mut(i) {
                *b = if *b == b'A' { b'B' } else { b'A' };
            }
            let tampered = String::from_utf8(bytes).unwrap_or_default();
            let r = decode(&tampered);
            assert!(r.is_err(), "position {i}: {r:?}");
            changed += 1;
        }
        assert!(changed > 20);
    }

    #[test]
    fn foreign_and_hostile_fragments_are_refused() {
        assert_eq!(decode(""), Err(Error::UnknownFormat));
        assert_eq!(decode("#top"), Err(Error::UnknownFormat));
        assert_eq!(decode("v9:AAAA"), Err(Error::UnknownFormat));
        assert_eq!(decode("v1:ab+c"), Err(Error::NotBase64));
        assert_eq!(decode("v1:ab%20c"), Err(Error::NotBase64));
        let long = format!("v1:{}", "A".repeat(MAX_FRAGMENT));
        assert_eq!(decode(&long), Err(Error::TooLong));
    }

    #[test]
    fn inflation_is_bounded() {
        // 64 MiB of zeros compresses to a few dozen kilobytes.
        let zeros = vec![b'a'; 64 * 1024 * 1024];
        let mut bytes = fnv1a(&zeros).to_be_bytes().to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(&zeros, 9));
        let mut link = PREFIX.to_string();
        base64url(&bytes, &mut link);
        assert!(link.len() < MAX_FRAGMENT, "{}", link.len());
        assert_eq!(decode(&link), Err(Error::TooLarge));
    }

    #[test]
    fn unknown_header_words_are_ignored() {
        let payload = "level=baseline future=1 junk\nkind: Pod\n";
        let mut bytes = fnv1a(payload.as_bytes()).to_be_bytes().to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(payload.as_bytes(), 8));
        let mut link = PREFIX.to_string();
        base64url(&bytes, &mut link);
        let s = decode(&link).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.options.level, PssLevel::Baseline);
        assert_eq!(s.text, "kind: Pod\n");
    }
}

//! Permalinks: the playground's whole state (text and options) in a URL fragment.
//!
//! A link's fragment is `v1:` followed by base64url (no padding) of a 4-byte FNV-1a checksum of the
//! payload and the payload compressed with raw deflate. The payload is one header line of
//! space-separated `key=value` options, a newline, and the text. The version prefix lets later
//! formats arrive without breaking old links; unknown header keys are ignored for the same reason.
//!
//! Decoding is bounded: the fragment's length and the inflated size are capped, and a wrong checksum
//! (a truncated or tampered link) is an error, never a panic or a half-restored state.
//!
//! Making a link is bounded by the same limits, so that every link made can be opened: [`link`]
//! refuses a text whose payload the decoder would not inflate, or whose link would be longer than
//! the decoder reads (less room for the page's own address). [`encode`] has no limit: it is for
//! the playground's saved draft, read back with [`decode_draft`], whose limits are the analysis's.

use std::fmt;

use crate::model::{Options, PssLevel, Runtime, Version};

/// The prefix of the current format.
pub const PREFIX: &str = "v1:";

/// The longest fragment decoded, in characters (Chromium caps URLs at 2 MB).
pub const MAX_FRAGMENT: usize = 2 * 1024 * 1024;

/// The largest payload inflated, in bytes.
pub const MAX_PAYLOAD: usize = 8 * 1024 * 1024;

/// The longest fragment [`link`] makes, in characters: [`MAX_FRAGMENT`] less room for the page's
/// own address, which Chromium counts in the same 2 MiB.
pub const MAX_LINK: usize = MAX_FRAGMENT - 4096;

/// Links longer than this, in characters, are cut by some browsers, chat tools and mail clients;
/// the playground warns when it makes one.
pub const LONG_LINK: usize = 100_000;

/// The longest saved draft decoded, in characters, and the largest payload it inflates to: a draft
/// holds any text the analysis accepts.
const MAX_DRAFT: usize = 64 * 1024 * 1024;
const MAX_DRAFT_PAYLOAD: usize = crate::yaml::MAX_INPUT_BYTES + 64 * 1024;

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

/// Why no link is made for a state: it would exceed what [`decode`] opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The text and its options take more than [`MAX_PAYLOAD`] bytes.
    TextTooLarge {
        /// The text's size in bytes.
        bytes: usize,
        /// The largest text a link holds, in bytes.
        limit: usize,
    },
    /// The text compresses to a link longer than [`MAX_LINK`] characters.
    LinkTooLong {
        /// The link's length in characters.
        chars: usize,
        /// [`MAX_LINK`].
        limit: usize,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TextTooLarge { bytes, limit } => write!(
                f,
                "this text is too large to share as a link ({}; the limit is {}): download it instead",
                megabytes(*bytes),
                megabytes(*limit)
            ),
            LinkError::LinkTooLong { chars, limit } => write!(
                f,
                "this text is too large to share as a link (it compresses to {} characters; the limit is {}): download it instead",
                thousands(*chars),
                thousands(*limit)
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// A size in megabytes with one decimal: `9.1 MB`.
fn megabytes(bytes: usize) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

/// A count with thousands separators: `2,093,056`.
#[must_use]
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Makes a link's fragment (without the leading `#`) for a state, if [`decode`] can open it.
///
/// # Errors
///
/// A [`LinkError`] when the text is too large for a link; nothing is compressed when the text
/// alone exceeds the limit.
pub fn link(shared: &Shared) -> Result<String, LinkError> {
    let payload = payload(shared);
    if payload.len() > MAX_PAYLOAD {
        return Err(LinkError::TextTooLarge {
            bytes: shared.text.len(),
            limit: MAX_PAYLOAD.saturating_sub(payload.len() - shared.text.len()),
        });
    }
    let fragment = compress(&payload);
    if fragment.len() > MAX_LINK {
        return Err(LinkError::LinkTooLong {
            chars: fragment.len(),
            limit: MAX_LINK,
        });
    }
    Ok(fragment)
}

/// Encodes a state as a fragment (without the leading `#`), with no limit: for the saved draft
/// (see [`decode_draft`]). Anything shared is made by [`link`].
#[must_use]
pub fn encode(shared: &Shared) -> String {
    compress(&payload(shared))
}

/// The header line, a newline and the text.
fn payload(shared: &Shared) -> String {
    let head = header(&shared.options, shared.include_unsafe);
    let mut payload = String::with_capacity(head.len() + 1 + shared.text.len());
    payload.push_str(&head);
    payload.push('\n');
    payload.push_str(&shared.text);
    payload
}

/// The checksum and the deflated payload, in base64url behind the prefix.
fn compress(payload: &str) -> String {
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
    decode_bounded(fragment, MAX_FRAGMENT, MAX_PAYLOAD)
}

/// Decodes a saved draft made by [`encode`]: as [`decode`], with limits that admit any text the
/// analysis accepts.
///
/// # Errors
///
/// Any [`Error`].
pub fn decode_draft(draft: &str) -> Result<Shared, Error> {
    decode_bounded(draft, MAX_DRAFT, MAX_DRAFT_PAYLOAD)
}

fn decode_bounded(
    fragment: &str,
    max_fragment: usize,
    max_payload: usize,
) -> Result<Shared, Error> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > max_fragment {
        return Err(Error::TooLong);
    }
    let data = fragment.strip_prefix(PREFIX).ok_or(Error::UnknownFormat)?;
    let bytes = unbase64url(data)?;
    let (sum, deflated) = bytes.split_at_checked(4).ok_or(Error::Damaged)?;
    let payload = miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, max_payload)
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
    // Namespace admission: free text, so percent-encoded (a YAML configuration keeps its newlines).
    for (key, value) in [
        ("namespace", &o.namespace),
        ("user", &o.username),
        ("admission", &o.admission_config),
    ] {
        if let Some(v) = value {
            words.push(format!("{key}={}", percent_encode(v)));
        }
    }
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
            "namespace" => o.namespace = percent_decode(value),
            "user" => o.username = percent_decode(value),
            "admission" => o.admission_config = percent_decode(value),
            _ => {}
        }
    }
    (o, include_unsafe)
}

/// Percent-encodes everything but letters, digits and `-._~:/@` (the header's words never hold a
/// space, `=` or a newline).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 15] {
                out.push(char::from(
                    HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                ));
            }
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Reverses [`percent_encode`]; `None` for a bad escape or text that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = |c: Option<u8>| char::from(c?).to_digit(16);
            let (hi, lo) = (hex(bytes.next())?, hex(bytes.next())?);
            out.push(u8::try_from(hi * 16 + lo).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
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
                admission_config: Some(
                    "kind: PodSecurityConfiguration # 100% inline\ndefaults:\n  enforce: baseline\nexemptions: {usernames: [\"ci bot\", é]}\n".into(),
                ),
                namespace: Some("team-a".into()),
                username: Some("system:serviceaccount:ci:deployer x=1".into()),
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
    fn a_link_made_before_namespace_admission_still_opens() {
        // Made by another deflate (Python's zlib) from the format's description, with options of
        // the first format only.
        let old = "v1:RKMx0S2NSwpDIQxF51lFNmDBQieCe-io81TTEp5G8bf-vk-H53C4N_Hi5N_UOYkyLm5divplb_cHtqlDMvvQxBSc2unDfrTJQFVeV-pwWdhEo8NniZB5UKRBDhCVMjssKZp9e4NeORw6FB20n7V-EKL5h1TryYiS6XsJZ-EH";
        let s = decode(old).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.text.contains("name: old-link"), "{}", s.text);
        assert_eq!(
            s.options,
            Options {
                level: PssLevel::Baseline,
                version: Version::Minor(25),
                runtime: Runtime::CriO,
                ..Options::default()
            }
        );
        assert!(s.include_unsafe);
    }

    #[test]
    fn namespace_admission_inputs_are_percent_encoded_and_bad_escapes_dropped() {
        let o = Options {
            namespace: Some("payments".into()),
            username: Some("alice smith".into()),
            admission_config: Some("a: 1\nb: =%\n".into()),
            ..Options::default()
        };
        assert_eq!(
            header(&o, false),
            "namespace=payments user=alice%20smith admission=a:%201%0Ab:%20%3D%25%0A"
        );
        let (back, _) = parse_header(&header(&o, false));
        assert_eq!(back, o);
        let (bad, _) = parse_header("namespace=%zz user=%C3 admission=%4");
        assert_eq!(
            (bad.namespace, bad.username, bad.admission_config),
            (None, None, None)
        );
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

    /// Text that deflate cannot shrink much: letters from a 64-symbol alphabet, chosen by a
    /// xorshift generator (about six bits of entropy per byte).
    fn incompressible(len: usize) -> String {
        let mut x = 0x2545_f491_u32;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                char::from(ALPHABET.get((x % 64) as usize).copied().unwrap_or(b'a'))
            })
            .collect()
    }

    #[test]
    fn a_link_is_made_for_the_largest_text_the_decoder_opens_and_no_larger() {
        // The payload is the (empty) header, a newline and the text.
        let largest = "a".repeat(MAX_PAYLOAD - 1);
        let link = link(&shared(&largest)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decode(&link).map(|s| s.text.len()), Ok(largest.len()));

        let over = "a".repeat(MAX_PAYLOAD);
        let err = super::link(&shared(&over)).unwrap_err();
        assert_eq!(
            err,
            LinkError::TextTooLarge {
                bytes: MAX_PAYLOAD,
                limit: MAX_PAYLOAD - 1
            }
        );
        // The same text, encoded without the check, is what the decoder refuses.
        assert_eq!(decode(&encode(&shared(&over))), Err(Error::TooLarge));
        assert_eq!(
            err.to_string(),
            "this text is too large to share as a link (8.4 MB; the limit is 8.4 MB): download it instead"
        );
        let nine = LinkError::TextTooLarge {
            bytes: 9_100_000,
            limit: MAX_PAYLOAD - 1,
        };
        assert_eq!(
            nine.to_string(),
            "this text is too large to share as a link (9.1 MB; the limit is 8.4 MB): download it instead"
        );
    }

    #[test]
    fn the_options_header_counts_against_the_limit() {
        let mut s = shared(&"a".repeat(MAX_PAYLOAD - 1));
        s.include_unsafe = true;
        let header = "unsafe=true".len();
        assert_eq!(
            link(&s),
            Err(LinkError::TextTooLarge {
                bytes: MAX_PAYLOAD - 1,
                limit: MAX_PAYLOAD - 1 - header
            })
        );
    }

    #[test]
    fn a_text_that_compresses_to_an_overlong_link_gets_none() {
        // Well under the payload limit, but about as long again once encoded.
        let text = format!("# {}\n", incompressible(MAX_LINK + 200_000));
        let Err(LinkError::LinkTooLong { chars, limit }) = link(&shared(&text)) else {
            panic!("a link was made for {} bytes of noise", text.len());
        };
        assert_eq!(limit, MAX_LINK);
        assert!(chars > MAX_LINK, "{chars}");
        // What `link` refuses is longer than the page's address bar and the decoder take.
        assert!(encode(&shared(&text)).len() + 4096 > MAX_FRAGMENT);
        let message = LinkError::LinkTooLong {
            chars: 2_345_678,
            limit: MAX_LINK,
        }
        .to_string();
        assert_eq!(
            message,
            "this text is too large to share as a link (it compresses to 2,345,678 characters; the limit is 2,093,056): download it instead"
        );
    }

    #[test]
    fn every_link_made_opens_and_long_ones_are_longer_than_the_warning_threshold() {
        for len in [0, 1_000, 90_000, 120_000] {
            let text = incompressible(len);
            let link = link(&shared(&text)).unwrap_or_else(|e| panic!("{len}: {e}"));
            assert!(link.len() <= MAX_LINK);
            assert_eq!(decode(&link), Ok(shared(&text)), "{len}");
            assert_eq!(
                link.len() > LONG_LINK,
                len >= 120_000,
                "{len}: {}",
                link.len()
            );
        }
    }

    #[test]
    fn a_draft_holds_texts_larger_than_a_link() {
        let text = "a: 1\n".repeat(MAX_PAYLOAD / 4);
        assert!(matches!(
            link(&shared(&text)),
            Err(LinkError::TextTooLarge { .. })
        ));
        let draft = encode(&shared(&text));
        assert_eq!(decode(&draft), Err(Error::TooLarge));
        assert_eq!(decode_draft(&draft), Ok(shared(&text)));
        // The draft's inflater is bounded too.
        let zeros = vec![b'a'; MAX_DRAFT_PAYLOAD + 1];
        let mut bytes = fnv1a(&zeros).to_be_bytes().to_vec();
        bytes.extend(miniz_oxide::deflate::compress_to_vec(&zeros, 9));
        let mut bomb = PREFIX.to_string();
        base64url(&bytes, &mut bomb);
        assert_eq!(decode_draft(&bomb), Err(Error::TooLarge));
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(227_588), "227,588");
        assert_eq!(thousands(2_093_056), "2,093,056");
    }
}

//! Scalar resolution exactly as Kubernetes reads YAML: go-yaml v2's `resolve` (YAML 1.1 booleans,
//! Go's integer syntax, `!!` tags) followed by sigs.k8s.io/yaml's conversion of keys to JSON strings.
//!
//! Every rule here is a transcription of `gopkg.in/yaml.v2` 2.4 (`resolve.go`, `decode.go`) and
//! `sigs.k8s.io/yaml` (`yaml.go`), and is tested against them by the oracle test
//! (`crates/podsec/tests/yaml_oracle.rs`).

use super::Style;

/// go-yaml's long form of the core schema's tags.
const LONG: &str = "tag:yaml.org,2002:";

/// A scalar's value once resolved, stored with the node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` (go-yaml's `uint64`).
    Uint(u64),
    Float(f64),
    /// The node's text is the value.
    Str,
    /// A merge key (`<<`, plain or tagged `!!merge`).
    Merge,
}

/// A [`Resolved`] in nine bytes of alignment 1, as a node keeps it: beside the node's other small
/// fields it makes a node 64 bytes instead of the 72 that the enum's 8-byte alignment costs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Packed {
    tag: u8,
    bits: [u8; 8],
}

impl Packed {
    /// `Null`, for a collection (usable in a `static`).
    pub(crate) const NULL: Packed = Packed {
        tag: 0,
        bits: [0; 8],
    };

    pub(crate) fn of(value: Resolved) -> Packed {
        let (tag, bits) = match value {
            Resolved::Null => (0, 0),
            Resolved::Bool(b) => (1, u64::from(b)),
            Resolved::Int(i) => (2, i.cast_unsigned()),
            Resolved::Uint(u) => (3, u),
            Resolved::Float(f) => (4, f.to_bits()),
            Resolved::Str => (5, 0),
            Resolved::Merge => (6, 0),
        };
        Packed {
            tag,
            bits: bits.to_le_bytes(),
        }
    }

    pub(crate) fn get(self) -> Resolved {
        let bits = u64::from_le_bytes(self.bits);
        match self.tag {
            1 => Resolved::Bool(bits != 0),
            2 => Resolved::Int(bits.cast_signed()),
            3 => Resolved::Uint(bits),
            4 => Resolved::Float(f64::from_bits(bits)),
            5 => Resolved::Str,
            6 => Resolved::Merge,
            _ => Resolved::Null,
        }
    }
}

/// The resolution of one scalar: its value, whether it depends on YAML 1.1-only rules, and the
/// error go-yaml raises for it (a tag its text cannot satisfy).
pub(crate) struct Resolution {
    pub(crate) value: Resolved,
    pub(crate) yaml11: bool,
    pub(crate) error: Option<String>,
    /// For `!!binary`: the decoded text (bytes that are not UTF-8 become U+FFFD, one per byte, as
    /// Go's JSON encoder writes them).
    pub(crate) binary: Option<String>,
}

/// The long form of a tag as the parser reports it (`!!int` → `tag:yaml.org,2002:int`).
pub(crate) fn long_tag(handle: &str, suffix: &str) -> String {
    if handle == "!!" {
        format!("{LONG}{suffix}")
    } else {
        format!("{handle}{suffix}")
    }
}

/// go-yaml's short form of a tag, used in its messages.
fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// Resolves a scalar as go-yaml v2 decodes it into `interface{}`.
pub(crate) fn resolve(text: &str, style: Style, tag: Option<&str>) -> Resolution {
    let tag = tag.unwrap_or("");
    let ok = |value, yaml11| Resolution {
        value,
        yaml11,
        error: None,
        binary: None,
    };
    // Untagged quoted and block scalars are strings.
    if tag.is_empty() && style != Style::Plain {
        return ok(Resolved::Str, false);
    }
    let short = tag.strip_prefix(LONG);
    if short == Some("merge") || (tag.is_empty() && text == "<<") {
        return ok(Resolved::Merge, false);
    }
    if short == Some("binary") {
        return match base64_decode(text) {
            Some(bytes) => Resolution {
                value: Resolved::Str,
                yaml11: false,
                error: None,
                binary: Some(go_json_lossy(&bytes)),
            },
            None => Resolution {
                value: Resolved::Str,
                yaml11: false,
                error: Some("!!binary value contains invalid base64 data".into()),
                binary: None,
            },
        };
    }
    let resolvable = tag.is_empty()
        || matches!(
            short,
            Some("str" | "bool" | "int" | "float" | "null" | "timestamp")
        );
    if !resolvable {
        // An unknown tag (`!mytag`) leaves the text a string.
        return ok(Resolved::Str, false);
    }
    let (rtag, value, yaml11) = resolve_plain(text, tag);
    let wanted = tag.strip_prefix(LONG).unwrap_or(tag);
    if tag.is_empty() || wanted == rtag || wanted == "str" {
        // A `!!str` tag keeps the text whatever it looks like; a timestamp stays a string.
        let value = if wanted == "str" || rtag == "timestamp" {
            Resolved::Str
        } else {
            value
        };
        return ok(value, yaml11 && wanted != "str");
    }
    if wanted == "float" && rtag == "int" {
        #[allow(clippy::cast_precision_loss)]
        let f = match value {
            Resolved::Int(i) => Some(i as f64),
            _ => None,
        };
        // go-yaml converts int and int64 to float64, but not uint64.
        if let Some(f) = f {
            return ok(Resolved::Float(f), yaml11);
        }
    }
    Resolution {
        value: Resolved::Str,
        yaml11: false,
        error: Some(format!(
            "cannot decode !!{rtag} `{text}` as a {}",
            short_tag(tag)
        )),
        binary: None,
    }
}

/// go-yaml's `resolve` for a resolvable tag: the resolved tag's short name, the value, and whether
/// only YAML 1.1 reads it so.
fn resolve_plain(text: &str, tag: &str) -> (&'static str, Resolved, bool) {
    let short = tag.strip_prefix(LONG);
    let str_tag = short == Some("str");
    let hint = match text.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 || str_tag {
        return ("str", Resolved::Str, false);
    }
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return ("bool", Resolved::Bool(true), true);
        }
        "true" | "True" | "TRUE" => return ("bool", Resolved::Bool(true), false),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return ("bool", Resolved::Bool(false), true);
        }
        "false" | "False" | "FALSE" => return ("bool", Resolved::Bool(false), false),
        "" | "~" | "null" | "Null" | "NULL" => return ("null", Resolved::Null, false),
        ".nan" | ".NaN" | ".NAN" => return ("float", Resolved::Float(f64::NAN), false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ("float", Resolved::Float(f64::INFINITY), false);
        }
        "-.inf" | "-.Inf" | "-.INF" => {
            return ("float", Resolved::Float(f64::NEG_INFINITY), false);
        }
        "<<" => return ("merge", Resolved::Merge, false),
        _ => {}
    }
    match hint {
        b'.' => match go_parse_float(text) {
            Some(f) => ("float", Resolved::Float(f), false),
            None => ("str", Resolved::Str, false),
        },
        b'D' | b'S' => {
            if (tag.is_empty() || short == Some("timestamp")) && is_timestamp(text) {
                return ("timestamp", Resolved::Str, false);
            }
            // Most numbers have no `_`: only those pay for a copy without them.
            let underscores = text.contains('_');
            let plain: std::borrow::Cow<'_, str> = if underscores {
                text.replace('_', "").into()
            } else {
                text.into()
            };
            if let Some(v) = go_parse_int(&plain) {
                return ("int", v, underscores || is_yaml11_int(&plain));
            }
            if is_yaml_style_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return ("float", Resolved::Float(f), underscores);
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if let Ok(i) = i64::from_str_radix(bin, 2) {
                    return ("int", Resolved::Int(i), true);
                }
                if let Ok(u) = u64::from_str_radix(bin, 2) {
                    return ("int", Resolved::Uint(u), true);
                }
            } else if let Some(bin) = plain.strip_prefix("-0b")
                && let Ok(i) = i64::from_str_radix(&format!("-{bin}"), 2)
            {
                return ("int", Resolved::Int(i), true);
            }
            ("str", Resolved::Str, false)
        }
        _ => ("str", Resolved::Str, false),
    }
}

/// Whether a Go integer literal reads differently under YAML 1.2 (`0755` is octal only in 1.1).
fn is_yaml11_int(plain: &str) -> bool {
    let body = plain.trim_start_matches(['+', '-']);
    body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit())
        || body.starts_with("0b")
        || body.starts_with("0B")
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`, on a text without underscores.
fn go_parse_int(s: &str) -> Option<Resolved> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    // `from_str_radix` accepts a sign of its own; Go does not after the prefix.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u64 {
            return i64::try_from(magnitude).ok().map(|m| Resolved::Int(-m));
        }
        return (magnitude == i64::MAX as u64 + 1).then_some(Resolved::Int(i64::MIN));
    }
    Some(match i64::try_from(magnitude) {
        Ok(i) => Resolved::Int(i),
        // ParseUint accepts a leading '+'? No: Go's ParseUint refuses any sign.
        Err(_) if s.starts_with('+') => return None,
        Err(_) => Resolved::Uint(magnitude),
    })
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the texts go-yaml hands it: decimal floats, `inf`/`nan`
/// words, and hexadecimal floats. Out-of-range values are errors in Go.
fn go_parse_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    let neg = s.starts_with('-');
    if s.len() - body.len() > 1 {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity") {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return (s.len() == body.len()).then_some(f64::NAN);
    }
    if lower.starts_with("0x") {
        return None;
    }
    // Go allows underscores only with a base prefix; a decimal float with one fails.
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    // Go reports a range error (and go-yaml then rejects the value) for overflow.
    f.is_finite().then_some(f)
}

/// Whether go-yaml reads a plain scalar as a timestamp (`2001-12-14`, `2001-12-14T21:59:43.10Z`,
/// `2001-12-14 21:59:43.10`): its quick check (four digits then `-`), then Go's `time.Parse` with
/// one of four layouts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let rest = s.get(5..).unwrap_or("");
    // Month and day: one or two digits each.
    let (month, rest) = take_digits(rest, 2);
    let Some(rest) = rest.strip_prefix('-') else {
        return false;
    };
    let (day, rest) = take_digits(rest, 2);
    let (Some(month), Some(day)) = (month, day) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(s, month) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    // The separator is one byte; what follows the date may be any text (`2024-05-01é`).
    if let Some(time) = rest.strip_prefix(['T', 't']) {
        time_of_day(time, true)
    } else if let Some(time) = rest.strip_prefix(' ') {
        time_of_day(time, false)
    } else {
        false
    }
}

fn days_in_month(s: &str, month: u32) -> u32 {
    let year: u32 = s.get(..4).and_then(|y| y.parse().ok()).unwrap_or(1);
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Up to `max` leading digits as a number (at least one), and the rest.
fn take_digits(s: &str, max: usize) -> (Option<u32>, &str) {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return (None, s);
    }
    (
        s.get(..n).and_then(|d| d.parse().ok()),
        s.get(n..).unwrap_or(""),
    )
}

/// `15:4:5.999999999` followed by `Z07:00` (a zone: `Z` or `±hh:mm`) when `zone`, nothing otherwise.
fn time_of_day(s: &str, zone: bool) -> bool {
    let (Some(h), rest) = take_digits(s, 2) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let (Some(m), rest) = take_digits(rest, 2) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let (Some(sec), mut rest) = take_digits(rest, 2) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = frac.get(n..).unwrap_or("");
    }
    if !zone {
        return rest.is_empty();
    }
    if rest == "Z" {
        return true;
    }
    let b = rest.as_bytes();
    b.len() == 6
        && matches!(b.first(), Some(b'+' | b'-'))
        && b.get(1..3)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && b.get(3) == Some(&b':')
        && b.get(4..6)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet; `\r` and `\n` are skipped.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    let mut pad = 0;
    let mut count = 0usize;
    for b in s.bytes() {
        if matches!(b, b'\r' | b'\n') {
            continue;
        }
        count += 1;
        if b == b'=' {
            pad += 1;
            continue;
        }
        if pad > 0 {
            return None;
        }
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    // Whole quanta only, at most two pad characters, and the padding must fit the last quantum.
    if !count.is_multiple_of(4) || pad > 2 || (pad > 0 && (count - pad) % 4 + pad != 4) {
        return None;
    }
    // Go rejects non-zero bits left over in the last quantum? It does not (non-strict).
    Some(out)
}

/// Bytes as Go's `encoding/json` writes a Go string: valid UTF-8 kept, each invalid byte U+FFFD.
fn go_json_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or(""));
                out.push('\u{fffd}');
                rest = bad.get(1..).unwrap_or(&[]);
            }
        }
    }
    out
}

/// A resolved key as sigs.k8s.io/yaml writes it into JSON, or its error.
pub(crate) fn json_key(value: Resolved, text: &str) -> Result<String, String> {
    match value {
        Resolved::Str | Resolved::Merge => Ok(text.to_string()),
        Resolved::Int(i) => Ok(i.to_string()),
        Resolved::Bool(b) => Ok(b.to_string()),
        Resolved::Float(f) => Ok(go_format_float32_g(f)),
        Resolved::Null => Err("Unsupported map key of type: <nil>".into()),
        Resolved::Uint(u) => Err(format!("Unsupported map key of type: uint64, key: {u}")),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's `.inf` / `.nan` spellings.
#[allow(clippy::cast_possible_truncation)]
fn go_format_float32_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f32v > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    if f32v == 0.0 {
        return if f32v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest digits and decimal exponent, from Rust's shortest round-trip `{:e}`.
    let e = format!("{f32v:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if neg { "-" } else { "" };
    // %e is used if the exponent from the conversion is less than -4 or greater than or equal to
    // the precision; for shortest, the precision is 6 (or the digit count if larger: 21 for %e).
    let eprec = if digits.len() > 6 { digits.len() } else { 6 };
    let eprec = i32::try_from(eprec).unwrap_or(21);
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    // Plain decimal.
    let n = i32::try_from(digits.len()).unwrap_or(0);
    if exp >= n - 1 {
        let zeros = usize::try_from(exp - (n - 1)).unwrap_or(0);
        format!("{sign}{digits}{}", "0".repeat(zeros))
    } else if exp >= 0 {
        let point = usize::try_from(exp + 1).unwrap_or(0);
        let (int, frac) = digits.split_at(point.min(digits.len()));
        format!("{sign}{int}.{frac}")
    } else {
        let zeros = usize::try_from(-exp - 1).unwrap_or(0);
        format!("{sign}0.{}{digits}", "0".repeat(zeros))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A node's packed value reads back as the value it packed, every variant and edge included.
    #[test]
    fn a_packed_value_reads_back() {
        let values = [
            Resolved::Null,
            Resolved::Bool(false),
            Resolved::Bool(true),
            Resolved::Int(0),
            Resolved::Int(-1),
            Resolved::Int(i64::MIN),
            Resolved::Int(i64::MAX),
            Resolved::Uint(u64::MAX),
            Resolved::Float(-0.0),
            Resolved::Float(f64::INFINITY),
            Resolved::Float(1.5e300),
            Resolved::Str,
            Resolved::Merge,
        ];
        for v in values {
            assert_eq!(Packed::of(v).get(), v);
        }
        let Resolved::Float(nan) = Packed::of(Resolved::Float(f64::NAN)).get() else {
            panic!("NaN did not stay a float");
        };
        assert!(nan.is_nan());
        assert_eq!(std::mem::align_of::<Packed>(), 1);
        assert_eq!(std::mem::size_of::<Packed>(), 9);
    }

    fn plain(text: &str) -> Resolved {
        resolve(text, Style::Plain, None).value
    }

    #[test]
    fn integers_read_as_go_reads_them() {
        assert_eq!(plain("0X1F"), Resolved::Int(31));
        assert_eq!(plain("0O7"), Resolved::Int(7));
        assert_eq!(plain("0B1"), Resolved::Int(1));
        assert_eq!(plain("-0b11"), Resolved::Int(-3));
        assert_eq!(plain("010"), Resolved::Int(8));
        assert_eq!(plain("08"), Resolved::Float(8.0));
        assert_eq!(plain("1__0"), Resolved::Int(10));
        assert_eq!(plain("0x"), Resolved::Str);
        assert_eq!(plain("+0x1F"), Resolved::Int(31));
        assert_eq!(plain("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(plain("-9223372036854775808"), Resolved::Int(i64::MIN));
        assert_eq!(
            plain("18446744073709551616"),
            Resolved::Float(18_446_744_073_709_551_616.0)
        );
        assert_eq!(plain("2001-12-14"), Resolved::Str);
        assert_eq!(plain("190:20:30"), Resolved::Str);
    }

    #[test]
    fn tags_resolve_or_fail_as_go_yaml_does() {
        let tagged = |text, style, tag: &str| resolve(text, style, Some(tag));
        let int = format!("{LONG}int");
        assert_eq!(
            tagged("0", Style::DoubleQuoted, &int).value,
            Resolved::Int(0)
        );
        assert_eq!(
            tagged("true", Style::DoubleQuoted, &format!("{LONG}bool")).value,
            Resolved::Bool(true)
        );
        assert_eq!(tagged("true", Style::Plain, "!mytag").value, Resolved::Str);
        assert_eq!(
            tagged("12abc", Style::Plain, &int).error.as_deref(),
            Some("cannot decode !!str `12abc` as a !!int")
        );
        assert_eq!(
            tagged("1", Style::Plain, &format!("{LONG}float")).value,
            Resolved::Float(1.0)
        );
        assert_eq!(
            tagged("aGVsbG8=", Style::Plain, &format!("{LONG}binary")).binary,
            Some("hello".into())
        );
        assert_eq!(
            tagged("////", Style::Plain, &format!("{LONG}binary")).binary,
            Some("\u{fffd}\u{fffd}\u{fffd}".into())
        );
    }

    #[test]
    fn float_keys_are_written_as_go_formats_float32() {
        assert_eq!(go_format_float32_g(1000.0), "1000");
        assert_eq!(go_format_float32_g(1.5), "1.5");
        assert_eq!(go_format_float32_g(1e7), "1e+07");
        assert_eq!(go_format_float32_g(0.0001), "0.0001");
        assert_eq!(go_format_float32_g(0.00001), "1e-05");
        assert_eq!(go_format_float32_g(0.1), "0.1");
    }
}

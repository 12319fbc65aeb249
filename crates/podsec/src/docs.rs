//! The registry rendered for people: `CHECKS.md`, `podsec explain <id>`, and the options an
//! example asks for.
//!
//! Docs are data (see [`crate::check::Docs`]); this module only formats them, so the CLI, the web
//! app and the generated file always say the same thing.

use std::fmt::Write as _;

use crate::check::{self, Check};
use crate::fix::FixAvailability;
use crate::model::{FindingLevel, Options, PssLevel, Runtime, Version};

/// Where "Try it" links point by default: the playground as `cargo xtask serve` serves it. A
/// hosted copy is one static directory; `podsec explain --playground URL` points links at it.
pub const PLAYGROUND_URL: &str = "http://127.0.0.1:8080/";

/// The marker of an example's first line that sets the options it is analysed with, e.g.
/// `# podsec: --level baseline --version v1.18`.
pub const OPTIONS_MARKER: &str = "# podsec:";

/// The options an example (or any manifest) asks for in a first-line `# podsec: ...` comment;
/// the defaults otherwise. Unknown flags are ignored, so a typo cannot make docs unreadable; the
/// registry tests reject them.
#[must_use]
pub fn example_options(yaml: &str) -> Options {
    parse_flags(example_flags(yaml)).0
}

/// The options a check's Example or Use instead is analysed with: the check's own level for Pod
/// Security Standards checks (the newest version), then the flags of the first-line `# podsec:`
/// comment, and the check itself enabled (hardening rules may be off by default). Returns the
/// flags it did not understand too.
#[must_use]
pub fn options_for(check: &Check, yaml: &str) -> (Options, Vec<String>) {
    let mut flags = String::new();
    match check.level {
        FindingLevel::Baseline => flags.push_str("--level baseline "),
        FindingLevel::Restricted => flags.push_str("--level restricted "),
        _ => {}
    }
    flags.push_str(example_flags(yaml));
    let (mut o, unknown) = parse_flags(&flags);
    if !o.enable_rules.iter().any(|id| id == check.id) {
        o.enable_rules.push(check.id.to_string());
    }
    (o, unknown)
}

/// The flags of an example's first-line `# podsec:` comment (empty when there is none).
#[must_use]
pub fn example_flags(yaml: &str) -> &str {
    yaml.lines()
        .next()
        .and_then(|l| l.trim().strip_prefix(OPTIONS_MARKER))
        .map_or("", str::trim)
}

/// Parses command-line style flags into options: `--level L`, `--version V`, `--runtime R`,
/// `--kube 1.N`, `--seccomp-default`, `--no-apparmor`, `--image-user NAME=USER`, `--min-uid N`,
/// `--enable ID`, `--disable ID`. Returns the options and the flags it did not understand.
#[must_use]
pub fn parse_flags(flags: &str) -> (Options, Vec<String>) {
    let mut o = Options::default();
    let mut unknown = Vec::new();
    let mut words = flags.split_whitespace();
    while let Some(flag) = words.next() {
        let ok = match flag {
            "--seccomp-default" => {
                o.seccomp_default = true;
                true
            }
            "--no-apparmor" => {
                o.apparmor_enabled = false;
                true
            }
            "--level" | "--version" | "--runtime" | "--kube" | "--image-user" | "--min-uid"
            | "--enable" | "--disable" => {
                let value = words.next().unwrap_or("");
                apply(&mut o, flag, value)
            }
            _ => false,
        };
        if !ok {
            unknown.push(flag.to_string());
        }
    }
    (o, unknown)
}

fn apply(o: &mut Options, flag: &str, value: &str) -> bool {
    match flag {
        "--level" => PssLevel::parse(value).map(|l| o.level = l).is_some(),
        "--version" => Version::parse(value).map(|v| o.version = v).is_some(),
        "--runtime" => Runtime::parse(value).map(|r| o.runtime = r).is_some(),
        "--kube" => value
            .strip_prefix("1.")
            .and_then(|m| m.parse().ok())
            .map(|m| o.kube_minor = Some(m))
            .is_some(),
        "--image-user" => value
            .split_once('=')
            .map(|(n, u)| o.image_users.push((n.to_string(), u.to_string())))
            .is_some(),
        "--min-uid" => value.parse().ok().map(|n| o.min_uid = Some(n)).is_some(),
        "--enable" => {
            o.enable_rules.push(value.to_string());
            !value.is_empty()
        }
        "--disable" => {
            o.disable_rules.push(value.to_string());
            !value.is_empty()
        }
        _ => false,
    }
}

/// The playground permalink fragment (without `#`) that opens a check's Example analysed with the
/// options it asks for (see [`options_for`]), so the playground shows the finding at once; `None`
/// if the example were too large for a link (none is).
#[must_use]
pub fn try_it_fragment(c: &Check) -> Option<String> {
    let text = c.docs.example;
    crate::permalink::link(&crate::permalink::Shared {
        text: text.to_string(),
        options: options_for(c, text).0,
        include_unsafe: false,
    })
    .ok()
}

fn fix_label(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::Always => "always",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::None => "none",
    }
}

/// The Markdown anchor GitHub gives a `## \`id\`` heading.
fn anchor(id: &str) -> String {
    id.chars()
        .filter_map(|c| match c {
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// One check as Markdown, headed at `level` (`#` count); its Example links to the playground at
/// `playground`.
fn render(out: &mut String, c: &Check, heading: usize, playground: &str) {
    let h = "#".repeat(heading);
    let sub = "#".repeat(heading + 1);
    let d = &c.docs;
    let _ = writeln!(out, "{h} `{}`\n", c.id);
    let _ = writeln!(out, "{}.\n", capitalise(c.summary));
    let _ = writeln!(
        out,
        "Level: {} · On by default: {} · Fix: {}\n",
        c.level.as_str(),
        if c.default_on { "yes" } else { "no" },
        fix_label(c.fix)
    );
    let section = |out: &mut String, title: &str, body: &str| {
        if !body.trim().is_empty() {
            let _ = writeln!(out, "{sub} {title}\n\n{}\n", body.trim_end());
        }
    };
    section(out, "What it does", d.what);
    section(out, "Why it matters", d.why);
    let _ = writeln!(
        out,
        "{sub} Example\n\n```yaml\n{}\n```\n",
        d.example.trim_end()
    );
    if let Some(fragment) = try_it_fragment(c) {
        let _ = writeln!(out, "[Try it in the playground]({playground}#{fragment})\n");
    }
    let _ = writeln!(
        out,
        "{sub} Use instead\n\n```yaml\n{}\n```\n",
        d.use_instead.trim_end()
    );
    section(out, "Fix safety", d.fix_safety);
    section(out, "Policy history", d.policy);
    if !d.references.is_empty() {
        let _ = writeln!(out, "{sub} References\n");
        for r in d.references {
            let _ = writeln!(out, "- {r}");
        }
        out.push('\n');
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `CHECKS.md`: every check of every level, with a table of contents.
#[must_use]
pub fn checks_markdown() -> String {
    let all = check::all();
    let mut out = String::new();
    out.push_str("# Checks\n\n");
    out.push_str(
        "<!-- Generated by `cargo xtask docs` from the check registry; do not edit. -->\n\n",
    );
    out.push_str("Every check podsec runs, grouped by level.\n");
    out.push_str("Pod Security Standards checks keep upstream Pod Security Admission's IDs; the others are named after the pattern they flag.\n");
    out.push_str("An example whose first line is a `# podsec:` comment is analysed with those command-line options.\n");
    let _ = writeln!(
        out,
        "Each example's \"Try it\" link opens it in the playground served by `cargo xtask serve` ({PLAYGROUND_URL}); for a hosted copy, replace that address.\n"
    );
    let mut levels: Vec<FindingLevel> = all.iter().map(|c| c.level).collect();
    levels.dedup();
    for level in &levels {
        let _ = writeln!(out, "- {}", crate::examples::level_heading(*level));
        for c in all.iter().filter(|c| c.level == *level) {
            let _ = writeln!(out, "  - [`{}`](#{}): {}", c.id, anchor(c.id), c.summary);
        }
    }
    out.push('\n');
    for level in levels {
        let _ = writeln!(out, "## {}\n", crate::examples::level_heading(level));
        for c in all.iter().filter(|c| c.level == level) {
            render(&mut out, c, 3, PLAYGROUND_URL);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `podsec explain <id>`: one check's docs as Markdown, or `None` for an unknown ID. Its "Try it"
/// link points at the playground at `playground` (e.g. [`PLAYGROUND_URL`]).
#[must_use]
pub fn explain(id: &str, playground: &str) -> Option<String> {
    let c = check::find(id)?;
    let mut out = String::new();
    render(&mut out, c, 1, playground);
    while out.ends_with("\n\n") {
        out.pop();
    }
    Some(out)
}

/// The learner's texts the playground fetches on demand (`web/assets/learner-text.json`): per
/// check ID its docs (`what`, `why`, `useInstead`, `fixSafety`, `policy`, `references`) and its
/// "Try it" fragment (`tryIt`, see [`try_it_fragment`]), and per lesson ID its prose
/// (`explanation`, `learned`, `hints`), so that the playground's wasm, built without the
/// `learner-text` feature, carries none of them. One line per check or lesson, in registry and
/// track order; `crates/podsec/tests/learner_text.rs` keeps the committed file equal to this.
#[cfg(feature = "learner-text")]
#[must_use]
pub fn learner_text_json() -> String {
    let mut out = String::from("{\"checks\": {");
    for (i, c) in check::all().iter().enumerate() {
        let d = &c.docs;
        let try_it = try_it_fragment(c).unwrap_or_default();
        let fields = [
            ("what", d.what),
            ("why", d.why),
            ("useInstead", d.use_instead),
            ("fixSafety", d.fix_safety),
            ("policy", d.policy),
            ("tryIt", try_it.as_str()),
        ];
        json_entry(&mut out, i, c.id, &fields, ("references", d.references));
    }
    out.push_str("\n}, \"lessons\": {");
    for (i, l) in crate::lessons::all().iter().enumerate() {
        let fields = [("explanation", l.explanation), ("learned", l.learned)];
        json_entry(&mut out, i, l.id, &fields, ("hints", l.hints));
    }
    out.push_str("\n}}\n");
    out
}

/// Appends the `i`th entry of a JSON object on a line of its own: `"id": {"key": "value", ...,
/// "list": ["item", ...]}`.
#[cfg(feature = "learner-text")]
fn json_entry(
    out: &mut String,
    i: usize,
    id: &str,
    fields: &[(&str, &str)],
    (list, items): (&str, &[&str]),
) {
    out.push_str(if i == 0 { "\n" } else { ",\n" });
    json_string(out, id);
    out.push_str(": {");
    for (key, value) in fields {
        json_string(out, key);
        out.push_str(": ");
        json_string(out, value);
        out.push_str(", ");
    }
    json_string(out, list);
    out.push_str(": [");
    for (j, item) in items.iter().enumerate() {
        if j > 0 {
            out.push_str(", ");
        }
        json_string(out, item);
    }
    out.push_str("]}");
}

/// Appends `s` as a JSON string.
#[cfg(feature = "learner-text")]
fn json_string(out: &mut String, s: &str) {
    out.push_str(&crate::yaml::json_quoted(s));
}

#[cfg(all(test, feature = "learner-text"))]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let (o, unknown) = parse_flags(
            "--level baseline --version v1.18 --runtime cri-o --kube 1.26 --seccomp-default --image-user app=0 --min-uid 500 --enable low-uid --bogus",
        );
        assert_eq!(o.level, PssLevel::Baseline);
        assert_eq!(o.version, Version::Minor(18));
        assert_eq!(o.runtime, Runtime::CriO);
        assert_eq!(o.kube_minor, Some(26));
        assert!(o.seccomp_default);
        assert_eq!(o.image_users, [("app".to_string(), "0".to_string())]);
        assert_eq!(o.min_uid, Some(500));
        assert_eq!(o.enable_rules, ["low-uid"]);
        assert_eq!(unknown, ["--bogus"]);
        assert_eq!(
            example_flags("# podsec: --level privileged\nkind: Pod\n"),
            "--level privileged"
        );
        assert_eq!(example_flags("kind: Pod\n"), "");
    }

    #[test]
    fn explain_known_and_unknown() {
        let text = explain("writable-root-filesystem", PLAYGROUND_URL).unwrap_or_default();
        assert!(text.starts_with("# `writable-root-filesystem`\n"), "{text}");
        assert!(text.contains("## Fix safety"));
        assert!(explain("no-such-check", PLAYGROUND_URL).is_none());
        let hosted = explain("writable-root-filesystem", "https://example.org/podsec/");
        assert!(hosted.is_some_and(|t| {
            t.contains("[Try it in the playground](https://example.org/podsec/#")
        }),);
    }

    /// Every check's "Try it" link opens its Example, with the options it asks for, and the
    /// playground then shows that check's finding.
    #[test]
    fn try_it_links_open_the_example_with_its_finding() {
        for c in check::all() {
            let Some(fragment) = try_it_fragment(c) else {
                panic!("{}: no Try it link", c.id);
            };
            let shared = crate::permalink::decode(&fragment)
                .unwrap_or_else(|e| panic!("{}: the link does not open: {e:?}", c.id));
            assert_eq!(shared.text, c.docs.example, "{}", c.id);
            let options = options_for(c, c.docs.example).0;
            assert_eq!(shared.options, options, "{}", c.id);
            let analysis = crate::analyze(&shared.text, &shared.options);
            let found = analysis
                .objects
                .iter()
                .flat_map(|o| &o.findings)
                .any(|f| f.check == c.id);
            assert!(found, "{}: the linked example shows no finding of it", c.id);
        }
    }

    #[test]
    fn anchors() {
        assert_eq!(anchor("capabilities_restricted"), "capabilities_restricted");
        assert_eq!(anchor("runAsNonRoot"), "runasnonroot");
    }
}

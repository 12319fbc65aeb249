//! The playground's state: the user's inputs, the messages that change them, and a pure `update`.
//!
//! Only inputs live here (the text, the options, which panel is open, the theme). Everything
//! derived from them (the analysis, the hardened text, the permalink) is computed from a `Model` by
//! the view, so it can never go stale. Nothing here touches the browser, so these tests run
//! natively with `cargo test -p podsec-web`.

use std::rc::Rc;

use podsec::permalink::Shared;
use std::collections::BTreeSet;

use podsec::{FindingLevel, Options, PssLevel, Runtime, Version};

/// The manifest shown on first load.
pub const EXAMPLE: &str = podsec::examples::SEED.yaml;

/// The panel shown beside the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    /// Findings and verdicts.
    #[default]
    Findings,
    /// The effective security context of every container.
    Effective,
    /// The hardened rewrite, side by side.
    Hardened,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Tab; 3] = [Tab::Findings, Tab::Effective, Tab::Hardened];

    /// The tab's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Tab::Findings => "Findings",
            Tab::Effective => "Effective context",
            Tab::Hardened => "Hardened",
        }
    }

    /// The tab a key moves to from this one in the tab list, as the WAI-ARIA tabs pattern has it:
    /// the arrows move to the neighbour (wrapping around), Home and End to the first and last.
    #[must_use]
    pub fn step(self, key: &str) -> Option<Tab> {
        let all = Tab::ALL;
        let i = all.iter().position(|t| *t == self)?;
        let n = all.len();
        let to = match key {
            "ArrowRight" => (i + 1) % n,
            "ArrowLeft" => (i + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return None,
        };
        all.get(to).copied()
    }

    /// A stable identifier for ids and tests.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Tab::Findings => "findings",
            Tab::Effective => "effective",
            Tab::Hardened => "hardened",
        }
    }
}

/// Separates a permalink from the panel shown in the page's fragment: `v1:…~hardened`. (The
/// permalink itself is base64url, which never holds it.)
const TAB_MARK: char = '~';

/// The page's fragment for a permalink and the panel shown (the findings panel, the default, is
/// left out).
#[must_use]
pub fn join_fragment(link: &str, tab: Tab) -> String {
    if tab == Tab::default() || link.is_empty() {
        link.to_string()
    } else {
        format!("{link}{TAB_MARK}{}", tab.id())
    }
}

/// The permalink and the panel in a page's fragment (see [`join_fragment`]); an unknown panel is
/// ignored.
#[must_use]
pub fn split_fragment(fragment: &str) -> (&str, Option<Tab>) {
    match fragment.rsplit_once(TAB_MARK) {
        Some((link, tab)) => (link, Tab::ALL.into_iter().find(|t| t.id() == tab)),
        None => (fragment, None),
    }
}

/// How the findings of an object are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    /// By level, most severe first.
    #[default]
    Level,
    /// By check.
    Check,
    /// By container (the pod's own findings first).
    Container,
}

impl Grouping {
    /// Every grouping, in menu order.
    pub const ALL: [Grouping; 3] = [Grouping::Level, Grouping::Check, Grouping::Container];

    /// The menu's value and label.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Level => "level",
            Grouping::Check => "check",
            Grouping::Container => "container",
        }
    }

    /// Parses [`Grouping::as_str`]'s spelling.
    #[must_use]
    pub fn parse(s: &str) -> Option<Grouping> {
        Grouping::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Theme {
    /// Whatever the system prefers.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    /// Every theme, in display order.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The name used in the `data-theme` attribute and the menu.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses [`Theme::as_str`]'s spelling.
    #[must_use]
    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A message for the user: one that reports a problem or offers an action stays until the next
/// one or until dismissed; others expire after a few seconds (see [`Notice::expires`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// Whether it reports a problem.
    pub error: bool,
    /// A button it offers.
    pub action: Option<Action>,
}

impl Notice {
    /// A notice that reports a problem.
    #[must_use]
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            error: true,
            action: None,
        }
    }

    /// A notice that tells something.
    #[must_use]
    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            error: false,
            action: None,
        }
    }

    /// Whether it goes away by itself.
    #[must_use]
    pub fn expires(&self) -> bool {
        !self.error && self.action.is_none()
    }
}

/// A button a notice offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Bring back the text an example replaced ([`Msg::Undo`]).
    Undo,
    /// Analyse a text the page did not analyse by itself ([`Msg::Analyse`]).
    Analyse,
}

impl Action {
    /// The button's label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Action::Undo => "Undo",
            Action::Analyse => "Analyse it",
        }
    }

    /// What the button does.
    #[must_use]
    pub fn msg(self) -> Msg {
        match self {
            Action::Undo => Msg::Undo,
            Action::Analyse => Msg::Analyse,
        }
    }
}

/// The editor's text as last settled, shared without copying and compared by identity: every
/// edit that changes it makes a new one, so the hooks and components that depend on the text
/// compare a pointer, never megabytes.
#[derive(Clone, Debug)]
pub struct Text(Rc<str>);

impl Text {
    /// The shared text itself.
    #[must_use]
    pub fn rc(&self) -> &Rc<str> {
        &self.0
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Rc<str>> for Text {
    fn from(text: Rc<str>) -> Self {
        Text(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Rc::from(text))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Rc::from(text))
    }
}

/// What the user has entered.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The manifest text, as last settled (typing is debounced before it lands here).
    pub text: Text,
    /// The analysis options chosen.
    pub options: Options,
    /// Whether the hardened rewrite includes unsafe edits.
    pub include_unsafe: bool,
    /// The panel shown.
    pub tab: Tab,
    /// The colour scheme.
    pub theme: Theme,
    /// Bumped whenever the text is replaced from outside the editor (an example, a link), so the
    /// view knows to write it into the editor; typing never bumps it, which keeps the editor's undo.
    pub revision: u32,
    /// Bumped when the user replaces the whole text in the editor (a paste or a keystroke over all
    /// of it; the editor keeps its undo). While a text does not parse, the results of the last
    /// one that did are shown, marked stale, only if it is of the same revision and lineage: the
    /// results of a text pasted over say nothing about the one pasted in.
    pub lineage: u32,
    /// The file the text was opened from, if it was: what the page saves it as.
    pub origin: Origin,
    /// The last message for the user.
    pub notice: Option<Notice>,
    /// The gallery example the text is, until the user changes it (the gallery shows it, so that
    /// the arrow keys step through the examples from there).
    pub example: Option<&'static str>,
    /// The text an example replaced, until the user undoes it or changes the text again.
    pub replaced: Option<Text>,
    /// Whether analysis waits for the user: the previous visit stopped while analysing this text,
    /// so it may be what stopped it.
    pub paused: bool,
    /// How the findings panel groups each object's findings.
    pub grouping: Grouping,
    /// The levels whose findings the findings panel hides.
    pub hidden: BTreeSet<FindingLevel>,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            text: Text::from(EXAMPLE),
            options: Options::default(),
            include_unsafe: false,
            tab: Tab::default(),
            theme: Theme::default(),
            revision: 0,
            lineage: 0,
            origin: Origin::default(),
            notice: None,
            example: Some(podsec::examples::SEED.id),
            replaced: None,
            paused: false,
            grouping: Grouping::default(),
            hidden: BTreeSet::new(),
        }
    }
}

impl Model {
    /// The part of the state a permalink or a saved draft holds.
    #[must_use]
    pub fn shared(&self) -> Shared {
        Shared {
            text: self.text.to_string(),
            options: self.options.clone(),
            include_unsafe: self.include_unsafe,
        }
    }
}

/// One user intent.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// The user typed: the editor already shows this text.
    Edit(Rc<str>),
    /// The user replaced the whole text in the editor (see [`Model::lineage`]): the editor already
    /// shows this text.
    EditAll(Rc<str>),
    /// Replace the text with a gallery example (by id); options stay.
    Load(&'static str),
    /// Replace the text with a file the user opened or dropped (its name and its text); options
    /// stay.
    Open(String, String),
    /// Restore a shared state (a permalink or the saved draft), with a message about it.
    Restore(Shared, Option<Notice>),
    /// A Pod Security Standards level was chosen.
    SetLevel(PssLevel),
    /// A policy version was chosen.
    SetVersion(Version),
    /// A container runtime was chosen.
    SetRuntime(Runtime),
    /// A cluster version was chosen (`None`: the newest modelled).
    SetKube(Option<u32>),
    /// Unsafe edits were switched on or off.
    SetUnsafe(bool),
    /// A panel was chosen.
    SetTab(Tab),
    /// A colour scheme was chosen.
    SetTheme(Theme),
    /// Tell the user something.
    Notify(Notice),
    /// Hide the message.
    Dismiss,
    /// Hide this message if it is still shown (its time is up).
    Expire(Notice),
    /// Bring back the text the last example replaced.
    Undo,
    /// Analyse the text after all (see [`Model::paused`]).
    Analyse,
    /// Open the text without analysing it, saying why.
    Pause,
    /// The request's namespace was typed (empty: none given).
    SetNamespace(String),
    /// The requesting user was typed (empty: none given).
    SetUsername(String),
    /// The admission configuration was typed (blank: none).
    SetAdmissionConfig(String),
    /// Group the findings this way.
    SetGrouping(Grouping),
    /// Show (true) or hide the findings of a level.
    ShowLevel(FindingLevel, bool),
}

/// A size in bytes as people read it: `812 bytes`, `14.2 KB`, `1.9 MB`.
#[must_use]
pub fn human_size(bytes: usize) -> String {
    // Precision is irrelevant at these magnitudes.
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if bytes < 1000 {
        format!("{bytes} bytes")
    } else if bytes < 1_000_000 {
        format!("{} KB", fixed(b / 1e3, 1))
    } else {
        format!("{} MB", fixed(b / 1e6, 1))
    }
}

/// `x` rounded to `decimals` places (0 to 3), as `format!("{x:.1}")` writes it for the sizes and
/// times the page shows, without the standard library's float formatting with a precision (the
/// page's wasm was 1.9 KB brotli larger with it). Not finite: `0`.
#[must_use]
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10u32.pow(decimals.min(3));
    let scaled = (x * f64::from(scale)).round();
    if !scaled.is_finite() {
        return "0".to_string();
    }
    // Rounded and finite; times and sizes are far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let n = scaled as i64;
    let sign = if n < 0 { "-" } else { "" };
    let (whole, part) = (
        n.unsigned_abs() / u64::from(scale),
        n.unsigned_abs() % u64::from(scale),
    );
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{part:0width$}",
            width = decimals.min(3) as usize
        )
    }
}

/// A typed input as an option: blank means not given.
fn given(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.to_string())
}

/// The file a text was opened from, for what the page saves: its name, and whether its lines
/// ended in CRLF. The editors keep lines, not line-break characters (a textarea and CodeMirror both
/// read CRLF as LF), so the page's copy has LF; downloads write the file's own endings back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file's name, when the text came from a file.
    pub name: Option<Rc<str>>,
    /// Whether every line break of the file was CRLF.
    pub crlf: bool,
}

impl Origin {
    /// The origin of a file's text.
    #[must_use]
    pub fn of(name: &str, text: &str) -> Origin {
        let bytes = text.as_bytes();
        let crlf = text.contains("\r\n")
            && bytes.iter().enumerate().all(|(i, &b)| match b {
                b'\r' => bytes.get(i + 1) == Some(&b'\n'),
                b'\n' => i > 0 && bytes.get(i - 1) == Some(&b'\r'),
                _ => true,
            });
        Origin {
            name: Some(Rc::from(name)),
            crlf,
        }
    }

    /// The name the text is downloaded as: the file's own, or `manifest.yaml`.
    #[must_use]
    pub fn manifest_name(&self) -> String {
        self.name.as_deref().unwrap_or("manifest.yaml").to_string()
    }

    /// The name the hardened rewrite is downloaded as: `NAME.hardened.EXT` beside the file's own
    /// name (`deploy.hardened.yaml`), or `hardened.yaml`.
    #[must_use]
    pub fn hardened_name(&self) -> String {
        match self.name.as_deref() {
            Some(name) => match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("{stem}.hardened.{ext}"),
                _ => format!("{name}.hardened"),
            },
            None => "hardened.yaml".to_string(),
        }
    }

    /// A text as the file would hold it: with CRLF line endings if the file had them.
    #[must_use]
    pub fn saved<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if !self.crlf {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + text.len() / 16);
        let mut previous = '\0';
        for c in text.chars() {
            if c == '\n' && previous != '\r' {
                out.push('\r');
            }
            out.push(c);
            previous = c;
        }
        std::borrow::Cow::Owned(out)
    }
}

/// The text as the user edited it in the editor.
fn edit(next: &mut Model, text: Rc<str>) {
    if *next.text != *text {
        next.text = Text::from(text);
        next.example = None;
        next.paused = false;
        next.replaced = None;
    }
}

/// The model after `msg`.
#[must_use]
pub fn update(model: &Model, msg: Msg) -> Model {
    let mut next = model.clone();
    match msg {
        Msg::Edit(text) => edit(&mut next, text),
        Msg::EditAll(text) => {
            if *next.text != *text {
                next.lineage = next.lineage.wrapping_add(1);
            }
            edit(&mut next, text);
        }
        Msg::Load(id) => {
            if let Some(example) = podsec::examples::find(id) {
                // Another example replaces nothing worth keeping; the user's own text is kept.
                if model.example.is_none() && !model.text.trim().is_empty() {
                    next.replaced = Some(model.text.clone());
                    next.notice = Some(Notice {
                        text: format!(
                            "Loaded the example \u{201c}{}\u{201d} in place of your text ({}).",
                            example.title,
                            human_size(model.text.len())
                        ),
                        error: false,
                        action: Some(Action::Undo),
                    });
                } else if model
                    .notice
                    .as_ref()
                    .is_some_and(|n| n.action == Some(Action::Undo))
                {
                    // Stepping through the gallery keeps the way back to the user's text.
                    if let Some(notice) = &mut next.notice {
                        notice.text = format!(
                            "Loaded the example \u{201c}{}\u{201d} in place of your text.",
                            example.title
                        );
                    }
                }
                next.text = Text::from(example.yaml);
                next.example = Some(example.id);
                next.origin = Origin::default();
                next.revision = next.revision.wrapping_add(1);
                next.paused = false;
            }
        }
        Msg::Undo => {
            if let Some(text) = next.replaced.take() {
                next.text = text;
                next.example = None;
                next.revision = next.revision.wrapping_add(1);
                next.notice = Some(Notice::info("Your text is back."));
            }
        }
        Msg::Analyse => {
            next.paused = false;
            next.notice = None;
        }
        Msg::Pause => {
            next.paused = true;
            next.notice = Some(Notice {
                text:
                    "The last visit stopped while analysing this text, so it is not analysed now. \
                       Edit it, load an example, or analyse it anyway."
                        .to_string(),
                error: true,
                action: Some(Action::Analyse),
            });
        }
        Msg::Open(name, text) => {
            let size = text.len();
            next.origin = Origin::of(&name, &text);
            next.text = Text::from(text);
            next.example = None;
            next.revision = next.revision.wrapping_add(1);
            next.paused = false;
            next.replaced = None;
            next.notice = Some(Notice::info(format!(
                "Opened {name} ({}). It stays in this browser.{}",
                human_size(size),
                if next.origin.crlf {
                    " Its Windows line endings (CRLF) read as plain line breaks here; Download writes them back."
                } else {
                    ""
                }
            )));
        }
        Msg::Restore(shared, notice) => {
            // A link opened over the user's own text (pasted into the address bar, or a check's
            // "Try it") keeps that text to undo, as an example does: Back alone cannot bring back
            // a text too large for a link.
            let own = model.example.is_none()
                && !model.text.trim().is_empty()
                && *model.text != *shared.text;
            next.example = podsec::examples::EXAMPLES
                .iter()
                .find(|e| e.yaml == shared.text)
                .map(|e| e.id);
            next.text = Text::from(shared.text);
            next.origin = Origin::default();
            next.options = shared.options;
            next.include_unsafe = shared.include_unsafe;
            next.revision = next.revision.wrapping_add(1);
            next.notice = notice;
            next.paused = false;
            next.replaced = None;
            if let Some(n) = next.notice.as_mut().filter(|n| own && n.action.is_none()) {
                n.action = Some(Action::Undo);
                next.replaced = Some(model.text.clone());
            }
        }
        Msg::SetLevel(level) => next.options.level = level,
        Msg::SetVersion(version) => next.options.version = version,
        Msg::SetRuntime(runtime) => next.options.runtime = runtime,
        Msg::SetKube(minor) => next.options.kube_minor = minor,
        Msg::SetUnsafe(on) => next.include_unsafe = on,
        Msg::SetTab(tab) => next.tab = tab,
        Msg::SetTheme(theme) => next.theme = theme,
        Msg::SetNamespace(text) => next.options.namespace = given(text.trim()),
        Msg::SetUsername(text) => next.options.username = given(text.trim()),
        Msg::SetAdmissionConfig(text) => next.options.admission_config = given(&text),
        Msg::SetGrouping(grouping) => next.grouping = grouping,
        Msg::ShowLevel(level, true) => {
            next.hidden.remove(&level);
        }
        Msg::ShowLevel(level, false) => {
            next.hidden.insert(level);
        }
        Msg::Notify(notice) => next.notice = Some(notice),
        Msg::Dismiss => next.notice = None,
        Msg::Expire(notice) => {
            if next.notice.as_ref() == Some(&notice) {
                next.notice = None;
            }
        }
    }
    next
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_level_hidden_then_shown_is_shown_and_the_grouping_sticks() {
        let m = update(
            &Model::default(),
            Msg::ShowLevel(FindingLevel::Warning, false),
        );
        assert!(m.hidden.contains(&FindingLevel::Warning));
        let m = update(&m, Msg::SetGrouping(Grouping::Check));
        let m = update(&m, Msg::ShowLevel(FindingLevel::Warning, true));
        assert!(m.hidden.is_empty());
        assert_eq!(m.grouping, Grouping::Check);
        assert_eq!(Grouping::parse("container"), Some(Grouping::Container));
        assert_eq!(Grouping::parse("nope"), None);
    }

    use super::*;

    fn notice(text: &str) -> Notice {
        Notice::info(text)
    }

    #[test]
    fn starts_with_the_seed_example_at_restricted_latest() {
        let model = Model::default();
        assert_eq!(&*model.text, EXAMPLE);
        assert_eq!(model.options.level, PssLevel::Restricted);
        assert_eq!(model.options.version, Version::Latest);
        assert_eq!(model.tab, Tab::Findings);
        assert!(!model.include_unsafe);
        assert_eq!(model.notice, None);
    }

    #[test]
    fn typing_changes_the_text_but_not_the_revision() {
        let model = update(&Model::default(), Msg::SetLevel(PssLevel::Baseline));
        let edited = update(&model, Msg::Edit("kind: Pod\n".into()));
        assert_eq!(&*edited.text, "kind: Pod\n");
        assert_eq!(edited.options, model.options);
        assert_eq!(edited.revision, model.revision);
        assert_eq!(edited.lineage, model.lineage);
    }

    #[test]
    fn replacing_the_whole_text_starts_a_new_lineage() {
        let model = update(&Model::default(), Msg::SetLevel(PssLevel::Baseline));
        let pasted = update(&model, Msg::EditAll("kind: Pod\n".into()));
        assert_eq!(&*pasted.text, "kind: Pod\n");
        assert_eq!(pasted.example, None);
        // The editor already shows it, and keeps its undo: the revision stays.
        assert_eq!(pasted.revision, model.revision);
        assert_eq!(pasted.lineage, model.lineage + 1);
        // The same text again changes nothing.
        assert_eq!(update(&pasted, Msg::EditAll("kind: Pod\n".into())), pasted);
        let typed = update(&pasted, Msg::Edit("kind: Pod \n".into()));
        assert_eq!(typed.lineage, pasted.lineage);
    }

    #[test]
    fn loading_an_example_bumps_the_revision_and_keeps_options() {
        let model = update(&Model::default(), Msg::SetRuntime(Runtime::CriO));
        let cronjob = podsec::examples::find("cronjob").unwrap();
        let loaded = update(&model, Msg::Load(cronjob.id));
        assert_eq!(&*loaded.text, cronjob.yaml);
        assert_eq!(loaded.example, Some("cronjob"));
        assert_eq!(loaded.revision, model.revision + 1);
        assert_eq!(loaded.options.runtime, Runtime::CriO);
        // An unknown id changes nothing.
        assert_eq!(update(&loaded, Msg::Load("no-such-example")), loaded);
    }

    #[test]
    fn opening_a_file_replaces_the_text_and_says_so() {
        let model = update(&Model::default(), Msg::SetLevel(PssLevel::Baseline));
        let opened = update(
            &model,
            Msg::Open("deploy.yaml".into(), "kind: Deployment\n".into()),
        );
        assert_eq!(&*opened.text, "kind: Deployment\n");
        assert_eq!(opened.example, None);
        assert_eq!(opened.revision, model.revision + 1);
        assert_eq!(opened.options.level, PssLevel::Baseline);
        let notice = opened.notice.unwrap();
        assert!(!notice.error);
        assert_eq!(
            notice.text,
            "Opened deploy.yaml (17 bytes). It stays in this browser."
        );
    }

    #[test]
    fn an_opened_file_is_downloaded_under_its_name_with_its_line_endings() {
        let opened = update(
            &Model::default(),
            Msg::Open("deploy.yaml".into(), "kind: Pod\r\nspec: {}\r\n".into()),
        );
        assert_eq!(opened.origin.manifest_name(), "deploy.yaml");
        assert_eq!(opened.origin.hardened_name(), "deploy.hardened.yaml");
        assert!(opened.origin.crlf);
        assert!(
            opened
                .notice
                .as_ref()
                .unwrap()
                .text
                .contains("Windows line endings (CRLF)")
        );
        // The editor's copy has LF (and a CRLF it may still hold stays one).
        assert_eq!(
            opened.origin.saved("kind: Pod\nspec: {}\r\nx: 1"),
            "kind: Pod\r\nspec: {}\r\nx: 1"
        );
        // Editing keeps the origin; an example or a link replaces it.
        let edited = update(&opened, Msg::Edit("kind: Pod\n".into()));
        assert_eq!(edited.origin, opened.origin);
        let example = update(&edited, Msg::Load("cronjob"));
        assert_eq!(example.origin, Origin::default());
        assert_eq!(example.origin.manifest_name(), "manifest.yaml");
        assert_eq!(example.origin.hardened_name(), "hardened.yaml");
        assert_eq!(example.origin.saved("a\nb\n"), "a\nb\n");
        // LF files, and files that mix endings, are saved with LF.
        for text in ["a: 1\nb: 2\n", "a: 1\r\nb: 2\n", "a: 1\rb: 2\r\n", "a: 1"] {
            assert!(!Origin::of("f.yaml", text).crlf, "{text:?}");
        }
        assert_eq!(
            Origin::of("Makefile", "").hardened_name(),
            "Makefile.hardened"
        );
        assert_eq!(Origin::of(".env", "").hardened_name(), ".env.hardened");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(812), "812 bytes");
        assert_eq!(human_size(14_200), "14.2 KB");
        assert_eq!(human_size(1_941_627), "1.9 MB");
    }

    /// `fixed` writes what `format!("{x:.N}")` writes, away from halves.
    #[test]
    fn fixed_places_write_as_the_standard_formatting_does() {
        for x in [
            0.0, 0.04, 0.06, 1.0, 9.96, 12.34, 85.4, 318.0, 1999.94, -3.21, 32.0,
        ] {
            assert_eq!(fixed(x, 0), format!("{x:.0}"), "{x}");
            assert_eq!(fixed(x, 1), format!("{x:.1}"), "{x}");
            assert_eq!(fixed(x, 2), format!("{x:.2}"), "{x}");
        }
        assert_eq!(fixed(f64::NAN, 1), "0");
    }

    #[test]
    fn the_gallery_shows_the_example_until_the_text_changes() {
        let model = Model::default();
        assert_eq!(model.example, Some(podsec::examples::SEED.id));
        let same = update(&model, Msg::Edit(EXAMPLE.into()));
        assert_eq!(same.example, model.example);
        let edited = update(&model, Msg::Edit("kind: Pod\n".into()));
        assert_eq!(edited.example, None);
        let mut shared = edited.shared();
        shared.text = podsec::examples::find("cronjob").unwrap().yaml.to_string();
        assert_eq!(
            update(&edited, Msg::Restore(shared, None)).example,
            Some("cronjob")
        );
    }

    #[test]
    fn restoring_replaces_text_options_and_the_unsafe_switch() {
        let shared = Shared {
            text: "kind: Pod\n".into(),
            options: Options {
                level: PssLevel::Baseline,
                version: Version::Minor(20),
                ..Options::default()
            },
            include_unsafe: true,
        };
        let model = update(&Model::default(), Msg::SetTab(Tab::Hardened));
        let restored = update(
            &model,
            Msg::Restore(shared.clone(), Some(notice("opened a link"))),
        );
        assert_eq!(restored.shared(), shared);
        assert_eq!(restored.revision, 1);
        assert_eq!(restored.tab, Tab::Hardened);
        assert_eq!(restored.notice, Some(notice("opened a link")));
    }

    #[test]
    fn a_link_opened_over_the_users_text_can_be_undone() {
        let mine = update(&Model::default(), Msg::Edit("kind: Pod # mine\n".into()));
        let shared = Shared {
            text: "kind: Pod # linked\n".to_string(),
            options: Options::default(),
            include_unsafe: false,
        };
        let opened = update(
            &mine,
            Msg::Restore(shared.clone(), Some(notice("opened a link"))),
        );
        assert_eq!(&*opened.text, "kind: Pod # linked\n");
        assert_eq!(
            opened.notice.as_ref().and_then(|n| n.action),
            Some(Action::Undo)
        );
        let back = update(&opened, Msg::Undo);
        assert_eq!(&*back.text, "kind: Pod # mine\n");
        // Restoring a draft at start (over the default example) offers nothing to undo.
        let start = update(
            &Model::default(),
            Msg::Restore(shared, Some(notice("draft"))),
        );
        assert_eq!(start.replaced, None);
        assert_eq!(start.notice.and_then(|n| n.action), None);
    }

    #[test]
    fn options_change_one_at_a_time() {
        let model = update(&Model::default(), Msg::SetVersion(Version::Minor(25)));
        assert_eq!(model.options.version, Version::Minor(25));
        assert_eq!(model.options.level, PssLevel::Restricted);
        let model = update(&model, Msg::SetLevel(PssLevel::Baseline));
        assert_eq!(model.options.level, PssLevel::Baseline);
        assert_eq!(model.options.version, Version::Minor(25));
        let model = update(&model, Msg::SetKube(Some(30)));
        assert_eq!(model.options.kube_minor, Some(30));
        assert_eq!(model.options.version, Version::Minor(25));
        let model = update(&model, Msg::SetUnsafe(true));
        assert!(model.include_unsafe);
        assert_eq!(model.options.kube_minor, Some(30));
        assert_eq!(&*model.text, EXAMPLE);
    }

    #[test]
    fn namespace_admission_inputs_go_into_the_options_and_the_link() {
        let model = update(&Model::default(), Msg::SetNamespace(" payments ".into()));
        let model = update(&model, Msg::SetUsername("alice".into()));
        let model = update(&model, Msg::SetAdmissionConfig("kind: X\n".into()));
        assert_eq!(model.options.namespace.as_deref(), Some("payments"));
        assert_eq!(model.options.username.as_deref(), Some("alice"));
        assert_eq!(model.options.admission_config.as_deref(), Some("kind: X\n"));
        let shared = model.shared();
        let back = podsec::permalink::decode(&podsec::permalink::encode(&shared));
        assert_eq!(back, Ok(shared));
        // Clearing an input takes it out again.
        let cleared = update(&model, Msg::SetNamespace("  ".into()));
        let cleared = update(&cleared, Msg::SetAdmissionConfig("\n".into()));
        assert_eq!(cleared.options.namespace, None);
        assert_eq!(cleared.options.admission_config, None);
        assert_eq!(cleared.options.username.as_deref(), Some("alice"));
    }

    #[test]
    fn notices_come_and_go() {
        let model = update(&Model::default(), Msg::Notify(notice("link copied")));
        assert_eq!(model.notice, Some(notice("link copied")));
        assert_eq!(update(&model, Msg::Dismiss).notice, None);
    }

    #[test]
    fn the_same_message_twice_changes_nothing_more() {
        for msg in [
            Msg::Edit("a: 1\n".into()),
            Msg::SetTheme(Theme::Dark),
            Msg::SetTab(Tab::Effective),
            Msg::SetUnsafe(true),
            Msg::SetGrouping(Grouping::Container),
            Msg::ShowLevel(FindingLevel::Hardening, false),
            Msg::ShowLevel(FindingLevel::Hardening, true),
        ] {
            let once = update(&Model::default(), msg.clone());
            assert_eq!(update(&once, msg), once);
        }
    }

    #[test]
    fn arrow_keys_walk_the_tabs_and_wrap() {
        assert_eq!(Tab::Findings.step("ArrowRight"), Some(Tab::Effective));
        assert_eq!(Tab::Effective.step("ArrowRight"), Some(Tab::Hardened));
        assert_eq!(Tab::Hardened.step("ArrowRight"), Some(Tab::Findings));
        assert_eq!(Tab::Findings.step("ArrowLeft"), Some(Tab::Hardened));
        assert_eq!(Tab::Hardened.step("Home"), Some(Tab::Findings));
        assert_eq!(Tab::Findings.step("End"), Some(Tab::Hardened));
        assert_eq!(Tab::Findings.step("Enter"), None);
    }

    #[test]
    fn themes_parse_their_own_names() {
        for theme in Theme::ALL {
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
        }
        assert_eq!(Theme::parse("sepia"), None);
    }

    #[test]
    fn an_example_loaded_over_the_users_text_can_be_undone() {
        let mine = update(&Model::default(), Msg::Edit("kind: Pod # mine\n".into()));
        let loaded = update(&mine, Msg::Load("cronjob"));
        assert_eq!(loaded.example, Some("cronjob"));
        assert_eq!(loaded.replaced.as_deref(), Some("kind: Pod # mine\n"));
        let notice = loaded.notice.clone().unwrap();
        assert_eq!(notice.action, Some(Action::Undo));
        assert!(!notice.expires());
        assert!(
            notice.text.contains("in place of your text (17 bytes)"),
            "{}",
            notice.text
        );
        // Stepping on through the gallery keeps the way back.
        let stepped = update(&loaded, Msg::Load("nothing-set"));
        assert_eq!(stepped.replaced, loaded.replaced);
        assert_eq!(stepped.notice.as_ref().unwrap().action, Some(Action::Undo));
        let undone = update(&stepped, Msg::Undo);
        assert_eq!(&*undone.text, "kind: Pod # mine\n");
        assert_eq!(undone.example, None);
        assert_eq!(undone.replaced, None);
        assert_eq!(undone.revision, stepped.revision + 1);
        assert!(undone.notice.unwrap().expires());
        // An example over an example keeps nothing and says nothing.
        let plain = update(&Model::default(), Msg::Load("cronjob"));
        assert_eq!(plain.replaced, None);
        assert_eq!(plain.notice, None);
        // Typing after loading forgets the replaced text.
        assert_eq!(update(&loaded, Msg::Edit("x: 1\n".into())).replaced, None);
    }

    #[test]
    fn a_notice_expires_only_while_it_is_shown() {
        let shown = update(&Model::default(), Msg::Notify(notice("link copied")));
        assert!(shown.notice.as_ref().unwrap().expires());
        assert!(!Notice::error("broken").expires());
        let newer = update(&shown, Msg::Notify(notice("opened")));
        assert_eq!(update(&newer, Msg::Expire(notice("link copied"))), newer);
        assert_eq!(update(&newer, Msg::Expire(notice("opened"))).notice, None);
    }

    #[test]
    fn a_paused_text_is_analysed_once_asked_or_edited() {
        let paused = update(&Model::default(), Msg::Pause);
        assert!(paused.paused);
        let notice = paused.notice.clone().unwrap();
        assert!(notice.error);
        assert_eq!(notice.action, Some(Action::Analyse));
        assert_eq!(notice.action.map(Action::msg), Some(Msg::Analyse));
        let resumed = update(&paused, Msg::Analyse);
        assert!(!resumed.paused);
        assert_eq!(resumed.notice, None);
        assert!(!update(&paused, Msg::Edit("a: 1\n".into())).paused);
        assert!(!update(&paused, Msg::Load("cronjob")).paused);
    }

    #[test]
    fn the_fragment_holds_the_panel_after_the_link() {
        assert_eq!(join_fragment("v1:abc", Tab::Findings), "v1:abc");
        assert_eq!(join_fragment("v1:abc", Tab::Hardened), "v1:abc~hardened");
        assert_eq!(join_fragment("", Tab::Hardened), "");
        assert_eq!(
            split_fragment("v1:abc~hardened"),
            ("v1:abc", Some(Tab::Hardened))
        );
        assert_eq!(
            split_fragment("v1:abc~effective"),
            ("v1:abc", Some(Tab::Effective))
        );
        assert_eq!(split_fragment("v1:abc"), ("v1:abc", None));
        assert_eq!(split_fragment("v1:abc~sideways"), ("v1:abc", None));
        for tab in Tab::ALL {
            let joined = join_fragment("v1:x_-", tab);
            assert_eq!(split_fragment(&joined).0, "v1:x_-");
        }
    }
}

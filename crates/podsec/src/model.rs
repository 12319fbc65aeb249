//! Plain-data types that cross the API boundary: options in, analysis out.
//!
//! Everything here is serialisable and free of borrowed data, so the CLI can print it as JSON and the
//! web app can hold it in a component without lifetimes.

use serde::{Deserialize, Serialize};

/// A Pod Security Standards level.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    /// No checks.
    Privileged,
    /// The baseline profile.
    Baseline,
    /// The restricted profile.
    #[default]
    Restricted,
}

impl PssLevel {
    /// Parses `privileged`, `baseline` or `restricted`.
    #[must_use]
    pub fn parse(s: &str) -> Option<PssLevel> {
        match s {
            "privileged" => Some(PssLevel::Privileged),
            "baseline" => Some(PssLevel::Baseline),
            "restricted" => Some(PssLevel::Restricted),
            _ => None,
        }
    }

    /// The name used in labels and messages.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Privileged => "privileged",
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }
}

/// A policy version: `v1.N`, or `latest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Version {
    /// The newest version the engine knows.
    #[default]
    Latest,
    /// `v1.N`.
    Minor(u32),
}

/// The newest policy version this build knows (the highest minimum version of any check variant).
pub const MAX_KNOWN_MINOR: u32 = 37;

impl Version {
    /// Parses a version string exactly as Pod Security Admission accepts it: `latest` or
    /// `^v1\.(0|[1-9][0-9]*)$`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Version> {
        if s == "latest" {
            return Some(Version::Latest);
        }
        let rest = s.strip_prefix("v1.")?;
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if rest.len() > 1 && rest.starts_with('0') {
            return None;
        }
        // Upstream parses with Atoi; absurdly large minors still clamp to latest.
        let minor = rest.parse::<u32>().unwrap_or(u32::MAX);
        Some(Version::Minor(minor))
    }

    /// The minor version actually evaluated: `latest` and anything newer than the newest known
    /// version clamp to it.
    #[must_use]
    pub fn effective_minor(self) -> u32 {
        match self {
            Version::Latest => MAX_KNOWN_MINOR,
            Version::Minor(m) => m.min(MAX_KNOWN_MINOR),
        }
    }

    /// The label spelling: `latest` or `v1.N`.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Version::Latest => "latest".to_string(),
            Version::Minor(m) => format!("v1.{m}"),
        }
    }

    /// The version actually evaluated, spelled `v1.N`.
    #[must_use]
    pub fn evaluated_label(self) -> String {
        format!("v1.{}", self.effective_minor())
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label())
    }
}

/// The container runtime whose defaults apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Runtime {
    /// containerd (and Docker's historical defaults): 14 default capabilities.
    #[default]
    Containerd,
    /// CRI-O 1.18 and later: 9 default capabilities.
    CriO,
}

impl Runtime {
    /// Parses `containerd` or `cri-o` (also `crio`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Runtime> {
        match s {
            "containerd" => Some(Runtime::Containerd),
            "cri-o" | "crio" => Some(Runtime::CriO),
            _ => None,
        }
    }

    /// The spelling used in options and output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Containerd => "containerd",
            Runtime::CriO => "cri-o",
        }
    }
}

/// Everything besides the text that shapes an analysis.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    /// Pod Security Standards level to decide admission at.
    pub level: PssLevel,
    /// Policy version.
    pub version: Version,
    /// Container runtime whose defaults apply.
    pub runtime: Runtime,
    /// Kubernetes version of the cluster (minor), which drives field and annotation behaviour.
    /// `None` means the newest known.
    pub kube_minor: Option<u32>,
    /// Kubelet `seccompDefault`.
    pub seccomp_default: bool,
    /// Whether the node has AppArmor enabled.
    pub apparmor_enabled: bool,
    /// Known image users per container name (`USER` of the image), e.g. `("app", "1000")`.
    pub image_users: Vec<(String, String)>,
    /// Hardening rules turned on beyond their defaults (by ID).
    pub enable_rules: Vec<String>,
    /// Hardening rules turned off (by ID).
    pub disable_rules: Vec<String>,
    /// Minimum UID for the `low-uid` hardening rule, when enabled.
    pub min_uid: Option<i64>,
    /// The PodSecurity plugin's configuration (an `AdmissionConfiguration` holding a
    /// `PodSecurityConfiguration`, or the latter alone), as YAML or JSON text: cluster defaults and
    /// exemptions for namespace admission (see [`crate::admission`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_config: Option<String>,
    /// The namespace of objects that name none (`kubectl apply --namespace`); `None` means
    /// `default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The user that sends the requests (`kubectl` as this user), for usernames exemptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            level: PssLevel::Restricted,
            version: Version::Latest,
            runtime: Runtime::Containerd,
            kube_minor: None,
            seccomp_default: false,
            apparmor_enabled: true,
            image_users: Vec::new(),
            enable_rules: Vec::new(),
            disable_rules: Vec::new(),
            min_uid: None,
            admission_config: None,
            namespace: None,
            username: None,
        }
    }
}

impl Options {
    /// The Kubernetes minor version whose behaviour is modelled.
    #[must_use]
    pub fn kube(&self) -> u32 {
        self.kube_minor.unwrap_or(crate::model::NEWEST_KUBE_MINOR)
    }
}

/// The newest Kubernetes minor release modelled for field and annotation behaviour.
pub const NEWEST_KUBE_MINOR: u32 = 37;

/// Where an effective value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The container's own securityContext.
    Container,
    /// The pod's securityContext (or pod spec).
    Pod,
    /// A legacy annotation.
    Annotation,
    /// An API-server or kubelet default.
    Default,
    /// The container runtime's default.
    Runtime,
    /// The image (unknown statically unless the user says).
    Image,
}

impl Source {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Container => "container",
            Source::Pod => "pod",
            Source::Annotation => "annotation",
            Source::Default => "default",
            Source::Runtime => "runtime",
            Source::Image => "image",
        }
    }
}

/// A JSON-like value, as Kubernetes would show it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// Unknown statically (depends on the image) or unset.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Value>),
    /// An object, keys in Kubernetes order.
    Object(Vec<(String, Value)>),
}

/// One effective field of one container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveValue {
    /// The value (`null` when it depends on the image or is simply unset).
    pub value: Value,
    /// Where it comes from.
    pub source: Source,
    /// The 1-based line that supplied it (`None` for defaults).
    pub line: Option<usize>,
    /// A short explanation for people (e.g. "runs as the image's USER; root if the image sets none").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An object's name as people are shown it, and as the API server names it on creation (which
/// admission sees): `metadata.name`; without one, `metadata.generateName` (at most 58 bytes of it)
/// and five random characters, written `<random>` (the registry's `SimpleNameGenerator`, run
/// before validating admission); with neither, `(unnamed)` in a heading (a pasted snippet, a pod
/// template), so that it never reads `Pod  (line 1)`, and empty in a message.
#[must_use]
pub fn shown_name<'a>(name: &'a str, generate_name: Option<&str>) -> std::borrow::Cow<'a, str> {
    match generate_name.filter(|_| name.is_empty()) {
        Some(base) if !base.is_empty() => {
            let mut end = base.len().min(MAX_GENERATED_BASE);
            while !base.is_char_boundary(end) {
                end -= 1;
            }
            std::borrow::Cow::Owned(format!("{}<random>", base.get(..end).unwrap_or(base)))
        }
        _ => std::borrow::Cow::Borrowed(name),
    }
}

/// [`shown_name`] for a heading: `(unnamed)` when the object has neither name.
#[must_use]
pub fn heading_name<'a>(name: &'a str, generate_name: Option<&str>) -> std::borrow::Cow<'a, str> {
    let shown = shown_name(name, generate_name);
    if shown.is_empty() {
        std::borrow::Cow::Borrowed("(unnamed)")
    } else {
        shown
    }
}

/// How much of `generateName` a generated name keeps: 63 characters less the 5 random ones.
const MAX_GENERATED_BASE: usize = 58;

/// A place in the user's text. Lines and columns are 1-based; columns count characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
}

/// The kind of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingLevel {
    /// The API server would reject the object.
    Rejected,
    /// The kubelet or the runtime would refuse to start it.
    Refused,
    /// Pod Security Standards, baseline.
    Baseline,
    /// Pod Security Standards, restricted.
    Restricted,
    /// Hardening advice beyond the Pod Security Standards.
    Hardening,
    /// A warning: the API server would warn, or the text means something the author may not intend.
    Warning,
}

impl FindingLevel {
    /// Whether findings of this level mean the object cannot run at all: the API server rejects
    /// it, or the kubelet or runtime refuses to start it.
    #[must_use]
    pub fn stops_object(self) -> bool {
        matches!(self, FindingLevel::Rejected | FindingLevel::Refused)
    }

    /// The lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FindingLevel::Rejected => "rejected",
            FindingLevel::Refused => "refused",
            FindingLevel::Baseline => "baseline",
            FindingLevel::Restricted => "restricted",
            FindingLevel::Hardening => "hardening",
            FindingLevel::Warning => "warning",
        }
    }
}

/// One finding about one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Check ID: the upstream PSA ID for PSS checks, kebab-case for ours (from the registry).
    #[serde(deserialize_with = "crate::wire::static_str")]
    pub check: crate::wire::Name,
    /// Whether this is a Pod Security Standards finding.
    pub pss: bool,
    /// Level.
    pub level: FindingLevel,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// The container concerned, or `None` for pod-level findings.
    pub container: Option<String>,
    /// Where the offending value is (or where it should be written, when it is missing).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Byte span of the offending text.
    #[serde(skip)]
    pub location: Location,
    /// Field path, e.g. `spec.containers[0].securityContext.privileged`.
    pub path: String,
    /// Other places that matter, e.g. the pod-level value a container inherits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// How to fix it, when the check knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<crate::fix::Fix>,
}

impl Finding {
    /// A finding at a span of the text.
    #[must_use]
    pub fn new(
        check: &'static str,
        level: FindingLevel,
        message: impl Into<String>,
        container: Option<&str>,
        at: crate::yaml::Span,
        path: impl Into<String>,
    ) -> Finding {
        Finding {
            check,
            pss: matches!(level, FindingLevel::Baseline | FindingLevel::Restricted),
            level,
            message: message.into(),
            container: container.map(str::to_string),
            line: at.line,
            column: at.col,
            location: Location {
                line: at.line,
                column: at.col,
                start: at.start,
                end: at.end,
            },
            path: path.into(),
            related: Vec::new(),
            fix: None,
        }
    }

    /// Adds a secondary location.
    #[must_use]
    pub fn related(mut self, message: impl Into<String>, at: crate::yaml::Span) -> Finding {
        self.related.push(Related {
            message: message.into(),
            line: at.line,
            column: at.col,
        });
        self
    }

    /// Attaches a fix.
    #[must_use]
    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Finding {
        self.fix = Some(fix);
        self
    }
}

/// A secondary location of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// What this place is.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A parse or decode error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0-based index of the document in the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<usize>,
    /// For a YAML syntax error, the likely mistake in plain words and how to fix it (see
    /// [`crate::yaml::help`]); the message stays the parser's, as `kubectl` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl ParseError {
    /// The message, and its help on a line of its own when there is one: for outputs that carry
    /// one text per error (an editor's diagnostic, a CI annotation, SARIF).
    #[must_use]
    pub fn message_and_help(&self) -> String {
        match &self.help {
            Some(help) => format!("{}\n{help}", self.message),
            None => self.message.clone(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Str(v) => s.serialize_str(v),
            Value::List(l) => s.collect_seq(l),
            Value::Object(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

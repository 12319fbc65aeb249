//! Settings: `.podsec.toml`, command-line flags and the language server's initialization options
//! all say the same things with the same names, and are layered in that order of precedence:
//! defaults, the file's top level, each of its `[[overrides]]` whose `paths` match the input, then
//! the flags (or the editor's options).
//!
//! ```toml
//! level = "baseline"            # privileged | baseline | restricted
//! version = "v1.30"             # latest | v1.N
//! runtime = "cri-o"             # containerd | cri-o
//! kube-version = "1.30"
//! seccomp-default = true
//! apparmor = false
//! image-users = { app = "1000" }
//! enable = ["low-uid"]
//! disable = ["run-as-image-user"]
//! min-uid = 10000
//!
//! [[overrides]]
//! paths = ["charts/legacy/**"]  # relative to the file's directory
//! level = "privileged"
//! ```

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The name of the project configuration file.
pub(crate) const FILE_NAME: &str = ".podsec.toml";

/// Settings that may each be left unsaid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Settings {
    pub(crate) level: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) runtime: Option<String>,
    pub(crate) kube_version: Option<String>,
    pub(crate) seccomp_default: Option<bool>,
    pub(crate) apparmor: Option<bool>,
    #[serde(default)]
    pub(crate) image_users: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) enable: Vec<String>,
    #[serde(default)]
    pub(crate) disable: Vec<String>,
    pub(crate) min_uid: Option<i64>,
    /// `--admission-config FILE`: the file's text (flags only).
    #[serde(skip)]
    pub(crate) admission_config: Option<String>,
    /// `--namespace NS` (flags only).
    #[serde(skip)]
    pub(crate) namespace: Option<String>,
    /// `--as USER` (flags only).
    #[serde(skip)]
    pub(crate) username: Option<String>,
}

impl Settings {
    /// Writes what these settings say over `options`; rule lists and image users add up.
    pub(crate) fn apply(&self, options: &mut podsec::Options) -> Result<(), String> {
        if let Some(v) = &self.level {
            options.level = podsec::PssLevel::parse(v).ok_or(format!(
                "unknown level {v:?} (privileged, baseline or restricted)"
            ))?;
        }
        if let Some(v) = &self.version {
            options.version = podsec::Version::parse(v).ok_or(format!(
                "invalid version {v:?}: use latest or v1.N (e.g. v1.30)"
            ))?;
        }
        if let Some(v) = &self.runtime {
            options.runtime = podsec::Runtime::parse(v)
                .ok_or(format!("unknown runtime {v:?} (containerd or cri-o)"))?;
        }
        if let Some(v) = &self.kube_version {
            let minor = v
                .trim_start_matches('v')
                .strip_prefix("1.")
                .and_then(|m| m.parse::<u32>().ok())
                .ok_or(format!("invalid Kubernetes version {v:?}: use 1.N"))?;
            options.kube_minor = Some(minor);
        }
        if let Some(v) = self.seccomp_default {
            options.seccomp_default = v;
        }
        if let Some(v) = self.apparmor {
            options.apparmor_enabled = v;
        }
        for (name, user) in &self.image_users {
            options.image_users.retain(|(n, _)| n != name);
            options.image_users.push((name.clone(), user.clone()));
        }
        for rule in self.enable.iter().chain(&self.disable) {
            if podsec::check::find(rule).is_none() {
                return Err(format!(
                    "no check named {rule:?}; `podsec checks` lists them"
                ));
            }
        }
        for rule in &self.enable {
            options.disable_rules.retain(|r| r != rule);
            options.enable_rules.push(rule.clone());
        }
        for rule in &self.disable {
            options.enable_rules.retain(|r| r != rule);
            options.disable_rules.push(rule.clone());
        }
        if let Some(v) = self.min_uid {
            options.min_uid = Some(v);
        }
        if let Some(v) = &self.admission_config {
            options.admission_config = Some(v.clone());
        }
        if let Some(v) = &self.namespace {
            options.namespace = Some(v.clone());
        }
        if let Some(v) = &self.username {
            options.username = Some(v.clone());
        }
        Ok(())
    }
}

/// One `[[overrides]]` table: settings for the inputs under some paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Override {
    paths: Vec<String>,
    settings: Settings,
}

/// A `.podsec.toml`: its top-level settings and its overrides. (Read by hand rather than with
/// `#[serde(flatten)]`, which would let a misspelt setting pass silently.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct File {
    settings: Settings,
    overrides: Vec<Override>,
}

impl File {
    fn parse(text: &str) -> Result<File> {
        let mut table: toml::Table = toml::from_str(text)?;
        let overrides = match table.remove("overrides") {
            None => Vec::new(),
            Some(toml::Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    let toml::Value::Table(mut t) = item else {
                        anyhow::bail!("overrides[{i}] is not a table");
                    };
                    let paths = t
                        .remove("paths")
                        .ok_or_else(|| anyhow::anyhow!("overrides[{i}] has no paths"))?
                        .try_into::<Vec<String>>()
                        .with_context(|| format!("overrides[{i}].paths"))?;
                    let settings = toml::Value::Table(t)
                        .try_into::<Settings>()
                        .with_context(|| format!("overrides[{i}]"))?;
                    Ok(Override { paths, settings })
                })
                .collect::<Result<_>>()?,
            Some(_) => anyhow::bail!("overrides must be an array of tables ([[overrides]])"),
        };
        Ok(File {
            settings: toml::Value::Table(table).try_into()?,
            overrides,
        })
    }
}

/// A project configuration and the directory its paths are relative to.
#[derive(Clone, Debug, Default)]
pub(crate) struct Config {
    root: PathBuf,
    file: File,
}

impl Config {
    /// Reads and checks a configuration file.
    pub(crate) fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Config::parse(&text, path)
    }

    /// Parses a configuration file's text; every setting is checked now, so a typo is an error
    /// before any input is read.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Config> {
        let file = File::parse(text).with_context(|| format!("{} is not valid", path.display()))?;
        let root = absolute(path.parent().unwrap_or(Path::new(".")));
        let config = Config { root, file };
        let check = |s: &Settings| {
            s.apply(&mut podsec::Options::default())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        };
        check(&config.file.settings)?;
        for o in &config.file.overrides {
            check(&o.settings)?;
        }
        Ok(config)
    }

    /// The nearest `.podsec.toml` in `dir` or its ancestors, read; none found is no configuration.
    pub(crate) fn discover(dir: &Path) -> Result<Config> {
        let dir = absolute(dir);
        for d in dir.ancestors() {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config {
            root: dir,
            ..Config::default()
        })
    }

    /// The options for one input: the defaults, the file's settings, the overrides that match the
    /// input's path, then `flags` on top.
    pub(crate) fn options_for(&self, input: &str, flags: &Settings) -> podsec::Options {
        let mut options = podsec::Options::default();
        // Every layer was checked when it was read, so applying it cannot fail.
        let _ = self.file.settings.apply(&mut options);
        if input != "-" {
            let relative = relative_to(&self.root, &absolute(Path::new(input)));
            for o in &self.file.overrides {
                if o.paths.iter().any(|p| matches_path(p, &relative)) {
                    let _ = o.settings.apply(&mut options);
                }
            }
        }
        let _ = flags.apply(&mut options);
        options
    }
}

/// `path` made absolute against the current directory, with `.` and `..` removed lexically.
fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `root`, with `/` separators (the path itself when it is outside `root`).
fn relative_to(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Whether a glob (`*` within a name, `**` across directories, `?` one character) matches the path
/// or one of its parent directories, so that `charts/legacy` and `charts/legacy/**` both cover
/// every file below it.
pub(crate) fn matches_path(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_start_matches("./").split('/').collect();
    let parts: Vec<&str> = path.split('/').collect();
    (1..=parts.len()).any(|n| parts.get(..n).is_some_and(|p| glob_parts(&pattern, p)))
}

fn glob_parts(pattern: &[&str], path: &[&str]) -> bool {
    match (pattern.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((&"**", rest)), _) => {
            glob_parts(rest, path)
                || path
                    .split_first()
                    .is_some_and(|(_, p)| glob_parts(pattern, p))
        }
        (Some((seg, rest)), Some((name, more))) => {
            glob_name(seg.as_bytes(), name.as_bytes()) && glob_parts(rest, more)
        }
        _ => false,
    }
}

fn glob_name(pattern: &[u8], name: &[u8]) -> bool {
    match (pattern.split_first(), name.split_first()) {
        (None, None) => true,
        (Some((b'*', rest)), _) => {
            glob_name(rest, name)
                || name
                    .split_first()
                    .is_some_and(|(_, n)| glob_name(pattern, n))
        }
        (Some((b'?', rest)), Some((_, more))) => glob_name(rest, more),
        (Some((p, rest)), Some((n, more))) => p == n && glob_name(rest, more),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (pattern, path, expected) in [
            ("charts/legacy/**", "charts/legacy/a/b.yaml", true),
            ("charts/legacy", "charts/legacy/b.yaml", true),
            ("charts/legacy", "charts/legacyx/b.yaml", false),
            ("**/*.yaml", "a/b/c.yaml", true),
            ("*.yaml", "c.yaml", true),
            ("*.yaml", "a/c.yml", false),
            ("a/*/c.yaml", "a/b/c.yaml", true),
            ("a/*/c.yaml", "a/b/d/c.yaml", false),
            ("a/**/c.yaml", "a/c.yaml", true),
            ("pod-?.yaml", "pod-1.yaml", true),
            ("./k8s", "k8s/x.yaml", true),
        ] {
            assert_eq!(matches_path(pattern, path), expected, "{pattern} ~ {path}");
        }
    }

    #[test]
    fn layers_apply_in_order() {
        let config = Config::parse(
            "level = \"baseline\"\nversion = \"v1.30\"\ndisable = [\"run-as-image-user\"]\n\
             [[overrides]]\npaths = [\"legacy\"]\nlevel = \"privileged\"\nenable = [\"low-uid\"]\n",
            Path::new("/project/.podsec.toml"),
        )
        .expect("valid");
        let flags = Settings::default();
        let top = config.options_for("/project/app/pod.yaml", &flags);
        assert_eq!(top.level, podsec::PssLevel::Baseline);
        assert_eq!(top.version, podsec::Version::Minor(30));
        assert_eq!(top.disable_rules, ["run-as-image-user"]);
        let legacy = config.options_for("/project/legacy/pod.yaml", &flags);
        assert_eq!(legacy.level, podsec::PssLevel::Privileged);
        assert_eq!(legacy.enable_rules, ["low-uid"]);
        assert_eq!(legacy.version, podsec::Version::Minor(30));
        let flags = Settings {
            level: Some("restricted".into()),
            ..Settings::default()
        };
        assert_eq!(
            config.options_for("/project/legacy/pod.yaml", &flags).level,
            podsec::PssLevel::Restricted
        );
    }

    #[test]
    fn mistakes_are_errors_with_the_file_name() {
        let err = |text: &str| {
            format!(
                "{:#}",
                Config::parse(text, Path::new("p/.podsec.toml")).expect_err("invalid")
            )
        };
        assert!(err("levl = \"baseline\"\n").contains("unknown field `levl`"));
        assert_eq!(
            err("level = \"strict\"\n"),
            "p/.podsec.toml: unknown level \"strict\" (privileged, baseline or restricted)"
        );
        assert_eq!(
            err("[[overrides]]\npaths = [\"x\"]\ndisable = [\"nope\"]\n"),
            "p/.podsec.toml: no check named \"nope\"; `podsec checks` lists them"
        );
    }
}

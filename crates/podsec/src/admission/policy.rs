//! A namespace's Pod Security policy: its labels read as upstream's `api.PolicyToEvaluate` reads
//! them, over the plugin's defaults.

use serde::{Deserialize, Serialize};

use crate::model::{PssLevel, Version};

/// The prefix of every Pod Security label and audit annotation.
pub const PREFIX: &str = "pod-security.kubernetes.io/";

/// The three admission modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Refuses pods that violate the policy.
    Enforce,
    /// Records violations in the audit log (annotations on the audit event).
    Audit,
    /// Returns violations to the client as warnings.
    Warn,
}

impl Mode {
    /// Every mode, in upstream's label order.
    pub const ALL: [Mode; 3] = [Mode::Enforce, Mode::Audit, Mode::Warn];

    /// `enforce`, `audit` or `warn`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
            Mode::Warn => "warn",
        }
    }
}

/// A level and a version, as one mode of a namespace applies them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct LevelVersion {
    /// The level.
    pub level: PssLevel,
    /// The version as labelled (`latest` or `v1.N`).
    pub version: Version,
}

impl LevelVersion {
    /// `privileged:latest`, the cluster default of every mode.
    pub const PRIVILEGED_LATEST: LevelVersion = LevelVersion {
        level: PssLevel::Privileged,
        version: Version::Latest,
    };

    /// Upstream's `LevelVersion.String()`: `restricted:v1.30`, `baseline:latest`.
    #[must_use]
    pub fn label(self) -> String {
        format!("{}:{}", self.level.as_str(), self.version.label())
    }
}

/// The policy of a namespace: one level and version per mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// `enforce`.
    pub enforce: LevelVersion,
    /// `audit`.
    pub audit: LevelVersion,
    /// `warn`.
    pub warn: LevelVersion,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            enforce: LevelVersion::PRIVILEGED_LATEST,
            audit: LevelVersion::PRIVILEGED_LATEST,
            warn: LevelVersion::PRIVILEGED_LATEST,
        }
    }
}

impl Policy {
    /// The level and version of one mode.
    #[must_use]
    pub fn of(&self, mode: Mode) -> LevelVersion {
        match mode {
            Mode::Enforce => self.enforce,
            Mode::Audit => self.audit,
            Mode::Warn => self.warn,
        }
    }

    fn of_mut(&mut self, mode: Mode) -> &mut LevelVersion {
        match mode {
            Mode::Enforce => &mut self.enforce,
            Mode::Audit => &mut self.audit,
            Mode::Warn => &mut self.warn,
        }
    }
}

/// Upstream's `ParseLevel` message.
pub(crate) const LEVEL_ERROR: &str = "must be one of privileged, baseline, restricted";
/// Upstream's `ParseVersion` message.
pub(crate) const VERSION_ERROR: &str = "must be \"latest\" or \"v1.x\"";

/// A label that does not parse, with upstream's field error text:
/// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of …`.
#[must_use]
pub(crate) fn invalid(path: &str, value: &str, message: &str) -> String {
    format!(
        "{path}: Invalid value: {}: {message}",
        crate::rule::go_quote(value)
    )
}

/// Resolves a namespace's labels over `defaults` as upstream's `PolicyToEvaluate` does: an invalid
/// enforce level is `restricted` (fail closed), an invalid audit or warn level is `privileged`
/// (fail open), an invalid version is `latest`; each invalid label is an error. `labels` is
/// `(key, value)` in any order; only the six Pod Security keys are read.
#[must_use]
pub fn resolve(labels: &[(String, String)], defaults: Policy) -> (Policy, Vec<String>) {
    let mut policy = defaults;
    let mut errors = Vec::new();
    let get = |key: String| labels.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v);
    for mode in Mode::ALL {
        let key = format!("{PREFIX}{}", mode.as_str());
        if let Some(value) = get(key.clone()) {
            let lv = policy.of_mut(mode);
            match PssLevel::parse(value) {
                Some(level) => lv.level = level,
                None => {
                    lv.level = match mode {
                        Mode::Enforce => PssLevel::Restricted,
                        Mode::Audit | Mode::Warn => PssLevel::Privileged,
                    };
                    errors.push(invalid(
                        &format!("metadata.labels[{key}]"),
                        value,
                        LEVEL_ERROR,
                    ));
                }
            }
        }
        let key = format!("{PREFIX}{}-version", mode.as_str());
        if let Some(value) = get(key.clone()) {
            let lv = policy.of_mut(mode);
            match Version::parse(value) {
                Some(version) => lv.version = version,
                None => {
                    lv.version = Version::Latest;
                    errors.push(invalid(
                        &format!("metadata.labels[{key}]"),
                        value,
                        VERSION_ERROR,
                    ));
                }
            }
        }
    }
    (policy, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (format!("{PREFIX}{k}"), (*v).to_string()))
            .collect()
    }

    fn lv(level: PssLevel, version: Version) -> LevelVersion {
        LevelVersion { level, version }
    }

    #[test]
    fn valid_labels_set_each_mode_and_version() {
        let (p, errors) = resolve(
            &labels(&[
                ("enforce", "baseline"),
                ("enforce-version", "v1.25"),
                ("audit", "restricted"),
                ("warn", "restricted"),
                ("warn-version", "latest"),
            ]),
            Policy::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.enforce, lv(PssLevel::Baseline, Version::Minor(25)));
        assert_eq!(p.audit, lv(PssLevel::Restricted, Version::Latest));
        assert_eq!(p.warn, lv(PssLevel::Restricted, Version::Latest));
    }

    #[test]
    fn an_invalid_enforce_level_fails_closed_and_audit_warn_fail_open() {
        let (p, errors) = resolve(
            &labels(&[("enforce", "strict"), ("audit", "Restricted"), ("warn", "")]),
            Policy {
                audit: lv(PssLevel::Baseline, Version::Latest),
                ..Policy::default()
            },
        );
        assert_eq!(p.enforce.level, PssLevel::Restricted);
        assert_eq!(p.audit.level, PssLevel::Privileged);
        assert_eq!(p.warn.level, PssLevel::Privileged);
        assert_eq!(
            errors,
            [
                "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
                "metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"Restricted\": must be one of privileged, baseline, restricted",
                "metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"\": must be one of privileged, baseline, restricted",
            ]
        );
    }

    #[test]
    fn an_invalid_version_is_latest_with_an_error() {
        for bad in ["1.30", "v1.05", "v2.0", "v1.", "latest "] {
            let (p, errors) = resolve(
                &labels(&[("enforce", "baseline"), ("enforce-version", bad)]),
                Policy::default(),
            );
            assert_eq!(p.enforce, lv(PssLevel::Baseline, Version::Latest), "{bad}");
            assert_eq!(errors.len(), 1, "{bad}");
            assert!(errors[0].ends_with(VERSION_ERROR), "{}", errors[0]);
        }
    }

    #[test]
    fn unlabelled_modes_keep_the_defaults_and_warn_is_not_copied_from_enforce() {
        let defaults = Policy {
            audit: lv(PssLevel::Baseline, Version::Minor(29)),
            ..Policy::default()
        };
        let (p, errors) = resolve(&labels(&[("enforce", "restricted")]), defaults);
        assert!(errors.is_empty());
        assert_eq!(p.enforce, lv(PssLevel::Restricted, Version::Latest));
        assert_eq!(p.audit, defaults.audit);
        assert_eq!(p.warn, LevelVersion::PRIVILEGED_LATEST);
    }

    #[test]
    fn a_version_label_alone_keeps_the_default_level() {
        let (p, _) = resolve(&labels(&[("warn-version", "v1.22")]), Policy::default());
        assert_eq!(p.warn, lv(PssLevel::Privileged, Version::Minor(22)));
    }
}

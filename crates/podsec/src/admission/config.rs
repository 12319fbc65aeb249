//! The PodSecurity plugin's configuration: an `AdmissionConfiguration` whose `PodSecurity` plugin
//! holds a `PodSecurityConfiguration` inline, or the `PodSecurityConfiguration` alone (the file an
//! `AdmissionConfiguration` names by `path`). Read and validated as upstream's
//! `ValidatePodSecurityConfiguration` does; an API server refuses to start with an invalid one.

use crate::model::{PssLevel, Version};
use crate::yaml::Node;

use super::policy::{self, LevelVersion, Mode, Policy};

/// The plugin configuration: defaults for unlabelled modes and the three exemption lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The policy of a namespace without labels (each unset default is `privileged` / `latest`).
    pub defaults: Policy,
    /// Users whose requests are never checked.
    pub usernames: Vec<String>,
    /// Runtime classes whose pods are never checked.
    pub runtime_classes: Vec<String>,
    /// Namespaces whose pods and workloads are never checked.
    pub namespaces: Vec<String>,
}

/// Reads a configuration. Errors are upstream's field errors (`defaults.enforce: Invalid value:
/// …`) or podsec's words for a text that is not such a configuration; with any error the
/// configuration is not used.
pub fn parse(text: &str) -> Result<Config, Vec<String>> {
    let mut errors = Vec::new();
    let mut found = None;
    for doc in crate::yaml::documents(text) {
        match doc {
            Err(e) => errors.push(format!(
                "line {}, column {}: {}",
                e.span.line, e.span.col, e.message
            )),
            Ok(doc) => {
                let Some(root) = doc.root() else { continue };
                if found.is_none() {
                    found = Some(read(root, &mut errors));
                }
            }
        }
    }
    match found {
        Some(Some(config)) if errors.is_empty() => Ok(config),
        None if errors.is_empty() => Err(vec!["the admission configuration is empty".to_string()]),
        _ => Err(errors),
    }
}

fn text(n: Option<Node<'_>>) -> Option<&str> {
    n.and_then(Node::text)
}

/// The PodSecurityConfiguration inside `root`, or `None` with an error.
fn read(root: Node<'_>, errors: &mut Vec<String>) -> Option<Config> {
    let kind = text(root.field("kind")).unwrap_or("");
    let psc = match kind {
        "PodSecurityConfiguration" => root,
        "AdmissionConfiguration" => {
            let plugins = root.field("plugins").map(Node::items).unwrap_or_default();
            let Some(plugin) = plugins
                .into_iter()
                .find(|p| text(p.field("name")) == Some("PodSecurity"))
            else {
                errors.push(
                    "the AdmissionConfiguration configures no PodSecurity plugin (plugins[].name: PodSecurity)"
                        .to_string(),
                );
                return None;
            };
            match plugin.field("configuration") {
                Some(c) => c,
                None => {
                    let how = match text(plugin.field("path")) {
                        Some(path) => format!(
                            "its configuration is in {path}: pass that file (the PodSecurityConfiguration) instead"
                        ),
                        None => "it has neither configuration nor path".to_string(),
                    };
                    errors.push(format!(
                        "the PodSecurity plugin is not configured inline: {how}"
                    ));
                    return None;
                }
            }
        }
        other => {
            errors.push(format!(
                "not an admission configuration: kind is {:?}, not AdmissionConfiguration or PodSecurityConfiguration",
                other
            ));
            return None;
        }
    };
    if text(psc.field("kind")).is_some_and(|k| k != "PodSecurityConfiguration") {
        errors.push(
            "the PodSecurity plugin's configuration is not a PodSecurityConfiguration".into(),
        );
        return None;
    }
    let before = errors.len();
    let mut config = Config::default();
    let defaults = psc.field("defaults");
    for mode in Mode::ALL {
        let lv = match mode {
            Mode::Enforce => &mut config.defaults.enforce,
            Mode::Audit => &mut config.defaults.audit,
            Mode::Warn => &mut config.defaults.warn,
        };
        *lv = default_of(defaults, mode, errors);
    }
    let exemptions = psc.field("exemptions");
    config.namespaces = list(exemptions, "namespaces", errors, |s| {
        is_dns_label(s).then_some(()).ok_or(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        )
    });
    config.runtime_classes = list(exemptions, "runtimeClasses", errors, |s| {
        is_dns_subdomain(s).then_some(()).ok_or(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        )
    });
    config.usernames = list(exemptions, "usernames", errors, |_| Ok(()));
    (errors.len() == before).then_some(config)
}

fn default_of(defaults: Option<Node<'_>>, mode: Mode, errors: &mut Vec<String>) -> LevelVersion {
    let mut lv = LevelVersion::PRIVILEGED_LATEST;
    let key = mode.as_str();
    if let Some(v) = text(defaults.and_then(|d| d.field(key))) {
        match PssLevel::parse(v) {
            Some(level) => lv.level = level,
            None => errors.push(policy::invalid(
                &format!("defaults.{key}"),
                v,
                policy::LEVEL_ERROR,
            )),
        }
    }
    let key = format!("{key}-version");
    if let Some(v) = text(defaults.and_then(|d| d.field(&key))) {
        match Version::parse(v) {
            Some(version) => lv.version = version,
            None => errors.push(policy::invalid(
                &format!("defaults.{key}"),
                v,
                policy::VERSION_ERROR,
            )),
        }
    }
    lv
}

/// An exemption list: each entry valid and not repeated (upstream's `Required` for an empty
/// username, `Invalid`, `Duplicate value`).
fn list(
    exemptions: Option<Node<'_>>,
    key: &str,
    errors: &mut Vec<String>,
    valid: fn(&str) -> Result<(), &'static str>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let items = exemptions
        .and_then(|e| e.field(key))
        .map(Node::items)
        .unwrap_or_default();
    for (i, item) in items.into_iter().enumerate() {
        let value = item.text().unwrap_or("");
        let path = format!("exemptions.{key}[{i}]");
        if value.is_empty() && key == "usernames" {
            errors.push(format!("{path}: Required value"));
        } else if let Err(why) = valid(value) {
            errors.push(policy::invalid(&path, value, why));
        } else if out.iter().any(|v| v == value) {
            errors.push(format!(
                "{path}: Duplicate value: {}",
                crate::rule::go_quote(value)
            ));
        } else {
            out.push(value.to_string());
        }
    }
    out
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "\
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.29
      warn: restricted
    exemptions:
      usernames: [admin]
      runtimeClasses: [kata]
      namespaces: [kube-system]
";

    #[test]
    fn an_admission_configuration_gives_defaults_and_exemptions() {
        let c = parse(FULL).unwrap();
        assert_eq!(c.defaults.enforce.label(), "baseline:v1.29");
        assert_eq!(c.defaults.warn.label(), "restricted:latest");
        assert_eq!(c.defaults.audit.label(), "privileged:latest");
        assert_eq!(c.usernames, ["admin"]);
        assert_eq!(c.runtime_classes, ["kata"]);
        assert_eq!(c.namespaces, ["kube-system"]);
    }

    #[test]
    fn a_bare_pod_security_configuration_is_read_too() {
        let c = parse("kind: PodSecurityConfiguration\ndefaults: {audit: restricted}\n").unwrap();
        assert_eq!(c.defaults.audit.level, PssLevel::Restricted);
        assert!(c.namespaces.is_empty());
    }

    #[test]
    fn invalid_values_are_upstream_field_errors() {
        let errors = parse(
            "kind: PodSecurityConfiguration\ndefaults: {enforce: strict, warn-version: '1.30'}\nexemptions:\n  namespaces: [Kube_System, a, a]\n  usernames: ['']\n",
        )
        .unwrap_err();
        assert_eq!(
            errors[0],
            "defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted"
        );
        assert_eq!(
            errors[1],
            "defaults.warn-version: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\""
        );
        assert!(
            errors[2].starts_with("exemptions.namespaces[0]: Invalid value: \"Kube_System\""),
            "{}",
            errors[2]
        );
        assert_eq!(
            errors[3],
            "exemptions.namespaces[2]: Duplicate value: \"a\""
        );
        assert_eq!(errors[4], "exemptions.usernames[0]: Required value");
    }

    #[test]
    fn a_path_or_another_kind_is_explained() {
        let e = parse(
            "kind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: /etc/psa.yaml\n",
        )
        .unwrap_err();
        assert!(e[0].contains("/etc/psa.yaml"), "{e:?}");
        let e = parse("kind: Pod\n").unwrap_err();
        assert!(e[0].contains("not an admission configuration"), "{e:?}");
        assert!(parse("").is_err());
        assert!(parse("kind: AdmissionConfiguration\nplugins: [{name: Other}]\n").is_err());
    }
}

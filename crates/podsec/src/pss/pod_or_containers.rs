//! The outline of a restricted check on a field containers inherit from the pod: "the pod, or
//! every container, must set X", with where each finding points and where its fix writes.
//!
//! PSA's order is kept: a bad value written anywhere (the pod's included, even when every
//! container overrides it) denies with "must not set"; otherwise a container that inherits
//! nothing denies with "pod or containers must set". A container that inherits the pod's bad value
//! is named on the pod's finding, not given one of its own. The fix for a value nobody sets goes
//! to the pod, unless some container sets a bad value of its own (then per container, so that the
//! pod-level value does not hide the container's).

use crate::fix::Fix;
use crate::pod::PodView;
use crate::pss::{Out, Verdict, containers_phrase, finding, line, who};
use crate::yaml::Node;

/// A value as a check reads it.
pub(crate) struct Setting<'a> {
    /// Whether it satisfies the check.
    pub(crate) good: bool,
    /// The value as messages quote it.
    pub(crate) text: String,
    /// Where findings point.
    pub(crate) at: Node<'a>,
}

/// A restricted check on a field containers inherit from the pod.
pub(crate) struct PodOrContainers {
    /// Upstream's reason, also the prefix of every message.
    pub(crate) reason: &'static str,
    /// The security-context field (`runAsNonRoot`).
    pub(crate) field: &'static str,
    /// What findings and patches of a bad value address below the field (`""`, or `.type`).
    pub(crate) value_path: &'static str,
    /// Reads the field (pod's or container's, `None` when unset or of the wrong shape).
    pub(crate) read: for<'a> fn(Node<'a>) -> Option<Setting<'a>>,
    /// `<who> sets …` for a bad value (`who` is "the pod" or a container).
    pub(crate) sets: fn(&str, &str) -> String,
    /// `neither the pod nor <who> …` for a container that inherits nothing.
    pub(crate) unset: &'static str,
    /// `<setters> …` when a bad value is written, from the bad values.
    pub(crate) must_not: fn(Vec<String>) -> String,
    /// `pod or <containers> …` when some container inherits nothing.
    pub(crate) must_set: &'static str,
    /// The pass reason when every container sets a good value itself.
    pub(crate) all_set: &'static str,
    /// Appended to `all_set`, with the pod's line, when the pod sets a good value too.
    pub(crate) and_pod: Option<&'static str>,
    /// The fix of a bad value, at its path.
    pub(crate) fix_bad: fn(&str) -> Fix,
    /// The fix of an unset value, at the path it writes.
    pub(crate) fix_unset: fn(&str) -> Fix,
}

impl PodOrContainers {
    /// The verdict on a pod.
    pub(crate) fn judge<'a>(&self, pod: &PodView<'a>, out: &mut Out<'_>) -> Verdict {
        let read = |n: Option<Node<'a>>| n.and_then(self.read);
        let reason = self.reason;
        let mut setters = Vec::new();
        let mut values = Vec::new();
        let pod_value = read(pod.sc(self.field));
        let pod_good = pod_value.as_ref().is_some_and(|s| s.good);
        if let Some(s) = pod_value.as_ref().filter(|s| !s.good) {
            setters.push("pod".to_string());
            values.push(s.text.clone());
            let path = format!("{}{}", pod.sc_path(self.field), self.value_path);
            let mut f = finding(
                format!("{reason}: {}", (self.sets)("the pod", &s.text)),
                None,
                s.at.span(),
                path.clone(),
            )
            .with_fix((self.fix_bad)(&path));
            for c in &pod.containers {
                if read(c.sc(self.field)).is_none() {
                    f = f.related(format!("{} inherits this value", who(c)), c.anchor());
                }
            }
            out.push(f);
        }
        let any_container_bad = pod
            .containers
            .iter()
            .any(|c| read(c.sc(self.field)).is_some_and(|s| !s.good));
        let (mut explicit, mut implicit, mut covered) = (Vec::new(), Vec::new(), 0);
        for c in &pod.containers {
            match read(c.sc(self.field)) {
                Some(s) if !s.good => {
                    explicit.push(c.name);
                    let path = format!("{}{}", c.sc_path(self.field), self.value_path);
                    out.push(
                        finding(
                            format!("{reason}: {}", (self.sets)(&who(c), &s.text)),
                            Some(c),
                            s.at.span(),
                            path.clone(),
                        )
                        .with_fix((self.fix_bad)(&path)),
                    );
                    values.push(s.text);
                }
                Some(_) => {}
                None if pod_good => covered += 1,
                None => {
                    implicit.push(c.name);
                    // A container that inherits the pod's bad value is reported with the pod value.
                    if pod_value.is_none() {
                        let target = if any_container_bad {
                            c.sc_path(self.field)
                        } else {
                            pod.sc_path(self.field)
                        };
                        out.push(
                            finding(
                                format!("{reason}: neither the pod nor {} {}", who(c), self.unset),
                                Some(c),
                                c.anchor(),
                                c.sc_path(self.field),
                            )
                            .with_fix((self.fix_unset)(&target)),
                        );
                    }
                }
            }
        }
        if !explicit.is_empty() {
            setters.push(containers_phrase(&explicit));
        }
        if !setters.is_empty() {
            return Verdict::Denied {
                reason: reason.to_string(),
                detail: format!("{} {}", setters.join(" and "), (self.must_not)(values)),
            };
        }
        if !implicit.is_empty() {
            return Verdict::Denied {
                reason: reason.to_string(),
                detail: format!("pod or {} {}", containers_phrase(&implicit), self.must_set),
            };
        }
        match (pod_value, self.and_pod) {
            (Some(s), _) if covered > 0 => Verdict::pass(
                format!(
                    "{} satisfied by the pod-level value at line {}",
                    self.field,
                    s.at.span().line
                ),
                line(s.at),
            ),
            (Some(s), Some(and_pod)) => {
                Verdict::pass(format!("{}{and_pod}", self.all_set), line(s.at))
            }
            _ => Verdict::pass(self.all_set, None),
        }
    }
}

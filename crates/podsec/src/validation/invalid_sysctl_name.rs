//! `invalid-sysctl-name`: a pod sysctl with an empty, malformed or repeated name (§4.6).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "invalid-sysctl-name",
    level: FindingLevel::Rejected,
    summary: "a securityContext.sysctls name that is empty, malformed or repeated",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags entries of `spec.securityContext.sysctls` whose `name` is missing or empty, longer than 253 characters or not of the sysctl form (lower-case segments of letters, digits, `-` and `_`, separated by `.` or `/`), or already used by an earlier entry.",
        why: "The API server refuses the object.
Upper-case letters, spaces, a trailing dot or a `=value` pasted into the name are the usual slips.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_syncookies
        value: \"1\"
      - name: net.ipv4.tcp_syncookies
        value: \"0\"
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_syncookies
        value: \"1\"
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: which entry is meant is for a human to say.",
        policy: "API-server validation in every Kubernetes version this tool models.",
        references: &["https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// The regular expression the API server prints.
const REGEX: &str = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

/// Whether a name matches the sysctl syntax.
pub(super) fn valid(name: &str) -> bool {
    if name.len() > 253 || name.is_empty() {
        return false;
    }
    name.split(['.', '/']).all(|seg| {
        let b = seg.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        let mid = |c: &u8| edge(c) || *c == b'-' || *c == b'_';
        match (b.first(), b.last()) {
            (Some(f), Some(l)) => edge(f) && edge(l) && b.iter().all(mid),
            _ => false,
        }
    })
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let sysctls = ctx.pod.sc("sysctls").map(Node::items).unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for (j, s) in sysctls.into_iter().enumerate() {
        let path = format!("{}[{j}].name", ctx.pod.sc_path("sysctls"));
        let name_node = s.field("name");
        let name = name_node.and_then(Node::text).unwrap_or("");
        let at = name_node.map_or_else(|| s.span(), Node::span);
        if name.is_empty() {
            out.push(ctx.report(&CHECK, format!("{path}: Required value"), None, at, path));
            continue;
        }
        if !valid(name) {
            out.push(ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go_quote(name)),
                    &format!("must have at most 253 characters and match regex {REGEX}"),
                ),
                None,
                at,
                path,
            ));
        } else if seen.contains(&name) {
            out.push(ctx.report(
                &CHECK,
                format!("{path}: Duplicate value: {}", go_quote(name)),
                None,
                at,
                path,
            ));
        }
        seen.push(name);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn names() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - {name: kernel.shm_rmid_forced, value: \"1\"}\n    - {name: Net.Core.X, value: \"1\"}\n    - {value: \"1\"}\n    - {name: kernel.shm_rmid_forced, value: \"0\"}\n    - {name: net/ipv4/ip_forward, value: \"0\"}\n  containers: [{name: a}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            8:14 spec.securityContext.sysctls[1].name spec.securityContext.sysctls[1].name: Invalid value: "Net.Core.X": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$
            9:7 spec.securityContext.sysctls[2].name spec.securityContext.sysctls[2].name: Required value
            10:14 spec.securityContext.sysctls[3].name spec.securityContext.sysctls[3].name: Duplicate value: "kernel.shm_rmid_forced"
        "#]],
        );
    }

    #[test]
    fn syntax() {
        for ok in [
            "a",
            "net.ipv4.tcp_syncookies",
            "net/ipv4/conf/eth0.100/forwarding",
            "a-b_c.d",
        ] {
            assert!(super::valid(ok), "{ok}");
        }
        for bad in ["", "a.", ".a", "a..b", "-a", "a_", "A", "a b", "a=1"] {
            assert!(!super::valid(bad), "{bad}");
        }
    }
}

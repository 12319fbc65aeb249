//! Where a rendered object came from: the template of a Helm chart or the base or overlay file of a
//! Kustomize build.
//!
//! `helm template` writes `# Source: CHART/templates/FILE.yaml` after each `---`; `kustomize build`
//! with `buildMetadata: [originAnnotations]` (or `--enable-alpha-plugins`) writes the annotation
//! `config.kubernetes.io/origin`, whose value is itself YAML (`path:`, and `repo:` and `ref:` for a
//! remote base, or `configuredIn:` for a generated object). Neither tool is needed: podsec reads what
//! they print.

use crate::yaml::{self, Node};

/// The annotation Kustomize writes with `buildMetadata: [originAnnotations]`.
pub const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";

/// Where the object whose mapping is `object` (the root of `doc`, or an item of its `List`) came
/// from: the Kustomize origin annotation when it has one, else the `# Source:` comment Helm wrote
/// above its document. Reads the object and the comment lines above the document, so a `List` of
/// many items costs the same per item.
#[must_use]
pub fn of(text: &str, doc: &yaml::Document, object: Node<'_>) -> Option<String> {
    let root = doc.root()?;
    origin(object).or_else(|| helm_source(text, root.span().start))
}

/// The file named by the Kustomize origin annotation: `path`, prefixed by `repo` (and suffixed by
/// `ref`) for a remote base as Kustomize spells one, or `configuredIn` for a generated object.
fn origin(object: Node<'_>) -> Option<String> {
    let value = object
        .get("metadata")?
        .get("annotations")?
        .get(ORIGIN_ANNOTATION)?
        .as_str()?;
    let field = |name: &str| {
        value.lines().find_map(|l| {
            let rest = l.trim_start().strip_prefix(name)?.strip_prefix(':')?;
            let v = rest.trim().trim_matches(['"', '\'']);
            (!v.is_empty()).then(|| v.to_string())
        })
    };
    let path = field("path").or_else(|| field("configuredIn"))?;
    Some(match (field("repo"), field("ref")) {
        (Some(repo), Some(r)) => format!("{repo}//{path}?ref={r}"),
        (Some(repo), None) => format!("{repo}//{path}"),
        _ => path,
    })
}

/// The `# Source:` comment among the comment lines right above the document's first node (Helm
/// writes it after the `---`; a template's own leading comments may follow it).
fn helm_source(text: &str, root_start: usize) -> Option<String> {
    let before = text.get(..root_start)?;
    for line in before.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let comment = line.strip_prefix('#')?;
        if let Some(source) = comment.trim_start().strip_prefix("Source:") {
            let source = source.trim();
            return (!source.is_empty()).then(|| source.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::{Options, analyze};

    fn sources(text: &str) -> Vec<(String, Option<String>)> {
        analyze(text, &Options::default())
            .objects
            .into_iter()
            .map(|o| (o.name, o.source))
            .collect()
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  containers: [{name: c, image: i}]\n";

    #[test]
    fn helm_source_comments_name_each_document() {
        let text = format!(
            "---\n# Source: web/templates/a.yaml\n{}---\n# Source: web/templates/b.yaml\n# Copyright the authors\n\n{}---\n{}",
            POD.replace("NAME", "a"),
            POD.replace("NAME", "b"),
            POD.replace("NAME", "c"),
        );
        assert_eq!(
            sources(&text),
            [
                ("a".into(), Some("web/templates/a.yaml".into())),
                ("b".into(), Some("web/templates/b.yaml".into())),
                ("c".into(), None),
            ]
        );
    }

    #[test]
    fn a_source_comment_inside_the_previous_document_does_not_leak() {
        // The comment is below the first document's content: it belongs to no document start.
        let text = format!(
            "{}  # Source: nope.yaml\n---\n{}",
            POD.replace("NAME", "a"),
            POD.replace("NAME", "b")
        );
        assert_eq!(sources(&text), [("a".into(), None), ("b".into(), None)]);
    }

    #[test]
    fn kustomize_origin_annotations_name_the_base_or_overlay() {
        let with = |name: &str, origin: &str| {
            POD.replace("NAME", name).replace(
                "metadata:\n",
                &format!("metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n{origin}"),
            )
        };
        let text = [
            with("local", "      path: base/deployment.yaml\n"),
            with(
                "remote",
                "      path: examples/multibases/base/pod.yaml\n      repo: https://github.com/kubernetes-sigs/kustomize\n      ref: v1.0.6\n",
            ),
            with(
                "generated",
                "      configuredIn: overlays/prod/kustomization.yaml\n      configuredBy:\n        apiVersion: builtin\n        kind: ConfigMapGenerator\n",
            ),
        ]
        .join("---\n");
        assert_eq!(
            sources(&format!("# Source: helm-wins-not.yaml\n{text}")),
            [
                ("local".into(), Some("base/deployment.yaml".into())),
                (
                    "remote".into(),
                    Some("https://github.com/kubernetes-sigs/kustomize//examples/multibases/base/pod.yaml?ref=v1.0.6".into())
                ),
                (
                    "generated".into(),
                    Some("overlays/prod/kustomization.yaml".into())
                ),
            ]
        );
    }

    #[test]
    fn list_items_carry_their_own_origin() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n    annotations:\n      config.kubernetes.io/origin: 'path: a.yaml'\n  spec:\n    containers: [{name: c, image: i}]\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec:\n    containers: [{name: c, image: i}]\n";
        assert_eq!(
            sources(text),
            [("a".into(), Some("a.yaml".into())), ("b".into(), None)]
        );
    }

    /// Items of a flow `List` start on one line: each still has its own origin (they were told
    /// apart by line, and the second took the first's).
    #[test]
    fn items_on_one_line_carry_their_own_origin() {
        let item = |n: &str| {
            format!(
                "{{apiVersion: v1, kind: Pod, metadata: {{name: {n}, annotations: {{config.kubernetes.io/origin: 'path: {n}.yaml'}}}}, spec: {{containers: [{{name: c, image: i}}]}}}}"
            )
        };
        let text = format!(
            "apiVersion: v1\nkind: List\nitems: [{}, {}]\n",
            item("a"),
            item("b")
        );
        assert_eq!(
            sources(&text),
            [
                ("a".into(), Some("a.yaml".into())),
                ("b".into(), Some("b.yaml".into()))
            ]
        );
    }
}

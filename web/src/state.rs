//! The playground's state: the user's inputs, the messages that change them, and a pure `update`.
//!
//! Only inputs live here. Everything derived from them (the analysis) is computed from a `Model`
//! by the view, so it can never go stale. Nothing here touches the browser, so these tests run
//! natively with `cargo test -p podsec-web`.

use std::rc::Rc;

use podsec::{Options, PssLevel, Version};

/// The manifest shown on first load.
pub const EXAMPLE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: example/migrate:1.0
      containers:
        - name: app
          image: example/app:1.0
          securityContext:
            allowPrivilegeEscalation: false
";

/// What the user has entered.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The manifest text, as typed.
    pub text: Rc<str>,
    /// The analysis options chosen.
    pub options: Options,
}

impl Default for Model {
    fn default() -> Self {
        Model {
            text: Rc::from(EXAMPLE),
            options: Options::default(),
        }
    }
}

/// One user intent.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// The manifest text changed.
    Edit(String),
    /// A Pod Security Standards level was chosen.
    SetLevel(PssLevel),
    /// A policy version was chosen.
    SetVersion(Version),
}

/// The model after `msg`.
#[must_use]
pub fn update(model: &Model, msg: Msg) -> Model {
    match msg {
        Msg::Edit(text) => Model {
            text: Rc::from(text),
            ..model.clone()
        },
        Msg::SetLevel(level) => Model {
            options: Options {
                level,
                ..model.options.clone()
            },
            ..model.clone()
        },
        Msg::SetVersion(version) => Model {
            options: Options {
                version,
                ..model.options.clone()
            },
            ..model.clone()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_the_example_at_restricted_latest() {
        let model = Model::default();
        assert_eq!(&*model.text, EXAMPLE);
        assert_eq!(model.options.level, PssLevel::Restricted);
        assert_eq!(model.options.version, Version::Latest);
    }

    #[test]
    fn edit_replaces_the_text_only() {
        let model = update(&Model::default(), Msg::SetLevel(PssLevel::Baseline));
        let edited = update(&model, Msg::Edit("kind: Pod\n".into()));
        assert_eq!(&*edited.text, "kind: Pod\n");
        assert_eq!(edited.options, model.options);
    }

    #[test]
    fn options_change_one_at_a_time() {
        let model = update(&Model::default(), Msg::SetVersion(Version::Minor(25)));
        assert_eq!(model.options.version, Version::Minor(25));
        assert_eq!(model.options.level, PssLevel::Restricted);
        let model = update(&model, Msg::SetLevel(PssLevel::Baseline));
        assert_eq!(model.options.level, PssLevel::Baseline);
        assert_eq!(model.options.version, Version::Minor(25));
        assert_eq!(&*model.text, EXAMPLE);
    }

    #[test]
    fn the_same_message_twice_changes_nothing_more() {
        let once = update(&Model::default(), Msg::Edit("a: 1\n".into()));
        assert_eq!(update(&once, Msg::Edit("a: 1\n".into())), once);
    }
}

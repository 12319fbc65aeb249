//! An in-process client drives the server over an in-memory connection, as an editor would.

use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::{Diagnostic, PublishDiagnosticsParams, TextEdit, Url};
use serde_json::{Value, json};

use super::serve;

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1.0
          securityContext:
            privileged: true
";

/// A client holding one end of the connection, the server running on the other in a thread.
struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    next: i32,
}

impl Client {
    fn start(root: Option<&std::path::Path>, options: Value) -> Client {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server));
        let mut client = Client {
            conn,
            server: Some(handle),
            next: 0,
        };
        let root_uri = root.map(|r| Url::from_directory_path(r).expect("absolute").to_string());
        let init = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {},
                "initializationOptions": options,
            }),
        );
        assert!(
            init["capabilities"]["hoverProvider"]
                .as_bool()
                .unwrap_or(false),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn recv(&self) -> Message {
        // A bound so that a broken server fails the test instead of hanging it.
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .expect("send");
        loop {
            if let Message::Response(r) = self.recv() {
                assert_eq!(r.id, id);
                assert!(r.error.is_none(), "{method}: {:?}", r.error);
                return r.result.unwrap_or(Value::Null);
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .expect("send");
    }

    /// The next diagnostics the server publishes.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        loop {
            if let Message::Notification(n) = self.recv()
                && n.method == "textDocument/publishDiagnostics"
            {
                let p: PublishDiagnosticsParams =
                    serde_json::from_value(n.params).expect("diagnostics");
                return p.diagnostics;
            }
        }
    }

    fn open(&self, uri: &Url, text: &str) -> Vec<Diagnostic> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
        self.diagnostics()
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().expect("running");
        server
            .join()
            .expect("server thread")
            .expect("server ends cleanly");
    }
}

fn codes(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .filter_map(|d| match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// (line, character) of `needle`'s first occurrence, 0-based.
fn position(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).expect("needle");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (line as u32, col as u32)
}

fn apply(text: &str, edit: &TextEdit) -> String {
    let offset = |line: u32, ch: u32| {
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize)
            .map(str::len)
            .sum();
        start + ch as usize // ASCII test text
    };
    let (s, e) = (
        offset(edit.range.start.line, edit.range.start.character),
        offset(edit.range.end.line, edit.range.end.character),
    );
    format!("{}{}{}", &text[..s], edit.new_text, &text[e..])
}

#[test]
fn diagnostics_code_action_and_the_diagnostic_goes() {
    let mut client = Client::start(None, Value::Null);
    let uri = Url::parse("file:///work/web.yaml").expect("uri");
    let diags = client.open(&uri, DEPLOY);
    let privileged = diags
        .iter()
        .find(|d| d.code == Some(lsp_types::NumberOrString::String("privileged".into())))
        .expect("a privileged diagnostic");
    // Exactly the value `true` on line 12.
    let (line, col) = position(DEPLOY, "true");
    assert_eq!(
        (
            privileged.range.start.line,
            privileged.range.start.character
        ),
        (line, col)
    );
    assert_eq!(
        (privileged.range.end.line, privileged.range.end.character),
        (line, col + 4)
    );
    assert_eq!(
        privileged.severity,
        Some(lsp_types::DiagnosticSeverity::ERROR)
    );
    assert_eq!(privileged.source.as_deref(), Some("podsec"));

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": privileged.range,
            "context": { "diagnostics": [privileged] },
        }),
    );
    let actions = actions.as_array().expect("actions");
    let action = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "privileged")
        .unwrap_or_else(|| panic!("no action for privileged: {actions:#?}"));
    let title = action["title"].as_str().expect("title");
    assert!(
        title.contains("(safe fix)") || title.contains("(unsafe fix"),
        "{title}"
    );
    let edits: Vec<TextEdit> =
        serde_json::from_value(action["edit"]["changes"][uri.as_str()].clone()).expect("edits");
    assert_eq!(edits.len(), 1);
    let fixed = apply(DEPLOY, &edits[0]);
    assert_ne!(fixed, DEPLOY);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": fixed }],
        }),
    );
    let after = client.diagnostics();
    assert!(
        !codes(&after).contains(&"privileged".to_string()),
        "{fixed}\n{after:#?}"
    );
    assert!(codes(&diags).len() > codes(&after).len());
    client.stop();
}

#[test]
fn hover_and_completion() {
    let mut client = Client::start(None, Value::Null);
    let uri = Url::parse("file:///work/web.yaml").expect("uri");
    client.open(&uri, DEPLOY);
    let (line, col) = position(DEPLOY, "privileged:");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col + 2 } }),
    );
    let md = hover["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{hover}"));
    assert!(md.starts_with("**privileged**"), "{md}");
    assert!(
        md.contains("container `app`: `true` from container (line 12)"),
        "{md}"
    );
    assert_eq!(hover["range"]["start"]["character"], col);
    assert_eq!(hover["range"]["end"]["character"], col + 10);

    // While a key is being typed the text does not parse; completion reads the indentation.
    let text = DEPLOY.replace(
        "            privileged: true\n",
        "            privileged: true\n            runAs\n",
    );
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    client.diagnostics();
    let (line, col) = position(&text, "runAs\n");
    let items = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col + 5 } }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"runAsNonRoot"), "{labels:?}");
    assert!(labels.contains(&"allowPrivilegeEscalation"), "{labels:?}");
    client.stop();
}

#[test]
fn settings_from_podsec_toml_and_initialization_options() {
    let dir = std::env::temp_dir().join(format!("podsec-lsp-config-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("legacy")).expect("mkdir");
    std::fs::write(
        dir.join(".podsec.toml"),
        "level = \"baseline\"\n[[overrides]]\npaths = [\"legacy\"]\nlevel = \"privileged\"\n",
    )
    .expect("write");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext: {privileged: true}\n";
    let app = Url::from_file_path(dir.join("app.yaml")).expect("uri");
    let legacy = Url::from_file_path(dir.join("legacy/pod.yaml")).expect("uri");

    // The file alone: baseline (privileged is reported, restricted's runAsNonRoot is not), and
    // privileged under legacy/.
    let client = Client::start(Some(&dir), Value::Null);
    let found = codes(&client.open(&app, pod));
    assert!(found.contains(&"privileged".to_string()), "{found:?}");
    assert!(!found.contains(&"runAsNonRoot".to_string()), "{found:?}");
    let found = codes(&client.open(&legacy, pod));
    assert!(!found.contains(&"privileged".to_string()), "{found:?}");
    client.stop();

    // initializationOptions win over the file.
    let client = Client::start(Some(&dir), json!({ "level": "restricted" }));
    let found = codes(&client.open(&legacy, pod));
    assert!(found.contains(&"runAsNonRoot".to_string()), "{found:?}");
    client.stop();

    // A mistake in them is an error of initialize, not a silent default.
    let (server, conn) = Connection::memory();
    let handle = std::thread::spawn(move || serve(&server));
    conn.sender
        .send(
            Request::new(
                RequestId::from(1),
                "initialize".into(),
                json!({ "capabilities": {}, "initializationOptions": { "level": "strict" } }),
            )
            .into(),
        )
        .expect("send");
    match conn
        .receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("answer")
    {
        Message::Response(r) => {
            let e = r.error.expect("an error");
            assert!(
                e.message.contains("unknown level \"strict\""),
                "{}",
                e.message
            );
        }
        other => panic!("{other:?}"),
    }
    handle.join().expect("thread").expect("clean end");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn inline_ignores_hide_the_diagnostic_and_a_missing_reason_is_reported() {
    let client = Client::start(None, Value::Null);
    let uri = Url::parse("file:///work/web.yaml").expect("uri");
    let ignored = DEPLOY.replace(
        "privileged: true\n",
        "privileged: true  # podsec:ignore=privileged the node agent needs it\n",
    );
    assert!(!codes(&client.open(&uri, &ignored)).contains(&"privileged".to_string()));
    let no_reason = DEPLOY.replace(
        "privileged: true\n",
        "privileged: true  # podsec:ignore=privileged\n",
    );
    let uri2 = Url::parse("file:///work/other.yaml").expect("uri");
    let diags = client.open(&uri2, &no_reason);
    assert!(codes(&diags).contains(&"privileged".to_string()));
    assert!(
        diags.iter().any(
            |d| d.message.contains("needs a check ID and a reason") && d.range.start.line == 11
        ),
        "{diags:#?}"
    );
    client.stop();
}

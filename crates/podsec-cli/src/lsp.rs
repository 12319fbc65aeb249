//! `podsec lsp`: a Language Server on standard input and output.
//!
//! Every answer comes from the core: diagnostics are the analysis's findings and errors (exact byte
//! ranges, related locations), code actions apply a finding's fix with `podsec::harden::apply_patches`
//! (safe or unsafe, as labelled; manual fixes are not offered), hover and completion come from
//! `podsec::editor`. Settings are those of `.podsec.toml` in the workspace root (or its nearest
//! ancestor), with the client's `initializationOptions` (same names) on top.
//!
//! Documents are synchronised whole (`TextDocumentSyncKind::FULL`) and analysed on every change:
//! analysis of a large manifest takes milliseconds.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CompletionItem, CompletionItemKind, CompletionParams,
    CompletionResponse, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    HoverContents, HoverParams, HoverProviderCapability, InitializeParams, Location, MarkupContent,
    MarkupKind, NumberOrString, Position, PublishDiagnosticsParams, Range, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use podsec::{Analysis, Applicability, Finding, FindingLevel};

use crate::config::{Config, Settings};

/// Runs the server on standard input and output until the client says `exit`.
pub(crate) fn run_stdio() -> Result<()> {
    let (connection, io) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io.join()?;
    Ok(())
}

/// Runs the server on a connection: the initialize handshake, then messages until shutdown.
pub(crate) fn serve(connection: &Connection) -> Result<()> {
    let (id, params) = connection.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).context("initialize params")?;
    let server = Server::new(&init);
    let mut server = match server {
        Ok(s) => s,
        Err(e) => {
            let message = format!("{e:#}");
            connection.sender.send(
                Response::new_err(id, lsp_server::ErrorCode::InvalidParams as i32, message).into(),
            )?;
            return Ok(());
        }
    };
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "-".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": { "name": "podsec", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                let response = server.request(req);
                connection.sender.send(response.into())?;
            }
            Message::Notification(n) => {
                for out in server.notification(&n) {
                    connection.sender.send(out.into())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

struct Server {
    config: Config,
    flags: Settings,
    documents: BTreeMap<Url, String>,
}

impl Server {
    fn new(init: &InitializeParams) -> Result<Server> {
        #[allow(deprecated)] // root_uri: older clients send only it.
        let root = init
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or_else(|| init.root_uri.clone())
            .and_then(|u| u.to_file_path().ok());
        let config = match root {
            Some(root) => Config::discover(&root)?,
            None => Config::default(),
        };
        let flags: Settings = match &init.initialization_options {
            None | Some(Value::Null) => Settings::default(),
            Some(v) => serde_json::from_value(v.clone()).context("initializationOptions")?,
        };
        flags
            .apply(&mut podsec::Options::default())
            .map_err(|e| anyhow::anyhow!("initializationOptions: {e}"))?;
        Ok(Server {
            config,
            flags,
            documents: BTreeMap::new(),
        })
    }

    fn options(&self, uri: &Url) -> podsec::Options {
        let path = uri.to_file_path().ok().map_or_else(
            || "-".to_string(),
            |p: PathBuf| p.to_string_lossy().into_owned(),
        );
        self.config.options_for(&path, &self.flags)
    }

    fn analyze(&self, uri: &Url) -> Option<(&str, Analysis)> {
        let text = self.documents.get(uri)?;
        Some((text, podsec::analyze(text, &self.options(uri))))
    }

    fn notification(&mut self, n: &Notification) -> Vec<Notification> {
        let uri = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(&n.params) else {
                    return Vec::new();
                };
                self.documents
                    .insert(p.text_document.uri.clone(), p.text_document.text);
                p.text_document.uri
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(&n.params) else {
                    return Vec::new();
                };
                // Full synchronisation: the last change is the whole text.
                let Some(change) = p.content_changes.into_iter().next_back() else {
                    return Vec::new();
                };
                self.documents
                    .insert(p.text_document.uri.clone(), change.text);
                p.text_document.uri
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(&n.params) else {
                    return Vec::new();
                };
                self.documents.remove(&p.text_document.uri);
                return vec![publish(p.text_document.uri, Vec::new())];
            }
            _ => return Vec::new(),
        };
        let diagnostics = self
            .analyze(&uri)
            .map(|(text, a)| diagnostics(&uri, text, &a))
            .unwrap_or_default();
        vec![publish(uri, diagnostics)]
    }

    fn request(&self, req: Request) -> Response {
        let result = match req.method.as_str() {
            CodeActionRequest::METHOD => parse(&req.params).map(|p| self.code_actions(&p)),
            HoverRequest::METHOD => parse(&req.params).map(|p| self.hover(&p)),
            Completion::METHOD => parse(&req.params).map(|p| self.completion(&p)),
            _ => {
                return Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("podsec does not handle {}", req.method),
                );
            }
        };
        match result {
            Ok(value) => Response::new_ok(req.id, value),
            Err(e) => Response::new_err(
                req.id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        }
    }

    fn code_actions(&self, p: &CodeActionParams) -> Value {
        let uri = &p.text_document.uri;
        let Some((text, analysis)) = self.analyze(uri) else {
            return Value::Null;
        };
        let lines = Lines::new(text);
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        for o in &analysis.objects {
            for f in &o.findings {
                let Some(fix) = &f.fix else { continue };
                let range = lines.range(f.location.start, f.location.end);
                if fix.applicability == Applicability::Manual
                    || fix.patches.is_empty()
                    || !overlaps(range, p.range)
                {
                    continue;
                }
                let Ok(new) = podsec::harden::apply_patches(text, o.document, &fix.patches) else {
                    continue;
                };
                let Some(edit) = minimal_edit(&lines, text, &new) else {
                    continue;
                };
                let safe = fix.applicability == Applicability::Safe;
                let mut title = format!("{} ({} fix)", fix.title, fix.applicability.as_str());
                if let Some(note) = fix.note.as_deref().filter(|_| !safe) {
                    title = format!("{title}: {note}");
                }
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic(uri, &lines, f)]),
                    edit: Some(WorkspaceEdit {
                        changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                        ..Default::default()
                    }),
                    is_preferred: Some(safe),
                    ..Default::default()
                }));
            }
        }
        serde_json::to_value(actions).unwrap_or(Value::Null)
    }

    fn hover(&self, p: &HoverParams) -> Value {
        let uri = &p.text_document_position_params.text_document.uri;
        let Some((text, analysis)) = self.analyze(uri) else {
            return Value::Null;
        };
        let lines = Lines::new(text);
        let offset = lines.offset(p.text_document_position_params.position);
        let Some(h) = podsec::editor::hover(text, offset, &analysis) else {
            return Value::Null;
        };
        serde_json::to_value(lsp_types::Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(lines.range(h.start, h.end)),
        })
        .unwrap_or(Value::Null)
    }

    fn completion(&self, p: &CompletionParams) -> Value {
        let uri = &p.text_document_position.text_document.uri;
        let Some(text) = self.documents.get(uri) else {
            return Value::Null;
        };
        let lines = Lines::new(text);
        let offset = lines.offset(p.text_document_position.position);
        let items = podsec::editor::complete(text, offset)
            .into_iter()
            .map(|c| CompletionItem {
                kind: Some(if c.value {
                    CompletionItemKind::VALUE
                } else {
                    CompletionItemKind::FIELD
                }),
                detail: Some(c.detail),
                insert_text: Some(if c.value {
                    c.label.clone()
                } else {
                    format!("{}: ", c.label)
                }),
                label: c.label,
                ..Default::default()
            })
            .collect();
        serde_json::to_value(CompletionResponse::Array(items)).unwrap_or(Value::Null)
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: &Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(params.clone())
}

fn publish(uri: Url, diagnostics: Vec<Diagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

/// The diagnostics of an analysis: read errors (including malformed `podsec:ignore` comments)
/// and every finding that is not suppressed.
fn diagnostics(uri: &Url, text: &str, analysis: &Analysis) -> Vec<Diagnostic> {
    let lines = Lines::new(text);
    let mut out: Vec<Diagnostic> = analysis
        .errors
        .iter()
        .map(|e| Diagnostic {
            range: lines.rest_of_line(e.line, e.column),
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("podsec".into()),
            message: e.message_and_help(),
            ..Default::default()
        })
        .collect();
    for o in &analysis.objects {
        out.extend(o.findings.iter().map(|f| diagnostic(uri, &lines, f)));
    }
    out
}

fn diagnostic(uri: &Url, lines: &Lines<'_>, f: &Finding) -> Diagnostic {
    let severity = match f.level {
        FindingLevel::Rejected
        | FindingLevel::Refused
        | FindingLevel::Baseline
        | FindingLevel::Restricted => DiagnosticSeverity::ERROR,
        FindingLevel::Warning => DiagnosticSeverity::WARNING,
        FindingLevel::Hardening => DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: lines.rest_of_line(r.line, r.column),
            },
            message: r.message.clone(),
        })
        .collect();
    Diagnostic {
        range: lines.range(f.location.start, f.location.end),
        severity: Some(severity),
        code: Some(NumberOrString::String(f.check.to_string())),
        source: Some("podsec".into()),
        message: format!("{} ({})", f.message, f.level.as_str()),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

fn overlaps(a: Range, b: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

/// The one edit that turns `old` into `new`: the span between their common prefix and suffix.
fn minimal_edit(lines: &Lines<'_>, old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(TextEdit {
        range: lines.range(prefix, old.len() - suffix),
        new_text: new.get(prefix..new.len() - suffix)?.to_string(),
    })
}

/// Byte offsets to LSP positions (0-based lines, UTF-16 columns) and back.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    fn line(&self, n: usize) -> &'a str {
        let start = self.starts.get(n).copied().unwrap_or(self.text.len());
        let end = self
            .starts
            .get(n + 1)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        let line = self.text.get(start..end).unwrap_or("");
        line.strip_suffix('\r').unwrap_or(line)
    }

    fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let character = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(character).unwrap_or(u32::MAX),
        )
    }

    fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    fn offset(&self, p: Position) -> usize {
        let n = p.line as usize;
        let Some(&start) = self.starts.get(n) else {
            return self.text.len();
        };
        let mut units = 0;
        for (i, c) in self.line(n).char_indices() {
            if units >= p.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + self.line(n).len()
    }

    /// From a 1-based line and character column to the end of that line.
    fn rest_of_line(&self, line: usize, column: usize) -> Range {
        let n = line.saturating_sub(1);
        let text = self.line(n);
        let character: usize = text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf16)
            .sum();
        let to_u32 = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Range::new(
            Position::new(to_u32(n), to_u32(character)),
            Position::new(to_u32(n), to_u32(text.encode_utf16().count())),
        )
    }
}

#[cfg(test)]
mod tests;

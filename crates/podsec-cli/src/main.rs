//! The podsec command line: a thin shell over the `podsec` core.
//!
//! Exit codes (see `Status` and the help text): 0 when every input was read and Kubernetes would run
//! every object, 1 when it would not run some object (denied by Pod Security Admission, rejected by
//! the API server, refused by the kubelet or runtime), otherwise 2 for usage errors and unreadable
//! or unparseable input.

mod args;
mod config;
mod github;
mod input;
mod lessons;
mod lsp;
mod render;
mod sarif;
mod write;

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};

use anyhow::{Result, bail};
use podsec::Analysis;
use podsec::analysis::Part;

use args::{Command, Format};
use input::Input;

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`podsec check | head`) is not an error, whether it came through a
            // plain write or through the JSON writer (the JSON and SARIF formats).
            let broken =
                |kind: Option<std::io::ErrorKind>| kind == Some(std::io::ErrorKind::BrokenPipe);
            if broken(e.downcast_ref::<std::io::Error>().map(std::io::Error::kind))
                || broken(
                    e.downcast_ref::<serde_json::Error>()
                        .and_then(serde_json::Error::io_error_kind),
                )
            {
                return ExitCode::SUCCESS;
            }
            warn(format_args!("{}", render::clean(&format!("{e:#}"))));
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<u8> {
    let cmd = match args::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            warn(format_args!("{e}\n\n{}", args::USAGE));
            return Ok(2);
        }
    };
    match cmd {
        Command::Help => {
            std::io::stdout().lock().write_all(args::USAGE.as_bytes())?;
            Ok(0)
        }
        Command::Version => {
            writeln!(
                std::io::stdout().lock(),
                "podsec {}",
                env!("CARGO_PKG_VERSION")
            )?;
            Ok(0)
        }
        Command::Checks => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for c in podsec::check::all() {
                let default = if c.default_on {
                    ""
                } else {
                    " (off by default)"
                };
                writeln!(
                    out,
                    "{:<36} {:<10} {}{default}",
                    c.id,
                    c.level.as_str(),
                    c.summary
                )?;
            }
            out.flush()?;
            Ok(0)
        }
        Command::Explain { id, playground } => match podsec::docs::explain(&id, &playground) {
            Some(text) => {
                std::io::stdout().lock().write_all(text.as_bytes())?;
                Ok(0)
            }
            None => {
                warn(format_args!(
                    "no check named {id:?}; `podsec checks` lists them"
                ));
                Ok(2)
            }
        },
        Command::Check {
            settings,
            format,
            paths,
        } => check(&Project::new(settings)?, format, &paths),
        Command::Effective { settings, paths } => effective(&Project::new(settings)?, &paths),
        Command::Decode { paths } => decode(&paths),
        Command::Harden {
            settings,
            unsafe_,
            mode,
            force,
            paths,
        } => harden(&Project::new(settings)?, unsafe_, mode, force, &paths),
        Command::Lesson(request) => lessons::run(request),
        Command::Lsp => {
            lsp::run_stdio()?;
            Ok(0)
        }
    }
}

/// Writes `podsec: MESSAGE` to standard error, ignoring a failure (a closed pipe there must not
/// panic as `eprintln!` would).
fn warn(message: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "podsec: {message}");
}

/// A document that does not parse is left as it is by `harden`: says why, as `check` would, at
/// its place in the user's `text` (the rewrite's edits above it moved its lines in the rewrite).
fn left_unparsed(path: &str, text: &str, options: &podsec::Options) {
    for e in podsec::analysis::analyze_each(text, options, false, &mut |_| {}).errors {
        warn(format_args!(
            "{path}:{}:{}: {} (left as it is)",
            e.line,
            e.column,
            render::clean(&e.message)
        ));
        if let Some(help) = &e.help {
            let _ = writeln!(std::io::stderr().lock(), "  help: {}", render::clean(help));
        }
    }
}

fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// The flags of a run and the project configuration they sit on.
struct Project {
    flags: config::Settings,
    config: config::Config,
}

impl Project {
    fn new(setup: args::Setup) -> Result<Project> {
        let config = match &setup.config {
            args::ConfigChoice::Discover => config::Config::discover(Path::new("."))?,
            args::ConfigChoice::File(path) => config::Config::load(Path::new(path))?,
            args::ConfigChoice::None => config::Config::default(),
        };
        Ok(Project {
            flags: setup.flags,
            config,
        })
    }

    /// The options for one input (the configuration's overrides for its path, then the flags).
    fn options_for(&self, path: &str) -> podsec::Options {
        self.config.options_for(path, &self.flags)
    }
}

/// One input judged: its name, the options it was judged with, and the analysis.
pub(crate) struct Checked {
    pub(crate) path: String,
    pub(crate) options: podsec::Options,
    pub(crate) analysis: Analysis,
}

/// One input as the output formats read it: its name and options, its object reports in parts
/// (as an iterator of [`Part`]s: each object's head, findings, containers, suppressed findings and
/// end), then the rest of its analysis ([`Judged::finish`]). Whether the reports come from a whole
/// analysis ([`Judged::whole`]) or as the analysis makes them ([`Judged::stream`]), the formats
/// print the same.
pub(crate) struct Judged<'a> {
    pub(crate) path: String,
    pub(crate) options: podsec::Options,
    objects: Box<dyn Iterator<Item = Part> + 'a>,
    rest: Box<dyn FnOnce() -> Analysis + 'a>,
    status: &'a Seen,
}

impl<'a> Judged<'a> {
    /// The reports of an analysis made beforehand.
    fn whole(checked: Checked, status: &'a Seen) -> Judged<'a> {
        let Checked {
            path,
            options,
            mut analysis,
        } = checked;
        let objects = std::mem::take(&mut analysis.objects);
        Judged {
            path,
            options,
            objects: Box::new(objects.into_iter().flat_map(podsec::analysis::parts)),
            rest: Box::new(move || analysis),
            status,
        }
    }

    /// The reports of `text` in parts as the analysis makes them (see
    /// [`podsec::analysis::analyze_parts`]), on a thread of the scope: at most [`STREAM_AHEAD`]
    /// parts wait to be read, and each is dropped once read, so memory follows the largest
    /// document's tree and a bounded share of its largest object, not the whole text. Without a
    /// thread, the whole analysis.
    fn stream<'e: 'a>(
        scope: &'a std::thread::Scope<'a, 'e>,
        path: String,
        options: podsec::Options,
        text: &'e str,
        contexts: bool,
        status: &'e Seen,
    ) -> Judged<'a> {
        let (send, receive) = std::sync::mpsc::sync_channel(STREAM_AHEAD);
        let analysing = options.clone();
        let thread = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(scope, move || {
                // A report the reader no longer wants (it stopped on a write error) is dropped.
                podsec::analysis::analyze_parts(text, &analysing, contexts, &mut |p| {
                    let _ = send.send(p);
                })
            });
        match thread {
            Ok(thread) => Judged {
                path,
                options,
                objects: Box::new(receive.into_iter()),
                rest: Box::new(move || {
                    thread
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e))
                }),
                status,
            },
            Err(_) => {
                let analysis = analyze_text(text, &options, contexts);
                let checked = Checked {
                    path,
                    options,
                    analysis,
                };
                Judged::whole(checked, status)
            }
        }
    }

    /// The rest of the analysis: errors, skipped objects, namespace admission (`objects` empty).
    /// Reports not yet read are read first.
    pub(crate) fn finish(mut self) -> Analysis {
        for _ in self.by_ref() {}
        let analysis = (self.rest)();
        self.status
            .note(|s| s.errors |= !analysis.errors.is_empty());
        analysis
    }
}

impl Iterator for Judged<'_> {
    type Item = Part;

    /// The next part of an object's report; each head is counted into the exit status.
    fn next(&mut self) -> Option<Part> {
        let part = self.objects.next()?;
        if let Part::Head(head, summary) = &part {
            self.status.note(|s| s.stopped |= summary.stops(head));
        }
        Some(part)
    }
}

/// How many parts a streamed analysis may make ahead of the output.
const STREAM_AHEAD: usize = 16;

/// Reads and analyses every input, the inputs shared out across the machine's cores, and returns
/// them in input order, so the output is the same whatever the number of threads.
///
/// The queue is the input iterator behind a lock (each `next` reads one file); every thread,
/// this one included, takes the next input until none is left. The core stays single-threaded:
/// each analysis runs on one thread. Without `contexts`, each analysis leaves out the effective
/// contexts and passing checks (see [`podsec::analysis::analyze_verdicts`]): the formats that
/// print neither hold about 2 KB less per container.
fn check_all(
    project: &Project,
    inputs: impl Iterator<Item = Input> + Send,
    contexts: bool,
) -> Vec<Checked> {
    let queue = Mutex::new(inputs.enumerate());
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let helpers = cores.min(queue_len(&queue)).saturating_sub(1);
    let work = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((n, i)) = next else {
                return done;
            };
            let options = project.options_for(&i.path);
            let analysis = analyze(&i, &options, contexts);
            done.push((
                n,
                Checked {
                    path: i.path,
                    options,
                    analysis,
                },
            ));
        }
    };
    let mut done = std::thread::scope(|s| {
        // Helpers get the main thread's stack size; one that cannot start leaves its share to
        // the others.
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        let mut done = work();
        for h in handles {
            done.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        done
    });
    done.sort_unstable_by_key(|(n, _)| *n);
    done.into_iter().map(|(_, c)| c).collect()
}

/// How many inputs a queue still holds, as far as it knows (paths are listed before any is read).
fn queue_len<I: Iterator>(queue: &Mutex<I>) -> usize {
    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .size_hint()
        .0
}

/// `podsec check`. One input (the common case) is streamed: each object is printed as the
/// analysis makes it and then dropped, so memory follows the largest object, not the whole text.
/// Several inputs are analysed in parallel ([`check_all`]) and printed in input order by the same
/// output code.
fn check(project: &Project, format: Format, paths: &[String]) -> Result<u8> {
    // Only JSON shows the effective contexts and the passing checks.
    let contexts = format == Format::Json;
    let base = project.options_for("-");
    let seen = Seen::default();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut inputs = input::read_all(paths);
    let single = if inputs.len() == 1 {
        inputs.next()
    } else {
        None
    };
    match single {
        Some(Input {
            path,
            text: Ok(text),
            ..
        }) => {
            let options = project.options_for(&path);
            std::thread::scope(|s| {
                let file = Judged::stream(s, path, options, &text, contexts, &seen);
                print(&mut out, format, &base, std::iter::once(file))
            })?;
        }
        // Several inputs, or one that could not be read.
        unread => {
            let results = check_all(project, unread.into_iter().chain(inputs), contexts);
            print(&mut out, format, &base, whole(results, &seen))?;
        }
    }
    out.flush()?;
    Ok(seen.status().code())
}

/// Whole analyses as the output formats read them.
fn whole(results: Vec<Checked>, status: &Seen) -> impl Iterator<Item = Judged<'_>> {
    results.into_iter().map(|c| Judged::whole(c, status))
}

/// Writes the report of `files` in `format`.
fn print<'a>(
    out: &mut impl Write,
    format: Format,
    base: &podsec::Options,
    files: impl Iterator<Item = Judged<'a>>,
) -> Result<()> {
    match format {
        Format::Json => {
            render::json(out, base, files)?;
            writeln!(out)?;
        }
        Format::Sarif => {
            sarif::sarif(out, files)?;
            writeln!(out)?;
        }
        Format::Github => github::annotations(out, files)?,
        Format::Text => render::text(out, files, color_enabled())?,
    }
    Ok(())
}

/// Analyses one input; one that could not be read is an analysis with that error, so that every
/// output format reports it with its file name like a parse error.
fn analyze(input: &Input, options: &podsec::Options, contexts: bool) -> Analysis {
    match &input.text {
        Ok(text) => analyze_text(text, options, contexts),
        Err(e) => {
            let mut a = podsec::analyze("", options);
            a.errors.push(podsec::ParseError {
                message: e.message.clone(),
                line: e.line,
                column: e.column,
                document: None,
                help: None,
            });
            a
        }
    }
}

/// The whole analysis of a text, with or without the effective contexts and passing checks.
fn analyze_text(text: &str, options: &podsec::Options, contexts: bool) -> Analysis {
    if contexts {
        podsec::analyze(text, options)
    } else {
        podsec::analysis::analyze_verdicts(text, options)
    }
}

/// The exit status: 1 when Kubernetes would not run some object, else 2 when some input could not
/// be read or parsed, else 0 (usage errors exit with 2 before any of this).
#[derive(Default, Clone, Copy)]
struct Status {
    stopped: bool,
    errors: bool,
}

impl Status {
    fn add(&mut self, a: &Analysis) {
        self.errors |= !a.errors.is_empty();
        self.stopped |= a.objects.iter().any(podsec::ObjectReport::stops);
    }

    fn code(&self) -> u8 {
        if self.stopped {
            1
        } else {
            u8::from(self.errors) * 2
        }
    }

    /// Counts a rewrite `harden` wrote. `verdicts_stop` is what its pieces' verdicts say when
    /// they decide alone (see [`podsec::harden::harden_parts`]): then the rewrite is not read
    /// again, which for a `List` would hold the tree of the whole output. Otherwise the rewrite is
    /// analysed object by object for its verdicts only, none of the reports held (and an object of
    /// many containers not listed). Returns whether the rewrite holds a
    /// document that does not parse.
    fn add_rewrite(
        &mut self,
        result: &str,
        options: &podsec::Options,
        verdicts_stop: Option<bool>,
    ) -> bool {
        if let Some(stop) = verdicts_stop {
            self.stopped |= stop;
            return false;
        }
        let mut stopped = false;
        let rest = podsec::analysis::analyze_heads(result, options, &mut |head, summary| {
            stopped |= summary.stops(head);
        });
        self.add(&rest);
        self.stopped |= stopped;
        !rest.errors.is_empty()
    }
}

/// What the exit status reads of the inputs, counted as their reports pass through [`Judged`].
#[derive(Default)]
pub(crate) struct Seen(Cell<Status>);

impl Seen {
    fn note(&self, change: impl FnOnce(&mut Status)) {
        let mut status = self.0.get();
        change(&mut status);
        self.0.set(status);
    }

    fn status(&self) -> Status {
        self.0.get()
    }
}

/// `podsec decode`: every document as the JSON Kubernetes sees, or its error, one line each.
fn decode(paths: &[String]) -> Result<u8> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut errors = false;
    for input in input::read_all(paths) {
        let path = serde_json::to_string(&input.path)?;
        let text = match &input.text {
            Ok(text) => text,
            Err(e) => {
                errors = true;
                let message = serde_json::to_string(&e.message)?;
                writeln!(
                    out,
                    "{{\"file\":{path},\"line\":{},\"error\":{message}}}",
                    e.line
                )?;
                continue;
            }
        };
        for d in podsec::yaml::decode_documents(text) {
            match d.result {
                Ok(json) => writeln!(
                    out,
                    "{{\"file\":{path},\"line\":{},\"json\":{json}}}",
                    d.line
                )?,
                Err((message, span)) => {
                    errors = true;
                    let message = serde_json::to_string(&message)?;
                    writeln!(
                        out,
                        "{{\"file\":{path},\"line\":{},\"error\":{message},\"at\":[{},{}]}}",
                        d.line, span.line, span.col
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(u8::from(errors) * 2)
}

fn effective(project: &Project, paths: &[String]) -> Result<u8> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut errors = false;
    for c in check_all(project, input::read_all(paths), true) {
        render::effective(&mut out, &c.path, &c.analysis, color_enabled())?;
        errors |= !c.analysis.errors.is_empty();
    }
    out.flush()?;
    Ok(u8::from(errors) * 2)
}

fn harden(
    project: &Project,
    unsafe_: bool,
    mode: args::HardenMode,
    force: bool,
    paths: &[String],
) -> Result<u8> {
    if mode == args::HardenMode::Write && paths.iter().any(|p| p == "-") {
        bail!("--write needs file paths, not standard input");
    }
    let threshold = if unsafe_ {
        podsec::Applicability::Unsafe
    } else {
        podsec::Applicability::Safe
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut status = Status::default();
    for input in input::read_all(paths) {
        let options = project.options_for(&input.path);
        let hopts = podsec::HardenOptions {
            analysis: options.clone(),
            threshold,
        };
        let path = render::clean(&input.path);
        let text = match &input.text {
            Ok(text) => text,
            Err(e) => {
                warn(format_args!(
                    "{path}:{}:{}: {}",
                    e.line,
                    e.column,
                    render::clean(&e.message)
                ));
                status.errors = true;
                continue;
            }
        };
        // The rewrite a part at a time: each part's text is joined and its report rendered as it
        // comes, so that memory follows the largest piece, not every edit of the text.
        let mut result = String::with_capacity(text.len() + text.len() / 2);
        let mut report = render::HardenReport::default();
        // Whether the parts' verdicts say some object of the rewrite is stopped.
        let mut verdicts_stop = false;
        let decided = podsec::harden::harden_parts(text, &hopts, &mut |part| match part {
            podsec::harden::Part::Piece(h) => {
                result.push_str(&h.text);
                report.add(&path, &h);
                verdicts_stop |= h.objects.iter().any(podsec::harden::ObjectVerdict::stops);
            }
            podsec::harden::Part::Restart => {
                result.clear();
                report = render::HardenReport::default();
                verdicts_stop = false;
            }
        });
        let written = match mode {
            args::HardenMode::Stdout => out.write_all(result.as_bytes()).map(|()| true),
            args::HardenMode::Diff => {
                let d = podsec::diff::unified(
                    &format!("a/{}", input.path.trim_start_matches('/')),
                    &format!("b/{}", input.path.trim_start_matches('/')),
                    text,
                    &result,
                );
                out.write_all(d.as_bytes()).map(|()| true)
            }
            args::HardenMode::Write => {
                if let Some((file, stamp)) = &input.file
                    && result != *text
                    && let Err(e) = write::replace(file, *stamp, &result, force)
                {
                    warn(format_args!("{path}: {}", render::clean(&format!("{e:#}"))));
                    status.errors = true;
                    Ok(false)
                } else {
                    Ok(true)
                }
            }
        }?;
        if written {
            let _ = report.write(&mut std::io::BufWriter::new(std::io::stderr().lock()));
        }
        drop(report);
        if status.add_rewrite(&result, &options, decided.then_some(verdicts_stop)) {
            left_unparsed(&path, text, &options);
        }
    }
    out.flush()?;
    Ok(status.code())
}

#[cfg(test)]
mod tests;

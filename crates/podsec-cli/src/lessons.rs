//! `podsec lessons` and `podsec lesson N [FILE]`: the guided lessons of the core, for workshops
//! and the CI of training repositories.
//!
//! The core judges; this module only finds the lesson, reads the file and prints the
//! [`podsec::lessons::Progress`].

use std::io::Write;

use anyhow::Result;
use podsec::lessons::{self, Lesson};

use crate::args::Format;
use crate::render::clean;

/// What was asked.
pub(crate) enum Request {
    /// `podsec lessons`: the list.
    List,
    /// `podsec lesson N`: the lesson itself; `podsec lesson N FILE`: an attempt judged.
    Show {
        lesson: String,
        path: Option<String>,
        format: Format,
    },
}

/// Builds the request from the words after the subcommand.
pub(crate) fn request(
    sub: &str,
    mut words: Vec<String>,
    format: Format,
) -> Result<Request, String> {
    if sub == "lessons" {
        return if words.is_empty() {
            Ok(Request::List)
        } else {
            Err("lessons takes no arguments (podsec lesson N FILE checks one)".to_string())
        };
    }
    if words.is_empty() || words.len() > 2 {
        return Err("lesson needs a lesson number or ID, and optionally a FILE".to_string());
    }
    let path = (words.len() == 2).then(|| words.remove(1));
    Ok(Request::Show {
        lesson: words.remove(0),
        path,
        format,
    })
}

/// Runs the request: 0 when listed, shown or passed, 1 when an attempt does not pass yet, 2 for
/// an unknown lesson or an unreadable file.
pub(crate) fn run(request: Request) -> Result<u8> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let code = match request {
        Request::List => {
            for (i, l) in lessons::all().iter().enumerate() {
                writeln!(out, "{:>2}  {:<32} {}", i + 1, l.id, l.title)?;
            }
            0
        }
        Request::Show {
            lesson,
            path,
            format,
        } => {
            let found = lesson
                .parse::<usize>()
                .ok()
                .and_then(lessons::by_number)
                .or_else(|| lessons::find(&lesson));
            let Some(l) = found else {
                crate::warn(format_args!(
                    "no lesson {:?}; `podsec lessons` lists them",
                    clean(&lesson)
                ));
                return Ok(2);
            };
            match path {
                None => {
                    show(&mut out, l, format)?;
                    0
                }
                Some(path) => judge(&mut out, l, &path, format)?,
            }
        }
    };
    out.flush()?;
    Ok(code)
}

fn show(out: &mut impl Write, l: &Lesson, format: Format) -> Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, l)?;
        writeln!(out)?;
        return Ok(());
    }
    let n = lessons::number(l.id).unwrap_or(0);
    writeln!(out, "Lesson {n}: {} ({})\n", l.title, l.id)?;
    writeln!(out, "{}\n\nGoals:", l.explanation)?;
    writeln!(out, "  - {}", lessons::KEEP_GOAL)?;
    for g in l.goals {
        writeln!(out, "  - {}", g.text)?;
    }
    writeln!(
        out,
        "\nStarting manifest (save it, edit it, then run `podsec lesson {n} FILE`):\n\n{}",
        l.start
    )?;
    Ok(())
}

fn judge(out: &mut impl Write, l: &Lesson, path: &str, format: Format) -> Result<u8> {
    let Some(input) = crate::input::read_all(&[path.to_string()]).next() else {
        return Ok(2);
    };
    let text = match &input.text {
        Ok(text) => text,
        Err(e) => {
            crate::warn(format_args!(
                "{}:{}:{}: {}",
                clean(&input.path),
                e.line,
                e.column,
                clean(&e.message)
            ));
            return Ok(2);
        }
    };
    let progress = l.check(text);
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &progress)?;
        writeln!(out)?;
    } else {
        let n = lessons::number(l.id).unwrap_or(0);
        writeln!(out, "Lesson {n}: {}", l.title)?;
        for g in &progress.goals {
            let mark = if g.met { "[x]" } else { "[ ]" };
            writeln!(out, "  {mark} {}\n        {}", g.text, clean(&g.why))?;
        }
        if progress.done {
            writeln!(out, "\nDone. What you learned:\n{}", l.learned)?;
        } else {
            let met = progress.goals.iter().filter(|g| g.met).count();
            writeln!(
                out,
                "\n{met} of {} goals met. First hint: {}",
                progress.goals.len(),
                l.hints.first().copied().unwrap_or("none")
            )?;
        }
    }
    Ok(u8::from(!progress.done))
}

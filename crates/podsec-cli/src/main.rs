//! The podsec command line: a thin shell over the `podsec` core.
//!
//! Exit codes (ripgrep's convention): 0 when every object is admitted and everything parsed, 1 when
//! any object is denied, 2 for usage errors and unreadable or unparseable input.

mod args;
mod render;
mod sarif;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use args::{Command, Format};

fn main() -> ExitCode {
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // A closed pipe (`podsec check | head`) is not an error.
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("podsec: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<u8> {
    let cmd = match args::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("podsec: {e}\n\n{}", args::USAGE);
            return Ok(2);
        }
    };
    match cmd {
        Command::Help => {
            print!("{}", args::USAGE);
            Ok(0)
        }
        Command::Version => {
            println!("podsec {}", env!("CARGO_PKG_VERSION"));
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
        Command::Explain(id) => match podsec::docs::explain(&id) {
            Some(text) => {
                print!("{text}");
                Ok(0)
            }
            None => {
                eprintln!("podsec: no check named {id:?}; `podsec checks` lists them");
                Ok(2)
            }
        },
        Command::Check {
            options,
            format,
            paths,
        } => check(&options, format, &paths),
        Command::Effective { options, paths } => effective(&options, &paths),
        Command::Harden {
            options,
            unsafe_,
            mode,
            paths,
        } => harden(&options, unsafe_, mode, &paths),
    }
}

/// One input: a display path and its text.
struct Input {
    path: String,
    file: Option<PathBuf>,
    text: String,
}

fn read_inputs(paths: &[String]) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for p in paths {
        if p == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading standard input")?;
            inputs.push(Input {
                path: "-".into(),
                file: None,
                text,
            });
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files).with_context(|| format!("reading directory {p}"))?;
            files.sort();
            for f in files {
                let text = read_text(&f)?;
                inputs.push(Input {
                    path: f.display().to_string(),
                    file: Some(f),
                    text,
                });
            }
        } else {
            let text = read_text(path)?;
            inputs.push(Input {
                path: p.clone(),
                file: Some(path.to_path_buf()),
                text,
            });
        }
    }
    Ok(inputs)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not UTF-8 text (byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

fn check(options: &podsec::Options, format: Format, paths: &[String]) -> Result<u8> {
    let inputs = read_inputs(paths)?;
    let results: Vec<(String, podsec::Analysis)> = inputs
        .iter()
        .map(|i| (i.path.clone(), podsec::analyze(&i.text, options)))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &render::json(options, &results))?;
            writeln!(out)?;
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut out, &sarif::sarif(&results))?;
            writeln!(out)?;
        }
        Format::Text => render::text(&mut out, options, &results, color_enabled())?,
    }
    out.flush()?;
    Ok(exit_code(&results))
}

fn exit_code(results: &[(String, podsec::Analysis)]) -> u8 {
    if results.iter().any(|(_, a)| !a.errors.is_empty()) {
        2
    } else if results
        .iter()
        .any(|(_, a)| a.objects.iter().any(|o| !o.allowed))
    {
        1
    } else {
        0
    }
}

fn effective(options: &podsec::Options, paths: &[String]) -> Result<u8> {
    let inputs = read_inputs(paths)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut results = Vec::new();
    for i in &inputs {
        let a = podsec::analyze(&i.text, options);
        render::effective(&mut out, &i.path, &a, color_enabled())?;
        results.push((i.path.clone(), a));
    }
    out.flush()?;
    Ok(if results.iter().any(|(_, a)| !a.errors.is_empty()) {
        2
    } else {
        0
    })
}

fn harden(
    options: &podsec::Options,
    unsafe_: bool,
    mode: args::HardenMode,
    paths: &[String],
) -> Result<u8> {
    let inputs = read_inputs(paths)?;
    if mode == args::HardenMode::Write && inputs.iter().any(|i| i.file.is_none()) {
        bail!("--write needs file paths, not standard input");
    }
    let hopts = podsec::HardenOptions {
        analysis: options.clone(),
        threshold: if unsafe_ {
            podsec::Applicability::Unsafe
        } else {
            podsec::Applicability::Safe
        },
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut code = 0;
    for input in &inputs {
        let hardened = podsec::harden(&input.text, &hopts);
        let analysis = podsec::analyze(&hardened.text, options);
        if !analysis.errors.is_empty() {
            code = 2;
        } else if analysis.objects.iter().any(|o| !o.allowed) && code == 0 {
            code = 1;
        }
        match mode {
            args::HardenMode::Stdout => out.write_all(hardened.text.as_bytes())?,
            args::HardenMode::Diff => {
                let d = podsec::diff::unified(
                    &format!("a/{}", input.path.trim_start_matches('/')),
                    &format!("b/{}", input.path.trim_start_matches('/')),
                    &input.text,
                    &hardened.text,
                );
                out.write_all(d.as_bytes())?;
            }
            args::HardenMode::Write => {
                if let Some(file) = &input.file
                    && hardened.text != input.text
                {
                    write_atomically(file, &hardened.text)?;
                }
            }
        }
        for e in &hardened.edits {
            let mark = if e.applied { "applied" } else { "not applied" };
            eprintln!(
                "{}: [{}] {} ({mark})",
                input.path,
                e.grade.as_str(),
                e.title
            );
        }
    }
    out.flush()?;
    Ok(code)
}

/// Writes next to the file, then renames over it: the original is never half-written.
fn write_atomically(file: &Path, text: &str) -> Result<()> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.podsec.tmp"));
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(file) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, file).with_context(|| format!("replacing {}", file.display()))?;
    Ok(())
}

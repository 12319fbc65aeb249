//! Argument parsing (lexopt): flags map one to one onto `podsec::Options`.

use std::ffi::OsString;

use lexopt::prelude::*;

/// The help text.
pub(crate) const USAGE: &str = "\
podsec: the effective security context of Kubernetes workloads, Pod Security Standards and a hardened rewrite

USAGE:
    podsec check     [OPTIONS] [--format text|json|sarif] PATH...
    podsec effective [OPTIONS] PATH...
    podsec harden    [OPTIONS] [--unsafe] [--diff | --write [--force]] PATH...
    podsec explain   CHECK-ID
    podsec checks
    podsec decode    PATH...

decode prints each document as the JSON Kubernetes' YAML decoder (sigs.k8s.io/yaml over go-yaml
v2) makes of it, one line per document: {\"line\":N,\"json\":...} or {\"line\":N,\"error\":...}.
It is the reading every check sees (merge keys, YAML 1.1 booleans, tags, octal).

PATH is a file, a directory or - for standard input. A directory is searched for .yaml, .yml
and .json files, in name order; symbolic links are followed, each directory once (loops end).
An input larger than 32 MiB, or not UTF-8, is reported with its name and the others still run.

OPTIONS:
    -l, --level LEVEL          privileged | baseline | restricted (default restricted)
    -v, --version VERSION      latest | v1.N (default latest)
        --runtime RUNTIME      containerd | cri-o (default containerd)
        --kube-version 1.N     Kubernetes version of the cluster (default: newest known)
        --seccomp-default      the kubelet runs with seccompDefault: true
        --no-apparmor          the nodes have AppArmor disabled
        --image-user NAME=USER the image of container NAME runs as USER (repeatable)
        --enable RULE          turn on a hardening rule that is off by default (repeatable)
        --disable RULE         turn off a hardening rule (repeatable)
        --min-uid N            minimum UID for the low-uid rule (turns it on)

HARDEN:
        --unsafe               also apply fixes that may stop a working app
        --diff                 print a unified diff instead of the hardened text
        --write                replace each file with its hardened text: a new file with the
                               same mode and owner is written beside it, synced and renamed
                               over it, so a file is never half-written. A symbolic link is
                               written through to its target. Refused, with a message:
                               files with several hard links, files changed meanwhile,
                               read-only files (unless --force)
        --force                with --write, also replace read-only files

EXIT STATUS (of check, and of harden judging the hardened text; effective exits 0 or 2):
    1  Kubernetes would not run some object: Pod Security Admission denies it at the chosen
       level, the API server rejects it (findings marked rejected), or the kubelet or runtime
       refuses it (findings marked refused). This wins over 2: a definite failure is reported
       even when another input could not be read.
    2  otherwise, some input could not be read, decoded or parsed, or --write refused or
       failed to write a file; also usage errors
    0  every input was read and every object would run
";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HardenMode {
    Stdout,
    Diff,
    Write,
}

pub(crate) enum Command {
    Help,
    Version,
    Checks,
    Explain(String),
    Check {
        options: podsec::Options,
        format: Format,
        paths: Vec<String>,
    },
    Effective {
        options: podsec::Options,
        paths: Vec<String>,
    },
    Decode {
        paths: Vec<String>,
    },
    Harden {
        options: podsec::Options,
        unsafe_: bool,
        mode: HardenMode,
        /// `--force`: `--write` replaces read-only files too.
        force: bool,
        paths: Vec<String>,
    },
}

pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut p = lexopt::Parser::from_args(args);
    let sub = match p.next().map_err(|e| e.to_string())? {
        Some(Value(v)) => v.string().map_err(|e| e.to_string())?,
        Some(Short('h') | Long("help")) | None => return Ok(Command::Help),
        Some(Short('V') | Long("version")) => return Ok(Command::Version),
        Some(other) => return Err(other.unexpected().to_string()),
    };
    let mut options = podsec::Options::default();
    let mut format = Format::Text;
    let mut unsafe_ = false;
    let mut mode = HardenMode::Stdout;
    let mut force = false;
    let mut paths = Vec::new();
    let mut explain = None;
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Short('l') | Long("level") => {
                let v = value(&mut p)?;
                options.level = podsec::PssLevel::parse(&v).ok_or(format!(
                    "unknown level {v:?} (privileged, baseline or restricted)"
                ))?;
            }
            Short('v') | Long("version") => {
                let v = value(&mut p)?;
                options.version = podsec::Version::parse(&v).ok_or(format!(
                    "invalid version {v:?}: use latest or v1.N (e.g. v1.30)"
                ))?;
            }
            Long("runtime") => {
                let v = value(&mut p)?;
                options.runtime = podsec::Runtime::parse(&v)
                    .ok_or(format!("unknown runtime {v:?} (containerd or cri-o)"))?;
            }
            Long("kube-version") => {
                let v = value(&mut p)?;
                let minor = v
                    .trim_start_matches('v')
                    .strip_prefix("1.")
                    .and_then(|m| m.parse::<u32>().ok())
                    .ok_or(format!("invalid Kubernetes version {v:?}: use 1.N"))?;
                options.kube_minor = Some(minor);
            }
            Long("seccomp-default") => options.seccomp_default = true,
            Long("no-apparmor") => options.apparmor_enabled = false,
            Long("image-user") => {
                let v = value(&mut p)?;
                let (name, user) = v
                    .split_once('=')
                    .ok_or(format!("--image-user takes NAME=USER, not {v:?}"))?;
                options
                    .image_users
                    .push((name.to_string(), user.to_string()));
            }
            Long("enable") => options.enable_rules.push(value(&mut p)?),
            Long("disable") => options.disable_rules.push(value(&mut p)?),
            Long("min-uid") => {
                let v = value(&mut p)?;
                options.min_uid = Some(
                    v.parse()
                        .map_err(|_| format!("--min-uid takes a number, not {v:?}"))?,
                );
            }
            Short('f') | Long("format") if sub == "check" => {
                format = match value(&mut p)?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    other => return Err(format!("unknown format {other:?} (text, json or sarif)")),
                };
            }
            Long("unsafe") if sub == "harden" => unsafe_ = true,
            Long("diff") if sub == "harden" => mode = HardenMode::Diff,
            Long("write") if sub == "harden" => mode = HardenMode::Write,
            Long("force") if sub == "harden" => force = true,
            Short('h') | Long("help") => return Ok(Command::Help),
            Value(v) => {
                let v = v.string().map_err(|e| e.to_string())?;
                if sub == "explain" {
                    explain = Some(v);
                } else {
                    paths.push(v);
                }
            }
            Short('-') => {}
            other => return Err(other.unexpected().to_string()),
        }
    }
    if force && mode != HardenMode::Write {
        return Err("--force only applies with --write".into());
    }
    let needs_paths = |paths: &Vec<String>| {
        if paths.is_empty() {
            Err("no PATH given (use - for standard input)".to_string())
        } else {
            Ok(())
        }
    };
    match sub.as_str() {
        "check" => {
            needs_paths(&paths)?;
            Ok(Command::Check {
                options,
                format,
                paths,
            })
        }
        "effective" => {
            needs_paths(&paths)?;
            Ok(Command::Effective { options, paths })
        }
        "harden" => {
            needs_paths(&paths)?;
            Ok(Command::Harden {
                options,
                unsafe_,
                mode,
                force,
                paths,
            })
        }
        "explain" => explain
            .map(Command::Explain)
            .ok_or_else(|| "explain needs a CHECK-ID".to_string()),
        "checks" => Ok(Command::Checks),
        "decode" => {
            needs_paths(&paths)?;
            Ok(Command::Decode { paths })
        }
        "help" => Ok(Command::Help),
        other => Err(format!("unknown command {other:?}")),
    }
}

fn value(p: &mut lexopt::Parser) -> Result<String, String> {
    p.value()
        .map_err(|e| e.to_string())?
        .string()
        .map_err(|e| e.to_string())
}

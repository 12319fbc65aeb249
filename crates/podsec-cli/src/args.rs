//! Argument parsing (lexopt): flags map one to one onto `podsec::Options`.

use std::ffi::OsString;

use lexopt::prelude::*;

use crate::config::Settings;

/// The help text.
pub(crate) const USAGE: &str = "\
podsec: the effective security context of Kubernetes workloads, Pod Security Standards and a hardened rewrite

USAGE:
    podsec check     [OPTIONS] [--format text|json|sarif|github] PATH...
    podsec effective [OPTIONS] PATH...
    podsec harden    [OPTIONS] [--unsafe] [--diff | --write [--force]] PATH...
    podsec explain   CHECK-ID [--playground URL]   (the Try it link of its Example opens the
                     playground at URL; default: `cargo xtask serve`'s address)
    podsec checks
    podsec decode    PATH...
    podsec lessons   (the guided lessons, numbered)
    podsec lesson    N [FILE] [--format text|json]   (shows lesson N, or checks FILE against it:
                     exit 0 when every goal is met, 1 when not yet)
    podsec lsp       (a language server on standard input and output, for editors)

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
        --admission-config FILE
                               the API server's PodSecurity configuration (an
                               AdmissionConfiguration or a PodSecurityConfiguration): the
                               defaults of unlabelled namespaces and the exempt namespaces,
                               runtime classes and users
    -n, --namespace NS         the namespace of objects that name none (default: default);
                               an object naming another is refused, as kubectl refuses it
        --as USER              the user that applies the objects (for usernames exemptions)
        --config FILE          read settings from FILE instead of the nearest .podsec.toml
                               in the current directory or its parents
        --no-config            read no .podsec.toml

CONFIGURATION:
    .podsec.toml holds the same settings (level, version, runtime, kube-version,
    seccomp-default, apparmor, image-users, enable, disable, min-uid) and [[overrides]] with
    paths = [GLOB...] for some inputs; flags win over it. A comment
    # podsec:ignore=CHECK[,CHECK] REASON suppresses those checks on its line (at a line's end),
    on the next line and the block under it (on its own line), or in the whole document (before
    its first line). The reason is required. Suppressed findings are listed as such in JSON and
    SARIF and do not change the exit status.

NAMESPACES:
    When the input holds a Namespace (v1) with pod-security.kubernetes.io/{enforce,audit,warn}
    and -version labels, or --admission-config or --namespace is given, check also decides
    each object in its namespace as the API server does, mode by mode, and prints what
    kubectl apply prints: Warning: lines for warn, Error from server (Forbidden) for enforce
    (Pods only: a workload is admitted and its controller's pods are refused, shown as the
    FailedCreate event), the audit annotations, and per namespace the strictest level its
    objects pass and the changes the next level up asks for. A pod refused by its namespace's
    enforce mode makes the exit status 1.

FORMATS (with one input, each object is written as soon as it is analysed):
    text     findings grouped by file, and by the template (helm template's # Source:) or
             base (kustomize's config.kubernetes.io/origin) each object was rendered from;
             a file's read errors follow its objects, the summary comes last
    json     the JSON contract: objects carry source and suppressed; keys come in the order
             they are known (a file's objects before its errors, skipped and admission, the
             top-level allowed last)
    sarif    SARIF 2.1.0 for code scanning; suppressed findings carry suppressions; results
             object by object, then a file's Namespace label errors and read errors
    github   GitHub Actions annotations (::error file=F,line=L,col=C,title=T::message); a
             file's read errors after its findings

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
    /// GitHub Actions workflow commands (`::error file=...::message`), one per finding.
    Github,
}

/// Which `.podsec.toml` to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ConfigChoice {
    /// The nearest one in the current directory or its ancestors.
    Discover,
    /// `--config FILE`.
    File(String),
    /// `--no-config`.
    None,
}

/// The settings of a run: the flags, and where the project configuration comes from.
#[derive(Clone, Debug)]
pub(crate) struct Setup {
    pub(crate) flags: Settings,
    pub(crate) config: ConfigChoice,
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
    Explain {
        id: String,
        playground: String,
    },
    Check {
        settings: Setup,
        format: Format,
        paths: Vec<String>,
    },
    Effective {
        settings: Setup,
        paths: Vec<String>,
    },
    Decode {
        paths: Vec<String>,
    },
    /// `podsec lsp`: the language server on standard input and output.
    Lsp,
    /// `podsec lessons`, `podsec lesson N [FILE]`.
    Lesson(crate::lessons::Request),
    Harden {
        settings: Setup,
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
    let mut flags = Settings::default();
    let mut config = ConfigChoice::Discover;
    let mut format = Format::Text;
    let mut unsafe_ = false;
    let mut mode = HardenMode::Stdout;
    let mut force = false;
    let mut paths = Vec::new();
    let mut explain = None;
    let mut playground = podsec::docs::PLAYGROUND_URL.to_string();
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Short('l') | Long("level") => flags.level = Some(value(&mut p)?),
            Short('v') | Long("version") => flags.version = Some(value(&mut p)?),
            Long("runtime") => flags.runtime = Some(value(&mut p)?),
            Long("kube-version") => flags.kube_version = Some(value(&mut p)?),
            Long("seccomp-default") => flags.seccomp_default = Some(true),
            Long("no-apparmor") => flags.apparmor = Some(false),
            Long("image-user") => {
                let v = value(&mut p)?;
                let (name, user) = v
                    .split_once('=')
                    .ok_or(format!("--image-user takes NAME=USER, not {v:?}"))?;
                flags.image_users.insert(name.to_string(), user.to_string());
            }
            Long("enable") => flags.enable.push(value(&mut p)?),
            Long("disable") => flags.disable.push(value(&mut p)?),
            Long("min-uid") => {
                let v = value(&mut p)?;
                flags.min_uid = Some(
                    v.parse()
                        .map_err(|_| format!("--min-uid takes a number, not {v:?}"))?,
                );
            }
            Long("admission-config") => {
                let path = value(&mut p)?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("--admission-config {path}: {e}"))?;
                if let Err(errors) = podsec::admission::config::parse(&text) {
                    return Err(format!("--admission-config {path}: {}", errors.join("; ")));
                }
                flags.admission_config = Some(text);
            }
            Short('n') | Long("namespace") => flags.namespace = Some(value(&mut p)?),
            Long("as") => flags.username = Some(value(&mut p)?),
            Long("config") => config = ConfigChoice::File(value(&mut p)?),
            Long("no-config") => config = ConfigChoice::None,
            Short('f') | Long("format") if sub == "check" || sub == "lesson" => {
                format = match value(&mut p)?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    "github" => Format::Github,
                    other => {
                        return Err(format!(
                            "unknown format {other:?} (text, json, sarif or github)"
                        ));
                    }
                };
            }
            Long("unsafe") if sub == "harden" => unsafe_ = true,
            Long("diff") if sub == "harden" => mode = HardenMode::Diff,
            Long("write") if sub == "harden" => mode = HardenMode::Write,
            Long("force") if sub == "harden" => force = true,
            Long("playground") if sub == "explain" => playground = value(&mut p)?,
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
    flags.apply(&mut podsec::Options::default())?;
    let settings = Setup { flags, config };
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
                settings,
                format,
                paths,
            })
        }
        "effective" => {
            needs_paths(&paths)?;
            Ok(Command::Effective { settings, paths })
        }
        "harden" => {
            needs_paths(&paths)?;
            Ok(Command::Harden {
                settings,
                unsafe_,
                mode,
                force,
                paths,
            })
        }
        "explain" => explain
            .map(|id| Command::Explain { id, playground })
            .ok_or_else(|| "explain needs a CHECK-ID".to_string()),
        "checks" => Ok(Command::Checks),
        "decode" => {
            needs_paths(&paths)?;
            Ok(Command::Decode { paths })
        }
        "lsp" => Ok(Command::Lsp),
        "lessons" | "lesson" => crate::lessons::request(&sub, paths, format).map(Command::Lesson),
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

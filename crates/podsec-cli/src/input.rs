//! Reading the inputs: standard input, files and directories, each read with a bound.
//!
//! Nothing here stops a run: a file that cannot be read becomes an [`Input`] whose text is a
//! [`ReadError`], reported with its name, and the other inputs are still read.

use std::collections::HashSet;
use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use podsec::yaml::MAX_INPUT_BYTES;

/// One input: the name shown, where it came from, and its text or why it could not be read.
pub(crate) struct Input {
    /// `-`, a path as given, or a path found in a directory.
    pub(crate) path: String,
    /// The file it was read from and its identity when read; `None` for standard input.
    pub(crate) file: Option<(PathBuf, Stamp)>,
    pub(crate) text: Result<String, ReadError>,
}

/// Why an input could not be read, with the place in it when there is one.
pub(crate) struct ReadError {
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl ReadError {
    fn whole(message: String) -> ReadError {
        ReadError {
            message,
            line: 1,
            column: 1,
        }
    }
}

/// A file's identity and version as `stat` tells them: `harden --write` refuses to replace a file
/// whose stamp changed since it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
}

impl Stamp {
    pub(crate) fn of(m: &Metadata) -> Stamp {
        Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
        }
    }
}

/// Where an input comes from, found before any is read.
enum Source {
    Stdin,
    /// A path to open, and the name shown.
    File(PathBuf, String),
    /// A name and why it cannot be read.
    Failed(String, String),
}

/// The inputs of every path in order: `-` is standard input, a directory is walked (see
/// [`walk`]). Each is read only when the iterator reaches it, so one text at a time is held.
pub(crate) fn read_all(paths: &[String]) -> impl ExactSizeIterator<Item = Input> {
    let mut sources = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if p == "-" {
            sources.push(Source::Stdin);
        } else if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            walk(path, &mut sources);
        } else {
            sources.push(Source::File(path.to_path_buf(), p.clone()));
        }
    }
    sources.into_iter().map(|s| match s {
        Source::Stdin => Input {
            path: "-".into(),
            file: None,
            text: read_bounded(std::io::stdin().lock(), "standard input"),
        },
        Source::File(path, shown) => read_file(&path, shown),
        Source::Failed(shown, message) => failed(shown, message),
    })
}

/// Walks a directory depth first, entries in byte order of their names, and lists every `.yaml`,
/// `.yml` and `.json` file in it.
///
/// Symbolic links are followed, but each directory (by device and inode) is entered once, so link
/// loops end and a directory reachable by two ways is read once.
/// Only regular files are read: a FIFO or device named `x.yaml` is reported, never opened.
fn walk(root: &Path, out: &mut Vec<Source>) {
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    // Entries still to visit, the next one last.
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let shown = path.display().to_string();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                // A dangling link or a vanished entry: worth a word only where a manifest was.
                if is_manifest(&path) {
                    out.push(Source::Failed(shown, e.to_string()));
                }
                continue;
            }
        };
        if meta.is_dir() {
            if !seen.insert((meta.dev(), meta.ino())) {
                continue;
            }
            match sorted_entries(&path) {
                Ok(entries) => stack.extend(entries.into_iter().rev()),
                Err(e) => out.push(Source::Failed(shown, format!("cannot list directory: {e}"))),
            }
        } else if is_manifest(&path) {
            if meta.is_file() {
                out.push(Source::File(path, shown));
            } else {
                out.push(Source::Failed(shown, "not a regular file; not read".into()));
            }
        }
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    entries.sort_unstable_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(entries)
}

fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn failed(path: String, message: String) -> Input {
    Input {
        path,
        file: None,
        text: Err(ReadError::whole(message)),
    }
}

fn read_file(path: &Path, shown: String) -> Input {
    let opened = File::open(path).and_then(|f| {
        let m = f.metadata()?;
        Ok((f, m))
    });
    let (file, meta) = match opened {
        Ok(x) => x,
        Err(e) => return failed(shown, e.to_string()),
    };
    if meta.is_file() && meta.len() > limit() {
        return failed(shown, too_large(Some(meta.len())));
    }
    Input {
        path: shown,
        file: Some((path.to_path_buf(), Stamp::of(&meta))),
        text: read_bounded(file, "file"),
    }
}

fn limit() -> u64 {
    u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX)
}

fn too_large(len: Option<u64>) -> String {
    let mib = MAX_INPUT_BYTES / (1024 * 1024);
    match len {
        Some(n) => format!(
            "too large: {} MiB (podsec reads at most {mib} MiB)",
            n.div_ceil(1024 * 1024)
        ),
        None => format!("too large: more than {mib} MiB (podsec reads at most {mib} MiB)"),
    }
}

/// Reads at most [`MAX_INPUT_BYTES`] and one byte more, to tell a text at the limit from a longer
/// one: an endless stream (`/dev/zero`) is refused after 32 MiB instead of filling the memory.
fn read_bounded(reader: impl Read, what: &str) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(limit().saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::whole(format!("reading {what}: {e}")))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ReadError::whole(too_large(None)));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to()))
}

/// Names the first byte that is not UTF-8 by line, column (in characters) and byte offset.
fn not_utf8(bytes: &[u8], valid: usize) -> ReadError {
    let prefix = bytes
        .get(..valid)
        .and_then(|p| std::str::from_utf8(p).ok())
        .unwrap_or_default();
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let byte = bytes.get(valid).copied().unwrap_or_default();
    let hint = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        " (it looks like UTF-16: save it as UTF-8)"
    } else {
        ""
    };
    ReadError {
        message: format!(
            "not UTF-8 text: byte 0x{byte:02x} at offset {valid} (line {line}, column {column}){hint}"
        ),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_utf8_names_line_column_and_offset() {
        let text = b"a: 1\nb: \xc3\xa9\xff\n";
        let e = read_bounded(&text[..], "test").expect_err("invalid");
        assert_eq!((e.line, e.column), (2, 5));
        assert_eq!(
            e.message,
            "not UTF-8 text: byte 0xff at offset 10 (line 2, column 5)"
        );
    }

    #[test]
    fn bounded_read_refuses_one_byte_over() {
        let at_limit = std::io::repeat(b' ').take(limit());
        assert_eq!(
            read_bounded(at_limit, "test").map(|t| t.len()).ok(),
            Some(MAX_INPUT_BYTES)
        );
        let e = read_bounded(std::io::repeat(b' '), "test").expect_err("endless");
        assert!(e.message.starts_with("too large"), "{}", e.message);
    }
}

//! `harden --write`: replaces a file as careful editors do, so that it is never half-written, never
//! briefly readable by others, and never anything but the old text or the whole new one.
//!
//! The procedure, for a file read with a given [`Stamp`]:
//! 1. a symbolic link is written through: its final target is replaced, the link stays;
//! 2. refused: anything but a regular file, a file with more than one hard link (a rename would
//!    split them), a read-only file unless `--force`, a file changed since it was read;
//! 3. a new file with a unique name is created with `O_EXCL` (never through a planted link) and
//!    mode 0600 in the target's directory, given the target's owner and group (`fchown`: works as
//!    root, or for a group of one's own; otherwise the write is refused rather than change the
//!    owner) and then its mode (`fchmod`), all before any data is written;
//! 4. the data is written and the file synced, the target's stamp checked once more, the new file
//!    renamed over it, and the directory synced;
//! 5. on any error before the rename the new file is removed.
//!
//! Concurrent runs each write a whole file under their own name; the rename makes the last one win,
//! and a run that sees the file changed since it read it refuses instead of undoing the other's work.

use std::fs::{File, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::input::Stamp;

/// Replaces `path` (read with `stamp`) with `text`; `force` writes read-only files too.
pub(crate) fn replace(path: &Path, stamp: Stamp, text: &str, force: bool) -> Result<()> {
    replace_with(path, stamp, force, |f| f.write_all(text.as_bytes()))
}

fn replace_with(
    path: &Path,
    stamp: Stamp,
    force: bool,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> Result<()> {
    let target = std::fs::canonicalize(path).context("resolving the path")?;
    let meta = std::fs::symlink_metadata(&target).context("reading its metadata")?;
    if !meta.is_file() {
        bail!("not a regular file; not written");
    }
    if Stamp::of(&meta) != stamp {
        bail!("changed since podsec read it; not written (run podsec again)");
    }
    if meta.nlink() > 1 {
        bail!(
            "has {} hard links, which replacing it would split; not written \
             (write `podsec harden FILE` to a file and copy it over instead)",
            meta.nlink()
        );
    }
    let read_only = meta.permissions().readonly()
        || OpenOptions::new()
            .write(true)
            .open(&target)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
    if read_only && !force {
        bail!(
            "is read-only (mode {:04o}); not written (--force writes it anyway)",
            meta.mode() & 0o7777
        );
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (mut file, mut temp) = create_temp(dir, &target)?;
    let new = file.metadata()?;
    if (new.uid(), new.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())).with_context(|| {
            format!(
                "cannot give the new file the owner {}:{}; not written, rather than change them",
                meta.uid(),
                meta.gid()
            )
        })?;
    }
    // After fchown, which clears the set-user-ID and set-group-ID bits.
    file.set_permissions(Permissions::from_mode(meta.mode() & 0o7777))
        .context("setting the new file's mode")?;
    write(&mut file).context("writing the new file")?;
    file.sync_all().context("syncing the new file")?;
    drop(file);
    let now = std::fs::symlink_metadata(&target).context("reading its metadata")?;
    if Stamp::of(&now) != stamp {
        bail!("changed while podsec was writing; not written (run podsec again)");
    }
    std::fs::rename(temp.path(), &target).context("renaming the new file over it")?;
    temp.keep();
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| {
            format!(
                "written, but syncing the directory {} failed",
                dir.display()
            )
        })?;
    Ok(())
}

/// A new file in `dir`, named `.NAME.podsec-PID-N.tmp` and created with `O_EXCL`, so it is never an
/// existing file or a link planted under a guessed name; it is removed when dropped unless kept.
fn create_temp(dir: &Path, target: &Path) -> Result<(File, Temp)> {
    // Short enough that the whole name stays under the usual 255-byte limit.
    let name = target.file_name().map_or(&[][..], OsStrExt::as_bytes);
    let name = String::from_utf8_lossy(name.get(..200).unwrap_or(name)).into_owned();
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0u32..100 {
        let path = dir.join(format!(".{name}.podsec-{pid}-{nanos:x}-{attempt}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => return Ok((f, Temp(Some(path)))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("creating a temporary file in {}", dir.display()));
            }
        }
    }
    bail!(
        "cannot create a temporary file in {}: 100 names taken",
        dir.display()
    )
}

/// The temporary file's path, removed on drop unless [`Temp::keep`] was called.
struct Temp(Option<PathBuf>);

impl Temp {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }
    fn keep(&mut self) {
        self.0 = None;
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("podsec-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    fn stamp(path: &Path) -> Stamp {
        Stamp::of(&std::fs::metadata(path).expect("stat"))
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_removes_the_temporary_file_and_keeps_the_original() {
        let dir = scratch("fail");
        let file = dir.join("pod.yaml");
        std::fs::write(&file, "old\n").expect("write");
        let err = replace_with(&file, stamp(&file), false, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .expect_err("fails");
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "old\n");
        assert_eq!(listing(&dir), ["pod.yaml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_stale_stamp_is_refused_before_anything_is_created() {
        let dir = scratch("stale");
        let file = dir.join("pod.yaml");
        std::fs::write(&file, "old\n").expect("write");
        let before = stamp(&file);
        std::fs::write(&file, "changed by someone else\n").expect("write");
        let err = replace(&file, before, "new\n", false).expect_err("stale");
        assert!(err.to_string().contains("changed since"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            "changed by someone else\n"
        );
        assert_eq!(listing(&dir), ["pod.yaml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! What several whole-pipeline tests share.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Every file of the manifest corpus (`../shared/corpus/files`), in path order; empty when the
/// corpus is not there.
pub(crate) fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files");
    let mut files = Vec::new();
    let mut todo = vec![dir];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// A container whose `drop` list is written before its `add` list (rules push `add` first), each
/// past the cap, some entries covered by an inline ignore.
pub(crate) fn container(name: &str, adds: usize, drops: usize) -> String {
    let mut t = format!(
        "  - name: {name}\n    image: i\n    securityContext:\n      capabilities:\n        drop:\n"
    );
    for i in 0..drops {
        let _ = write!(t, "        - CAP_D{i}");
        if i % 7 == 3 {
            t.push_str(" # podsec:ignore=cap-prefixed-capability checked by hand");
        }
        t.push('\n');
    }
    t.push_str("        add:\n");
    for i in 0..adds {
        let _ = writeln!(t, "        - CAP_A{i}");
    }
    t
}

//! `/var/task`: a function's unzipped source files on the host, mounted read-only into its
//! engine's instances, and the engine's `read-task-file` import.

use std::io;
use std::path::{Component, Path, PathBuf};

/// A function's source files in a private temporary folder, removed when dropped.
#[derive(Debug)]
pub struct TaskRoot {
    dir: tempfile::TempDir,
}

impl TaskRoot {
    /// Writes `files` (relative `/`-separated paths and their bytes) into a new folder.
    /// A path that would leave the folder is an error.
    pub fn write<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("s3lambda-task-")
            .tempdir()?;
        for (path, bytes) in files {
            let target = inside(dir.path(), path).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, format!("bad path {path}"))
            })?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, bytes)?;
        }
        Ok(Self { dir })
    }

    /// The folder on the host.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The bytes of the file at `path` (relative to `/var/task`; a leading `/var/task/`
    /// or `./` is allowed), if it is a file inside the folder.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        let relative = path
            .strip_prefix("/var/task/")
            .unwrap_or(path)
            .trim_start_matches("./");
        let target = inside(self.path(), relative)?;
        let meta = std::fs::symlink_metadata(&target).ok()?;
        if !meta.is_file() {
            return None;
        }
        std::fs::read(target).ok()
    }
}

/// `root` joined with `relative`, if `relative` is made of plain names only.
fn inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && relative.components().next().is_some()).then(|| root.join(relative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_and_read_back_and_nothing_leaves_the_root() {
        let root = TaskRoot::write([("a.js", &b"one"[..]), ("lib/b.js", b"two")]).unwrap();
        assert_eq!(root.read("a.js").as_deref(), Some(&b"one"[..]));
        assert_eq!(root.read("./lib/b.js").as_deref(), Some(&b"two"[..]));
        assert_eq!(
            root.read("/var/task/lib/b.js").as_deref(),
            Some(&b"two"[..])
        );
        for bad in [
            "../a.js",
            "/etc/passwd",
            "lib/../a.js",
            "",
            "lib",
            "missing.js",
        ] {
            assert_eq!(root.read(bad), None, "{bad}");
        }
        assert!(TaskRoot::write([("../x", &b""[..])]).is_err());
        let path = root.path().to_owned();
        drop(root);
        assert!(!path.exists());
    }
}

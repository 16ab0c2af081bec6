//! Writers of results. Every file is written whole to a temporary file beside its target and
//! renamed into place, so a reader never sees a half-written file and an interrupted run leaves
//! finished files intact.

pub mod charts;
pub mod park_charts;
pub mod sweep_charts;
pub mod tables;

use std::io::Write;
use std::path::Path;

/// Whether an I/O error is one the user can fix (permissions, a file where a folder is
/// expected, a full or read-only disk) rather than a bug.
pub fn is_user_fixable(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        kind,
        K::PermissionDenied
            | K::NotADirectory
            | K::IsADirectory
            | K::AlreadyExists
            | K::StorageFull
            | K::ReadOnlyFilesystem
            | K::QuotaExceeded
            | K::FileTooLarge
            | K::NotFound
            | K::DirectoryNotEmpty
            | K::InvalidFilename
    )
}

/// Check that `dir` can take a run's outputs before any work is done: it is a folder (or can
/// be created as one) and a file can be written in it.
///
/// # Returns
/// Whether the folder was created by this call (so that a failed run can remove it again).
///
/// # Errors
/// A message naming the folder and what to do, for a user to read.
pub fn prepare_output_dir(dir: &Path) -> Result<bool, String> {
    let hint = "choose another --out folder, or check its permissions and the free disk space";
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "output folder {} is a file, not a folder: {hint}",
            dir.display()
        ));
    }
    let created = !dir.exists();
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create output folder {}: {e}; {hint}", dir.display()))?;
    let probe = dir.join(format!(".parkenergy-probe-{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| f.write_all(b"p"));
    let _ = std::fs::remove_file(&probe);
    if let Err(e) = written {
        if created {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(format!(
            "cannot write in output folder {}: {e}; {hint}",
            dir.display()
        ));
    }
    Ok(created)
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder, flushed and synced,
/// then renamed over the target.
///
/// # Errors
/// Any I/O error, with the path in the message.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("a.csv");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        let entries: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }
}

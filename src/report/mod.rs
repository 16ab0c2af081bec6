//! Writers of results. Every file is written whole to a temporary file beside its target and
//! renamed into place, so a reader never sees a half-written file and an interrupted run leaves
//! finished files intact.

pub mod charts;
pub mod folder;
pub mod font;
pub mod html;
pub mod park_charts;
pub mod stream;
pub mod sweep_charts;
pub mod tables;
pub mod xlsx;

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

/// Prefix of the temporary files of [`write_atomic`].
const TMP_PREFIX: &str = ".parkenergy-tmp-";

/// An output folder checked and locked for a sweep, which writes into it in place: while it
/// lives, no other parkenergy run or sweep writes into the folder (see [`folder::lock`]).
#[derive(Debug)]
pub struct OutputDir {
    _lock: folder::FolderLock,
    /// Whether the folder was created by [`prepare_output_dir`].
    pub created: bool,
}

/// Check that `dir` can take a sweep's outputs before any work is done, lock it, and remove
/// the temporary files an earlier run that was killed left behind. (A `run` replaces its
/// folder whole instead: [`folder::Staging`].)
///
/// # Errors
/// A message naming the folder and what to do, for a user to read: the path is a file, cannot
/// be created or written, or another run holds the folder.
pub fn prepare_output_dir(dir: &Path) -> Result<OutputDir, String> {
    let hint = "choose another --out folder, or check its permissions and the free disk space";
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "output folder {} is a file, not a folder: {hint}",
            dir.display()
        ));
    }
    let lock = folder::lock(dir)?;
    let created = !dir.exists();
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create output folder {}: {e}; {hint}", dir.display()))?;
    let probe = tempfile::Builder::new().prefix(TMP_PREFIX).tempfile_in(dir);
    if let Err(e) = probe {
        if created {
            let _ = std::fs::remove_dir_all(dir);
        }
        return Err(format!(
            "cannot write in output folder {}: {e}; {hint}",
            dir.display()
        ));
    }
    remove_stale_temporaries(dir);
    Ok(OutputDir {
        _lock: lock,
        created,
    })
}

/// Remove the temporary files of [`write_atomic`] that a killed run left in `dir` and its
/// sub-folders (called with the folder's lock held, so no live run owns them).
pub(crate) fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        let name = e.file_name();
        if t.is_dir() {
            remove_stale_temporaries(&e.path());
        } else if t.is_file() && name.to_string_lossy().starts_with(TMP_PREFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
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
    let result = (|| {
        std::fs::create_dir_all(dir)?;
        // Created exclusively under an unpredictable name (a planted link cannot be followed),
        // removed when dropped on any error path.
        // Readable as any file the user creates (0666 less the umask), not tempfile's 0600.
        let mut tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
    })
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

    #[test]
    fn a_second_run_into_a_locked_folder_is_refused_and_stale_temporaries_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = prepare_output_dir(&out).unwrap();
        assert!(first.created);
        let e = prepare_output_dir(&out).unwrap_err();
        assert!(
            e.contains("another parkenergy run") && e.contains(".out.parkenergy.lock"),
            "{e}"
        );
        drop(first);
        // A killed run's temporaries (any depth) are removed by the next run.
        std::fs::create_dir_all(out.join("charts")).unwrap();
        let stale = out.join("charts").join(format!("{TMP_PREFIX}abc123"));
        std::fs::write(&stale, "half").unwrap();
        std::fs::write(out.join("keep.csv"), "x").unwrap();
        let again = prepare_output_dir(&out).unwrap();
        assert!(!again.created);
        assert!(!stale.exists());
        assert!(out.join("keep.csv").exists());
    }

    #[test]
    fn atomic_write_does_not_follow_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        // Old temporary names were predictable: a link there would have been written through.
        let planted = dir.path().join(format!(".a.csv.tmp{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_atomic(&dir.path().join("a.csv"), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read(dir.path().join("a.csv")).unwrap(), b"new");
    }
}

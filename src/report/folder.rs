//! Output folders that cannot lie.
//!
//! A run writes its files into a hidden staging folder beside the output folder
//! (`.NAME.parkenergy-staging-XXXXXX`), writes the manifest [`MANIFEST`] (`run.json`: scenario
//! hash, version, every file with its size and SHA-256) last, and then puts the staging folder
//! in the output folder's place in one step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two
//! renames, with a recovery of the earlier folder by the next run when killed between them).
//! Whenever a run is killed, the output folder is therefore absent, the earlier finished one or
//! the new finished one; what a killed run leaves beside it (its staging folder) is removed by
//! the next run into the same folder.
//!
//! One run or sweep at a time writes into a folder: each holds an advisory lock (`flock`) on
//! `.NAME.parkenergy.lock` beside the folder, released by the operating system when the
//! process ends, killed or not.

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Name of the manifest a finished run writes last.
pub const MANIFEST: &str = "run.json";

/// Version of the manifest's format.
const MANIFEST_FORMAT: u32 = 1;

/// Infix of the lock file beside an output folder.
const LOCK_INFIX: &str = ".parkenergy.lock";
/// Infix of a staging folder beside an output folder.
const STAGING_INFIX: &str = ".parkenergy-staging-";
/// Infix of an earlier output folder being replaced (two-rename fallback).
const OLD_INFIX: &str = ".parkenergy-old-";

/// Names a run of an earlier version wrote at the top of its folder (a folder holding only
/// these, and `charts/` and `hourly/`, may be replaced although it has no manifest).
const LEGACY_NAMES: &[&str] = &[
    "summary.json",
    "enterprises.csv",
    "bills.csv",
    "measures.csv",
    "cashflows.csv",
    ".parkenergy.lock",
];

const HINT: &str = "choose another --out folder, or check its permissions and the free disk space";

/// The manifest of a finished run (`run.json`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Format version of this file.
    pub format: u32,
    /// The program and its version.
    pub program: String,
    /// The command that wrote the folder (`run`).
    pub command: String,
    /// The scenario file as given.
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// The options that change what is written (`--hourly`, `--lang`).
    pub options: Vec<String>,
    /// Every file of the folder but the manifest, sorted by path.
    pub files: Vec<ManifestFile>,
}

/// One file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    /// Path relative to the folder, with `/` separators.
    pub path: String,
    /// Size [bytes].
    pub bytes: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 and size of a file, read in blocks.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex(&h.finalize())))
}

/// Every regular file under `dir` (relative paths with `/`, sorted), refusing links and other
/// special files.
fn list_files(dir: &Path) -> std::io::Result<Vec<String>> {
    fn walk(root: &Path, rel: &str, out: &mut Vec<String>) -> std::io::Result<()> {
        let here = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(rel)
        };
        for e in std::fs::read_dir(&here)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let t = e.file_type()?;
            if t.is_dir() {
                walk(root, &path, out)?;
            } else if t.is_file() {
                out.push(path);
            } else {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} is a link or special file", root.join(&path).display()),
                ));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

/// Write the manifest of the folder `dir` (every file in it but the manifest), atomically.
///
/// # Errors
/// An I/O error naming the file.
pub fn write_manifest(
    dir: &Path,
    command: &str,
    scenario: &Path,
    scenario_sha256: &str,
    options: Vec<String>,
) -> std::io::Result<Manifest> {
    let mut files = Vec::new();
    for rel in list_files(dir)? {
        if rel == MANIFEST || is_temporary(&rel) {
            continue;
        }
        let (bytes, sha256) = hash_file(&dir.join(&rel))
            .map_err(|e| std::io::Error::new(e.kind(), format!("{rel}: {e}")))?;
        files.push(ManifestFile {
            path: rel,
            bytes,
            sha256,
        });
    }
    let m = Manifest {
        format: MANIFEST_FORMAT,
        program: format!("parkenergy {}", env!("CARGO_PKG_VERSION")),
        command: command.to_string(),
        scenario: scenario.display().to_string(),
        scenario_sha256: scenario_sha256.to_string(),
        options,
        files,
    };
    let text = serde_json::to_string_pretty(&m).map_err(std::io::Error::other)? + "\n";
    super::write_atomic(&dir.join(MANIFEST), text.as_bytes())?;
    Ok(m)
}

/// Whether a relative path names a temporary file of [`super::write_atomic`].
fn is_temporary(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with(super::TMP_PREFIX))
}

/// Read a folder's manifest.
///
/// # Errors
/// A message naming the file when it is missing or not a manifest.
pub fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let p = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&p).map_err(|e| {
        format!(
            "{}: {e}; a folder without {MANIFEST} is not a finished run",
            p.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not a run manifest: {e}", p.display()))
}

/// Check a folder against its manifest: every listed file present with its size and hash, and
/// no other file. Returns the manifest, or every difference found.
///
/// # Errors
/// The differences, one per line, or why the manifest cannot be read.
pub fn verify(dir: &Path) -> Result<Manifest, String> {
    let m = read_manifest(dir)?;
    let mut problems = Vec::new();
    let listed: BTreeSet<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    for f in &m.files {
        match hash_file(&dir.join(&f.path)) {
            Err(e) => problems.push(format!("{}: {e}", f.path)),
            Ok((bytes, sha)) if bytes != f.bytes || sha != f.sha256 => problems.push(format!(
                "{}: {bytes} bytes, sha256 {sha}; the manifest says {} bytes, sha256 {}",
                f.path, f.bytes, f.sha256
            )),
            Ok(_) => {}
        }
    }
    match list_files(dir) {
        Err(e) => problems.push(e.to_string()),
        Ok(all) => {
            for rel in all {
                if rel != MANIFEST && !listed.contains(rel.as_str()) {
                    problems.push(format!("{rel}: not in the manifest"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(m)
    } else {
        Err(problems.join("\n"))
    }
}

/// The lock of one output folder; released when dropped or when the process ends.
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

/// The folder's absolute path, its parent and its name (the parent is created).
fn resolve(dir: &Path) -> Result<(PathBuf, PathBuf, String), String> {
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(dir)
    };
    // `..`, `.` and links resolved where the path exists.
    let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(format!(
            "output folder {} has no parent folder; {HINT}",
            dir.display()
        ));
    };
    std::fs::create_dir_all(parent).map_err(|e| {
        format!(
            "cannot create output folder {} (its parent {}: {e}); {HINT}",
            dir.display(),
            parent.display()
        )
    })?;
    let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    let name = name.to_string_lossy().into_owned();
    Ok((parent.join(&name), parent, name))
}

/// Lock the output folder `dir` for this process (the lock file sits beside the folder).
///
/// # Errors
/// A message naming the folder: another run holds it, or the lock cannot be written.
pub fn lock(dir: &Path) -> Result<FolderLock, String> {
    let (_, parent, name) = resolve(dir)?;
    lock_in(&parent, &name, dir)
}

fn lock_in(parent: &Path, name: &str, shown: &Path) -> Result<FolderLock, String> {
    let lock_path = parent.join(format!(".{name}{LOCK_INFIX}"));
    if std::fs::symlink_metadata(&lock_path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "{} is a symbolic link; remove it",
            lock_path.display()
        ));
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            format!(
                "cannot write beside output folder {} ({}): {e}; {HINT}",
                shown.display(),
                lock_path.display()
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(FolderLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "another parkenergy run or sweep is writing into {} (it holds {}); wait for it to finish, or choose another --out folder",
            shown.display(),
            lock_path.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!(
            "cannot lock output folder {}: {e}; {HINT}",
            shown.display()
        )),
    }
}

/// A run's output in the making: files are written under [`Staging::path`] and put in the
/// output folder's place by [`Staging::finish`]. Dropped unfinished (an error), the staging
/// folder is removed and the output folder is left as it was.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    parent: PathBuf,
    name: String,
    path: PathBuf,
    finished: bool,
    _lock: FolderLock,
}

impl Staging {
    /// Check that the output folder `dir` can be replaced by a run's results, lock it, clear
    /// what killed runs left beside it, and create the staging folder.
    ///
    /// # Errors
    /// A message naming the folder and what to do: the path is a file, a mount point or a
    /// folder holding files that are not a run's outputs (they would be lost); it cannot be
    /// written; or another run holds it.
    pub fn begin(dir: &Path) -> Result<Staging, String> {
        let (target, parent, name) = resolve(dir)?;
        let lock = lock_in(&parent, &name, dir)?;
        recover(&parent, &name, &target);
        if let Ok(m) = std::fs::symlink_metadata(&target) {
            if !m.is_dir() {
                return Err(format!(
                    "output folder {} is a file, not a folder: {HINT}",
                    dir.display()
                ));
            }
            check_replaceable(&target, &parent, dir)?;
        }
        // 0777 less the umask, as `mkdir` would make it, not tempfile's 0700.
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}{STAGING_INFIX}"))
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777))
            .tempdir_in(&parent)
            .map_err(|e| {
                format!(
                    "cannot write beside output folder {} (in {}): {e}; {HINT}",
                    dir.display(),
                    parent.display()
                )
            })?
            .keep();
        Ok(Staging {
            target,
            parent,
            name,
            path: staging,
            finished: false,
            _lock: lock,
        })
    }

    /// Where the run writes its files.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The output folder (absolute).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Write the manifest into the staging folder and put it in the output folder's place; the
    /// earlier folder, if any, is removed.
    ///
    /// # Errors
    /// An I/O error naming the folder.
    pub fn finish(
        mut self,
        command: &str,
        scenario: &Path,
        scenario_sha256: &str,
        options: Vec<String>,
    ) -> std::io::Result<Manifest> {
        let m = write_manifest(&self.path, command, scenario, scenario_sha256, options)?;
        sync_dir(&self.path);
        swap_into_place(&self.path, &self.target, &self.parent, &self.name)?;
        self.finished = true;
        // After the swap the staging name holds the earlier folder (or nothing).
        let _ = std::fs::remove_dir_all(&self.path);
        sync_dir(&self.parent);
        Ok(m)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Make a folder's entries durable (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Remove the staging folders of killed runs into `target`, and bring back an earlier folder a
/// run killed between its two renames left under the old name (called with the lock held).
fn recover(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging = format!(".{name}{STAGING_INFIX}");
    let old = format!(".{name}{OLD_INFIX}");
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir {
            continue;
        }
        if n.starts_with(&staging) {
            let _ = std::fs::remove_dir_all(e.path());
        } else if n.starts_with(&old) {
            if std::fs::symlink_metadata(target).is_err() {
                let _ = std::fs::rename(e.path(), target);
            } else {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    if target.is_dir() {
        super::remove_stale_temporaries(target);
    }
}

/// Refuse to replace a folder that holds anything a run did not write (it would be lost) or
/// that is a mount point.
fn check_replaceable(target: &Path, parent: &Path, shown: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| std::fs::metadata(p).map(|m| m.dev()).ok();
    if dev(target) != dev(parent) {
        return Err(format!(
            "output folder {} is a mount point, which a run cannot replace; give a folder inside it with --out",
            shown.display()
        ));
    }
    if !writable(target) {
        return Err(format!(
            "output folder {} is read-only; a run replaces it whole: {HINT}",
            shown.display()
        ));
    }
    let files = list_files(target).map_err(|e| {
        format!(
            "output folder {}: {e}; a run replaces the whole folder, so it must hold only an earlier run's outputs: {HINT}",
            shown.display()
        )
    })?;
    let manifest = read_manifest(target).ok();
    let listed: BTreeSet<String> = manifest
        .iter()
        .flat_map(|m| m.files.iter().map(|f| f.path.clone()))
        .collect();
    let foreign: Vec<&String> = files
        .iter()
        .filter(|rel| {
            let r = rel.as_str();
            !(r == MANIFEST
                || is_temporary(r)
                || listed.contains(r)
                || (manifest.is_none()
                    && (LEGACY_NAMES.contains(&r)
                        || r.starts_with("charts/")
                        || r.starts_with("hourly/"))))
        })
        .collect();
    if let Some(first) = foreign.first() {
        return Err(format!(
            "output folder {} holds {} file(s) that are not outputs of an earlier run (first: {first}); a run replaces the whole folder and they would be lost: move them, or choose another --out folder",
            shown.display(),
            foreign.len()
        ));
    }
    Ok(())
}

/// Whether this process may write in the folder `p` (`access(2)` with `W_OK`).
fn writable(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Put `staging` in `target`'s place in one step where the system allows it.
fn swap_into_place(
    staging: &Path,
    target: &Path,
    parent: &Path,
    name: &str,
) -> std::io::Result<()> {
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staging, target);
    }
    #[cfg(target_os = "linux")]
    {
        if exchange(staging, target).is_ok() {
            return Ok(());
        }
    }
    // Two renames: a kill between them leaves the earlier folder under the old name, which
    // the next run brings back ([`recover`]).
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}{OLD_INFIX}"))
        .tempdir_in(parent)?
        .keep();
    std::fs::rename(target, &old)?;
    std::fs::rename(staging, target)?;
    std::fs::rename(&old, staging)
}

/// Exchange two paths atomically (`renameat2` with `RENAME_EXCHANGE`, Linux 3.15+).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call; the
    // syscall reads them and nothing else.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_into(out: &Path, content: &str) -> Manifest {
        let s = Staging::begin(out).unwrap();
        std::fs::create_dir_all(s.path().join("charts")).unwrap();
        std::fs::write(s.path().join("summary.json"), content).unwrap();
        std::fs::write(s.path().join("charts/a.svg"), "<svg/>").unwrap();
        s.finish("run", Path::new("x.toml"), "00", vec![]).unwrap()
    }

    #[test]
    fn a_finished_run_replaces_the_folder_whole_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let m = run_into(&out, "first");
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.files[0].path, "charts/a.svg");
        assert_eq!(m.files[1].sha256, sha256_hex(b"first"));
        verify(&out).unwrap();
        // A file of the earlier run that the new one does not write goes with the old folder.
        std::fs::write(out.join("bills.csv"), "old").unwrap();
        let e = verify(&out).unwrap_err();
        assert!(e.contains("bills.csv: not in the manifest"), "{e}");
        std::fs::remove_file(out.join("bills.csv")).unwrap();
        run_into(&out, "second");
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "second"
        );
        verify(&out).unwrap();
        let beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "out" && !n.ends_with(LOCK_INFIX))
            .collect();
        assert!(beside.is_empty(), "{beside:?}");
    }

    #[test]
    fn an_unfinished_run_leaves_the_earlier_folder_and_the_next_run_clears_its_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_into(&out, "first");
        // What a run killed while writing leaves: its staging folder, half written.
        let staged = dir.path().join(format!(".out{STAGING_INFIX}k1ll3d"));
        std::fs::create_dir_all(staged.join("charts")).unwrap();
        std::fs::write(staged.join("summary.json"), "half").unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "first"
        );
        verify(&out).unwrap();
        run_into(&out, "third");
        assert!(!staged.exists());
        // An error (drop): the staging folder goes at once.
        let s = Staging::begin(&out).unwrap();
        let staged = s.path().to_path_buf();
        drop(s);
        assert!(!staged.exists());
    }

    #[test]
    fn a_kill_between_the_two_renames_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_into(&out, "first");
        let old = dir.path().join(format!(".out{OLD_INFIX}abc"));
        std::fs::rename(&out, &old).unwrap();
        run_into(&out, "second");
        assert!(!old.exists());
        // Without a new folder in place, the earlier one comes back.
        let old = dir.path().join(format!(".out{OLD_INFIX}def"));
        std::fs::rename(&out, &old).unwrap();
        let s = Staging::begin(&out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("summary.json")).unwrap(),
            "second"
        );
        drop(s);
    }

    #[test]
    fn outputs_are_readable_like_any_file_the_user_makes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let s = Staging::begin(&out).unwrap();
        super::super::write_atomic(&s.path().join("a.csv"), b"x").unwrap();
        s.finish("run", Path::new("x.toml"), "00", vec![]).unwrap();
        // The same modes as a plain `File::create` and `create_dir` under this umask.
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        std::fs::File::create(dir.path().join("plain")).unwrap();
        std::fs::create_dir(dir.path().join("plain-dir")).unwrap();
        assert_eq!(mode(&out.join("a.csv")), mode(&dir.path().join("plain")));
        assert_eq!(mode(&out), mode(&dir.path().join("plain-dir")));
    }

    #[test]
    fn a_folder_with_foreign_files_or_a_held_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("my-notes.txt"), "precious").unwrap();
        let e = Staging::begin(&out).unwrap_err();
        assert!(e.contains("my-notes.txt") && e.contains("lost"), "{e}");
        std::fs::remove_file(out.join("my-notes.txt")).unwrap();
        // An earlier version's outputs (no manifest) may be replaced.
        std::fs::write(out.join("summary.json"), "{}").unwrap();
        std::fs::create_dir_all(out.join("hourly")).unwrap();
        std::fs::write(out.join("hourly/a.csv"), "x").unwrap();
        let held = Staging::begin(&out).unwrap();
        let e = Staging::begin(&out).unwrap_err();
        assert!(e.contains("another parkenergy run"), "{e}");
        drop(held);
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = Staging::begin(&file).unwrap_err();
        assert!(e.contains("is a file"), "{e}");
    }
}

//! Generated documentation stays in step with the code.

use std::path::PathBuf;

/// `docs/scenario.md` is generated from the key table; regenerate with
/// `UPDATE_GOLDEN=1 cargo test --test integration docs`.
#[test]
fn scenario_reference_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/scenario.md");
    let fresh = parkenergy::scenario::docs::scenario_reference();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/scenario.md is stale: run `UPDATE_GOLDEN=1 cargo test --test integration docs`"
    );
}

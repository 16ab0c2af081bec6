//! Battery datasheets as written: the keys a datasheet gives check and run, and what the run
//! would refuse, `check` refuses first (the corpus test in `cli.rs` covers the refusals).

use assert_cmd::Command;
use std::path::Path;

fn bin() -> Command {
    Command::cargo_bin("parkenergy").expect("binary built")
}

/// One enterprise with a fixed 2 h battery at 20 % of its peak, baseline and storage only.
fn scenario(storage_keys: &str) -> String {
    format!(
        "[scenario]\nname = \"battery\"\n[strategies]\nlist = [\"baseline\", \"storage\"]\n\
         [claims]\ncost_reduction_strategy = \"storage\"\npv_saving_strategy = \"baseline\"\n\
         [storage]\nsizing = \"fixed\"\n{storage_keys}\n\
         [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
         annual_kwh = 3000000.0\ntransformer_kva = 1250.0\n"
    )
}

fn storage_row(out: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(out.join("enterprises.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let row = r
        .records()
        .map(Result::unwrap)
        .find(|rec| &rec[3] == "storage")
        .expect("a storage row");
    header
        .into_iter()
        .zip(row.iter().map(String::from))
        .collect()
}

#[test]
fn datasheet_soc_windows_and_no_cycle_cap_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("soc10", "soc_min_fraction = 0.10"),
        ("soc20", "soc_min_fraction = 0.2"),
        ("nocap", "max_cycles_per_day = \"none\""),
        (
            "sheet",
            "round_trip_efficiency_fraction = 0.88\nsoc_min_fraction = 0.1\nsoc_max_fraction = 0.9\ninitial_soc_fraction = 0.5\nmax_cycles_per_day = 1.5",
        ),
    ];
    for (name, keys) in cases {
        let p = dir.path().join(format!("{name}.toml"));
        std::fs::write(&p, scenario(keys)).unwrap();
        bin().arg("check").arg(&p).assert().success();
        let out = dir.path().join(name);
        bin()
            .arg("run")
            .arg(&p)
            .args(["--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let row = storage_row(&out);
        let col = |c: &str| -> f64 {
            row.iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.parse().unwrap())
                .unwrap_or_else(|| panic!("no column {c}"))
        };
        assert!(col("storage_kwh") > 0.0, "{name}: no battery in {row:?}");
        assert!(col("storage_discharged_kwh") > 0.0, "{name}: idle battery");
        if name == "sheet" {
            // The datasheet's cap of 1.5 full cycles a day holds over the year.
            assert!(col("storage_cycles") <= 1.5 * 365.0 + 1e-6, "{row:?}");
        }
    }
}

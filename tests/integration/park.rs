//! A small park end to end: the identities every run must satisfy.

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Split one CSV line (fields may be quoted, quotes doubled inside).
fn split(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn read_csv(p: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let header = split(lines.next().unwrap());
    lines
        .map(|l| header.iter().cloned().zip(split(l)).collect())
        .collect()
}

fn num(row: &HashMap<String, String>, k: &str) -> f64 {
    row[k]
        .parse()
        .unwrap_or_else(|_| panic!("{k} = {:?}", row[k]))
}

fn run(out: &Path, threads: &str) {
    Command::cargo_bin("parkenergy")
        .unwrap()
        .arg("run")
        .arg(root().join("tests/data/small_park/scenario.toml"))
        .args(["--hourly", "--quiet", "--threads", threads, "--out"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn small_park_identities_hold_and_outputs_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let ent = read_csv(&out.join("enterprises.csv"));
    let bills = read_csv(&out.join("bills.csv"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["enterprises"], 5);

    // saving = baseline bill - bill, per row (to the cent of the rounded columns).
    for r in &ent {
        let s = num(r, "baseline_bill_yuan") - num(r, "bill_yuan");
        assert!((s - num(r, "saving_yuan")).abs() < 0.011, "{r:?}");
    }
    // Park totals = sum over enterprises, per strategy.
    let strategies = summary["strategies"].as_object().unwrap();
    assert!(strategies.contains_key("baseline") && strategies.contains_key("tariff"));
    for (name, t) in strategies {
        let rows: Vec<_> = ent.iter().filter(|r| r["strategy"] == *name).collect();
        assert_eq!(rows.len(), 5, "{name}");
        let bill: f64 = rows.iter().map(|r| num(r, "bill_yuan")).sum();
        let kwh: f64 = rows.iter().map(|r| num(r, "kwh")).sum();
        assert!(
            (bill - t["bill_yuan"].as_f64().unwrap()).abs() < 0.05,
            "{name}"
        );
        assert!((kwh - t["kwh"].as_f64().unwrap()).abs() < 0.5, "{name}");
        let base = strategies["baseline"]["bill_yuan"].as_f64().unwrap();
        let saving = t["saving_yuan"].as_f64().unwrap();
        assert!((base - t["bill_yuan"].as_f64().unwrap() - saving).abs() < 0.05);
    }
    // Each bill row: total = energy + basic + pf_adjust + funds.
    for r in &bills {
        let parts = num(r, "energy_yuan")
            + num(r, "basic_yuan")
            + num(r, "pf_adjust_yuan")
            + num(r, "funds_yuan");
        assert!((parts - num(r, "total_yuan")).abs() < 0.021, "{r:?}");
    }
    // The tariff measure never costs more than the baseline (it may keep the baseline option).
    for r in ent.iter().filter(|r| r["strategy"] == "tariff") {
        assert!(num(r, "saving_yuan") >= -0.01, "{r:?}");
    }
    // Energy balance per step: load + charge + aux + export = import + pv + discharge.
    let mut n_hourly = 0;
    for f in std::fs::read_dir(out.join("hourly")).unwrap() {
        let rows = read_csv(&f.unwrap().path());
        assert_eq!(rows.len(), 8760);
        for r in &rows {
            let lhs = num(r, "load_kw")
                + num(r, "battery_charge_kw")
                + num(r, "battery_aux_kw")
                + num(r, "grid_export_kw");
            let rhs = num(r, "grid_import_kw") + num(r, "pv_kw") + num(r, "battery_discharge_kw");
            assert!((lhs - rhs).abs() < 0.005, "{r:?}");
        }
        n_hourly += 1;
    }
    assert_eq!(n_hourly, 5 * strategies.len());

    // Every chart exists in both formats and is non-trivial.
    for name in [
        "waterfall",
        "pv_savings",
        "distribution",
        "monthly_bill",
        "typical_day",
        "payback",
        "payback_storage",
        "profiles",
    ] {
        let png = out.join("charts").join(format!("{name}.png"));
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (1200, 800), "{name}");
        let bytes = &buf[..info.buffer_size()];
        let px = info.line_size / info.width as usize;
        let non_white = bytes
            .chunks(px)
            .filter(|p| p.iter().take(3).any(|&c| c < 235))
            .count();
        let share = non_white as f64 / f64::from(info.width * info.height);
        assert!(share > 0.02 && share < 0.8, "{name}: {share}");
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{name}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.len() > 2000, "{name}");
    }

    // Same bytes with one thread.
    let out1 = dir.path().join("b");
    run(&out1, "1");
    for name in ["enterprises.csv", "bills.csv", "summary.json"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(out1.join(name)).unwrap(),
            "{name} differs between 1 and 2 threads"
        );
    }
}

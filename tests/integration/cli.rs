//! The command line, end to end: exit codes, messages, outputs.

use assert_cmd::Command;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    Command::cargo_bin("parkenergy").expect("binary built")
}

/// Each file of `tests/data/bad_scenarios/` states in its header the line and key its error must
/// name (`# expect-line: N`, `# expect-key: K` or `none`, optionally `# expect-text: T`).
/// `check` and `run` go through one validation path: both refuse each file with the same
/// message, and `run` writes nothing.
#[test]
fn every_broken_scenario_exits_2_naming_line_and_key() {
    let dir = root().join("tests/data/bad_scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} broken scenarios", files.len());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let header = |tag: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("# {tag}: ")).map(str::to_string))
        };
        let line = header("expect-line").unwrap_or_else(|| panic!("{f:?}: no expect-line"));
        let key = header("expect-key").unwrap_or_else(|| panic!("{f:?}: no expect-key"));
        let out = bin().arg("check").arg(f).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        let dir = tempfile::tempdir().unwrap();
        let run = bin()
            .arg("run")
            .arg(f)
            .args(["--quiet", "--out"])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{name}: run did not refuse");
        assert_eq!(
            String::from_utf8_lossy(&run.stderr),
            stderr,
            "{name}: run and check differ"
        );
        assert!(!dir.path().join("out").exists(), "{name}: run wrote output");
        assert!(
            stderr.contains(&format!("{name}:{line}:")),
            "{name}: expected line {line} in: {stderr}"
        );
        if key != "none" {
            assert!(
                stderr.contains(&format!("`{key}`")),
                "{name}: expected key `{key}` in: {stderr}"
            );
        }
        if let Some(t) = header("expect-text") {
            assert!(stderr.contains(&t), "{name}: expected `{t}` in: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn default_scenario_checks() {
    bin()
        .current_dir(root())
        .args(["check", "scenarios/yongzhou-etdz.toml"])
        .assert()
        .success()
        .stdout(predicates::str::contains("enterprises 214"));
}

#[test]
fn init_template_checks_and_runs_and_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.toml");
    bin().arg("init").arg(&p).assert().success();
    bin().arg("check").arg(&p).assert().success();
    bin()
        .arg("run")
        .arg(&p)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .assert()
        .success();
    assert!(dir.path().join("out/summary.json").is_file());
    bin().arg("init").arg(&p).assert().code(2);
}

#[test]
fn bad_input_writes_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    bin()
        .arg("run")
        .arg(root().join("tests/data/bad_scenarios/negative_capacity.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.exists());
}

#[test]
fn missing_scenario_file_is_bad_input() {
    bin()
        .args(["check", "no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/scenario.toml"));
}

#[test]
fn plot_without_a_finished_run_is_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .current_dir(dir.path())
        .args(["plot", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("chart-data.json"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The library's specific yield [kWh/kWp] of a 15° south roof (default system) on the
/// synthetic year of `normals` drawn with `parkenergy pv`'s default seed (20231).
fn synthetic_yield(normals: parkenergy::weather::synthetic::MonthlyNormals) -> f64 {
    let w = parkenergy::weather::synthetic::synthetic_year(&normals, 2025, 60, 20231).unwrap();
    parkenergy::solar::chain::pv_per_kwp(
        &w,
        &parkenergy::solar::chain::PvSystem {
            tilt_deg: 15.0,
            azimuth_deg: 180.0,
            ..Default::default()
        },
    )
    .unwrap()
    .annual_ac_kwh_per_kwp()
}

#[test]
fn pv_quick_estimate_prints_json_and_writes_hourly_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("pv.csv");
    let out = bin()
        .args([
            "pv",
            "--tilt-deg",
            "15",
            "--azimuth-deg",
            "180",
            "--dc-kw",
            "500",
            "--json",
            "--hourly-out",
        ])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let specific = v["specific_yield_kwh_per_kwp"].as_f64().unwrap();
    // The default synthetic year (seed 20231) on a 15° south roof, as the library computes it
    // (the library's chain is checked against pvlib in its golden tests).
    let lib = synthetic_yield(parkenergy::weather::synthetic::MonthlyNormals::yongzhou());
    assert!((specific / lib - 1.0).abs() < 1e-12, "{specific} vs {lib}");
    // The committed synthetic year of the pvlib golden, given as a plain CSV weather file:
    // pvlib's chain gives 958.6068 kWh/kWp (tests/data/pv/synthetic_annual.csv).
    let out = bin()
        .args(["pv", "--tilt-deg", "15", "--azimuth-deg", "180", "--json"])
        .args(["--csv-columns", "timestamp,ghi,temp_air,wind_speed"])
        .arg("--weather")
        .arg(root().join("tests/data/pv/yongzhou_synthetic_2025_seed1.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v_csv: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let y = v_csv["specific_yield_kwh_per_kwp"].as_f64().unwrap();
    assert!((y / 958.6068 - 1.0).abs() < 3e-4, "{y}");
    let monthly: Vec<f64> = v["monthly_ac_kwh"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(monthly.len(), 12);
    let annual = v["annual_ac_kwh"].as_f64().unwrap();
    assert!((monthly.iter().sum::<f64>() - annual).abs() < 1e-6 * annual);
    assert!((annual - 500.0 * specific).abs() < 1e-6 * annual);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("timestamp,poa_w_per_m2,cell_temp_c,dc_kw,ac_kw\n"));
    assert_eq!(text.lines().count(), 8761);
    // Bad input: exit 2.
    bin().args(["pv", "--dc-kw", "-5"]).assert().code(2);
    // A size that would print "inf kWh" is refused.
    bin()
        .args(["pv", "--dc-kw", "1e308"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("(0, 1e7]"));
    bin()
        .args(["pv", "--weather", "no-such.epw"])
        .assert()
        .code(2);
}

/// A reader that stops early (`parkenergy pv --json | head -1`) ends the printing, not the
/// program: exit 0 and no panic message.
#[test]
fn a_closed_stdout_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("parkenergy"))
        .args(["pv", "--json", "--weather"])
        .arg(root().join("tests/data/weather/723170TYA.CSV"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The pipe's reading end is closed at once, long before the program (a year of PV, some
    // milliseconds) prints: its first write meets a closed pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in [
        "run", "sweep", "solve", "check", "init", "plot", "merge", "pv",
    ] {
        bin()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicates::str::contains("Example:"));
    }
}

#[test]
fn relative_paths_resolve_against_the_scenario_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("study");
    std::fs::create_dir_all(sub.join("data")).unwrap();
    std::fs::copy(
        root().join("tests/data/pv/greensboro_tmy3.csv"),
        sub.join("data/w.csv"),
    )
    .unwrap();
    let scen = "[scenario]\nname = \"rel\"\n[weather]\nsource = \"auto\"\nfile = \"data/w.csv\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n";
    std::fs::write(sub.join("s.toml"), scen).unwrap();
    // Run from another folder: the weather path must still be found.
    bin()
        .current_dir(dir.path())
        .args(["check", "study/s.toml"])
        .assert()
        .success();
}

/// An output path that is a file, or lies under one, is the user's to fix: exit 2 with the
/// path, before any simulation (run and sweep alike).
#[test]
fn output_path_problems_are_bad_input_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let scenario = root().join("tests/data/small_park/scenario.toml");
    for (cmd, target, expect) in [
        ("run", file.clone(), "is a file, not a folder"),
        ("run", file.join("sub"), "cannot create output folder"),
        ("sweep", file.clone(), "is a file, not a folder"),
    ] {
        let s = if cmd == "sweep" {
            root().join("tests/data/sweep/small.toml")
        } else {
            scenario.clone()
        };
        let out = bin()
            .arg(cmd)
            .arg(&s)
            .arg("--quiet")
            .arg("--out")
            .arg(&target)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd} {target:?}: {stderr}");
        assert!(
            stderr.contains(expect) && stderr.contains(&target.display().to_string()),
            "{cmd}: {stderr}"
        );
        assert!(!stderr.contains("internal error"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

/// One output folder, one run at a time: a run into a folder another run holds exits 2 with a
/// clear message; a later run without `--hourly` removes the earlier run's `hourly/`.
#[test]
fn output_folder_is_locked_and_stale_hourly_files_go() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = root().join("tests/data/small_park/scenario.toml");
    std::fs::create_dir_all(&out).unwrap();
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join(".out.parkenergy.lock"))
        .unwrap();
    held.try_lock().unwrap();
    let o = bin()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another parkenergy run"), "{stderr}");
    assert!(!out.join("summary.json").exists());
    drop(held);
    bin()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--hourly", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("hourly").is_dir());
    bin()
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(
        !out.join("hourly").exists(),
        "the earlier run's hourly/ stayed"
    );
}

/// A run killed at any moment leaves its output folder absent, the earlier finished one or the
/// new finished one (checked against its `run.json`), never a mixture and never a temporary
/// file inside; what it left beside the folder goes with the next run.
#[test]
fn a_run_killed_at_random_points_never_leaves_a_half_written_folder() {
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = root().join("tests/data/small_park/scenario.toml");
    let run = |hourly: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_parkenergy"));
        c.arg("run")
            .arg(&scenario)
            .args(["--quiet", "--out"])
            .arg(&out);
        if hourly {
            c.arg("--hourly");
        }
        c.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // The duration of a whole run with --hourly (the longer of the two kinds).
    let t0 = Instant::now();
    assert!(run(true).status().unwrap().success());
    let whole = t0.elapsed();
    let finished = |expect_hourly: Option<bool>| {
        let m = parkenergy::report::folder::verify(&out).unwrap_or_else(|e| panic!("{e}"));
        let hourly = m.options.iter().any(|o| o == "--hourly");
        if let Some(h) = expect_hourly {
            assert_eq!(hourly, h);
        }
        assert_eq!(out.join("hourly").is_dir(), hourly);
        hourly
    };
    finished(Some(true));
    // Kill points spread over 0..1.2 x the run's duration (a fixed pseudo-random sequence).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut states = std::collections::BTreeMap::new();
    for k in 0..24 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let frac = (x >> 11) as f64 / (1u64 << 53) as f64 * 1.2;
        let before = finished(None);
        let hourly = k % 2 == 0;
        let mut child = run(hourly).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(frac));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = finished(None);
        let state = if status.success() {
            assert_eq!(now, hourly, "a finished run's folder is its own");
            "finished"
        } else if now == before && now != hourly {
            "earlier"
        } else {
            // Killed after the swap, or the same kind as the earlier run: either way whole.
            "whole"
        };
        *states.entry(state).or_insert(0) += 1;
        let temporaries: Vec<_> = walk(&out)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".parkenergy-tmp")
            })
            .collect();
        assert!(temporaries.is_empty(), "{temporaries:?}");
    }
    eprintln!("states after the kills: {states:?}");
    let killed: i32 = states
        .iter()
        .filter(|(k, _)| **k != "finished")
        .map(|(_, n)| n)
        .sum();
    assert!(killed >= 5, "too few runs were killed mid-way: {states:?}");
    // A killed run's staging folder goes with the next run; only the lock stays beside.
    assert!(run(false).status().unwrap().success());
    finished(Some(false));
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    assert!(beside.contains(&".out.parkenergy.lock".to_string()));
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// What a real case can exceed is simulated with a warning: printed by `check` and `run`, and
/// written to `summary.json` `warnings` (a PV size above what the roof type takes, a battery
/// holding more than a day of the enterprise's consumption).
#[test]
fn doubtful_inputs_are_warned_about_and_the_warnings_kept() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    std::fs::write(
        &s,
        "[scenario]\nname = \"w\"\n\
         [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
         annual_kwh = 1000000.0\ntransformer_kva = 800.0\nroof_area_m2 = 2000.0\n\
         pv_kw = 400.0\nstorage_kw = 300.0\nstorage_kwh = 4000.0\n",
    )
    .unwrap();
    let check = bin().arg("check").arg(&s).output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    let expected = [
        "enterprise[0].pv_kw: 400 kW is more than a metal_flush roof of 2000 m² takes",
        "enterprise[0].storage_kwh: a 4000 kWh battery holds more than a day",
    ];
    for w in expected {
        assert!(stderr.contains(&format!("warning: {w}")), "{stderr}");
    }
    let out = dir.path().join("out");
    let run = bin()
        .arg("run")
        .arg(&s)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let kept: Vec<&str> = summary["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for (k, w) in kept.iter().zip(expected) {
        assert!(k.starts_with(w), "{k}");
    }
}

/// `parkenergy pv --lat/--lon` without a weather file draws the synthetic year at that site
/// (the library's year with the normals moved there, to the last bit), under the rule a
/// scenario's synthetic year follows: refused 14.2° from the Yongzhou normals (Beijing), a
/// warning 2.1° from them (Changsha); a clock far from the sun is warned about.
#[test]
fn pv_quick_estimate_draws_the_synthetic_year_at_the_site_given() {
    let pv = |args: &[&str]| bin().arg("pv").args(args).arg("--json").output().unwrap();
    let o = pv(&["--lat", "28.2", "--lon", "112.9"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the synthetic year's monthly normals")
            && stderr.contains("is 2.1° of arc from --lat/--lon at 28.20° N 112.90° E"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["site"]["latitude_deg"].as_f64(), Some(28.2));
    let mut n = parkenergy::weather::synthetic::MonthlyNormals::yongzhou();
    n.site.latitude_deg = 28.2;
    n.site.longitude_deg = 112.9;
    let lib = synthetic_yield(n);
    assert_eq!(v["specific_yield_kwh_per_kwp"].as_f64(), Some(lib));
    for args in [
        ["--lat", "40.0", "--lon", "116.4"],
        ["--lat", "26.42", "--lon", "0"],
    ] {
        let o = pv(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("another climate altogether"), "{stderr}");
        assert!(o.stdout.is_empty());
    }
    // A weather file's station is held to the same rule against --lat/--lon.
    let o = bin()
        .args(["pv", "--lat", "26.42", "--lon", "111.61", "--weather"])
        .arg(root().join("tests/data/weather/723170TYA.CSV"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("723170TYA.CSV: the file's station, at 36.10° N 79.95° W, is 116.5° of arc"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = pv(&["--utc-offset", "0"]);
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(
            "warning: --utc-offset: UTC+0 is 7.4 h behind the mean solar time of longitude 111.61°"
        ),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A scenario's synthetic year 2.1° from its normals' station, and a clock at UTC+0 in Hunan,
/// are simulated with a warning each, printed by `check`; 14° away the scenario is refused
/// (tests/data/bad_scenarios/synthetic_site_beijing.toml).
#[test]
fn a_synthetic_year_away_from_its_normals_and_a_clock_off_the_sun_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.toml");
    std::fs::write(
        &s,
        "[scenario]\nname = \"w\"\nutc_offset_hours = 0.0\n\
         [site]\nlatitude_deg = 28.2\nlongitude_deg = 112.9\n\
         [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
         annual_kwh = 1000000.0\ntransformer_kva = 800.0\n",
    )
    .unwrap();
    let check = bin().arg("check").arg(&s).output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    for w in [
        "warning: site: the synthetic year's monthly normals \"Yongzhou ETDZ",
        "is 2.1° of arc from [site] at 28.20° N 112.90° E; its weather is the station's",
        "warning: scenario.utc_offset_hours: UTC+0 is 7.5 h behind the mean solar time of longitude 112.90°",
    ] {
        assert!(stderr.contains(w), "{w}\n{stderr}");
    }
}

/// A measured PV series of another year than the scenario's is used with a warning saying so.
#[test]
fn a_pv_series_of_another_year_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let mut pv = String::from("timestamp,value\n");
    let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (m, n) in days.iter().enumerate() {
        for d in 1..=*n {
            for h in 0..24 {
                let v = if (9..16).contains(&h) { 100 } else { 0 };
                pv.push_str(&format!("2023-{:02}-{d:02} {h:02}:00,{v}\n", m + 1));
            }
        }
    }
    std::fs::write(dir.path().join("pv.csv"), pv).unwrap();
    let s = dir.path().join("s.toml");
    std::fs::write(
        &s,
        "[scenario]\nname = \"w\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
         annual_kwh = 1000000.0\ntransformer_kva = 800.0\nroof_area_m2 = 2000.0\npv_file = \"pv.csv\"\n",
    )
    .unwrap();
    let check = bin().arg("check").arg(&s).output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: enterprise[0].pv_file:")
            && stderr.contains("a series of 2023, simulated on 2025's calendar"),
        "{stderr}"
    );
}

/// `plot` on a path that is not a folder says so and creates nothing (no parent folder).
#[test]
fn plot_on_a_missing_folder_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo").join("out");
    let o = bin().arg("plot").arg(&missing).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a folder"));
    assert!(!dir.path().join("typo").exists());
}

/// When stderr is not a terminal a run writes progress lines (every
/// `PARKENERGY_PROGRESS_SECS`, here as often as it polls) and ends with the finished count;
/// with `--hourly` writing each enterprise's hourly files counts as a step, so the small
/// park's 5 enterprises make 10 steps.
#[test]
fn progress_lines_in_a_log_count_hourly_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .env("PARKENERGY_PROGRESS_SECS", "0")
        .arg("run")
        .arg(root().join("tests/data/small_park/scenario.toml"))
        .arg("--hourly")
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("steps (enterprises simulated + hourly files written)"))
        .collect();
    assert!(!lines.is_empty(), "no progress line: {stderr}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("/10 steps") && l.contains("ETA")),
        "{stderr}"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .contains("10/10 steps (enterprises simulated + hourly files written) (100%)"),
        "{stderr}"
    );
}

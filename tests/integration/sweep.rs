//! Sweeps end to end: determinism across thread counts and shards, resume after a kill,
//! malformed `[sweep]` sections, and sharding on a real (single-node) Slurm cluster.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    Command::cargo_bin("parkenergy").expect("binary built")
}

/// The test sweep: 3 enterprises, 4 strategies, 12 Monte Carlo samples.
fn scenario() -> PathBuf {
    root().join("tests/data/sweep/small.toml")
}

fn sweep(out: &Path, extra: &[&str]) {
    bin()
        .arg("sweep")
        .arg(scenario())
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .assert()
        .success();
}

/// The unsharded, single-threaded run every other run must equal byte for byte.
fn reference() -> &'static [u8] {
    static REF: OnceLock<Vec<u8>> = OnceLock::new();
    REF.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        sweep(dir.path(), &["--threads", "1"]);
        std::fs::read(dir.path().join("sweep.csv")).unwrap()
    })
}

fn rows(bytes: &[u8]) -> usize {
    String::from_utf8_lossy(bytes).lines().count() - 1
}

#[test]
fn same_bytes_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), &["--threads", "2"]);
    let two = std::fs::read(dir.path().join("sweep.csv")).unwrap();
    assert_eq!(rows(reference()), 12);
    assert!(two == reference(), "2 threads differ from 1");
    // The summary and chart data of an unsharded run are there.
    for f in [
        "sweep.json",
        "sweep-summary.json",
        "charts/saving_distribution.csv",
        "charts/saving_histogram.csv",
        "charts/pv_savings.csv",
        "charts/saving_cdf.png",
        "charts/saving_cdf.svg",
        "charts/saving_histogram.png",
        "charts/saving_histogram.svg",
        "charts/pv_savings.png",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    // Samples differ from each other (the parameters reach the results).
    let text = String::from_utf8(two).unwrap();
    let bills: std::collections::BTreeSet<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(13).unwrap())
        .collect();
    assert!(bills.len() > 6, "{bills:?}");
}

#[test]
fn three_shards_merged_equal_the_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for k in 0..3 {
        sweep(&out, &["--threads", "1", "--shard", &format!("{k}/3")]);
    }
    assert_eq!(
        rows(&std::fs::read(out.join("shard-1-of-3/sweep.csv")).unwrap()),
        4
    );
    let merged = dir.path().join("merged");
    bin()
        .arg("merge")
        .arg(out.join("shard-0-of-3"))
        .arg(out.join("shard-1-of-3"))
        .arg(out.join("shard-2-of-3"))
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert!(std::fs::read(merged.join("sweep.csv")).unwrap() == reference());
    assert!(merged.join("charts/saving_cdf.png").is_file());
    // A folder holding the shards works too.
    let merged2 = dir.path().join("merged2");
    bin()
        .arg("merge")
        .arg(&out)
        .arg("--out")
        .arg(&merged2)
        .assert()
        .success();
    assert!(std::fs::read(merged2.join("sweep.csv")).unwrap() == reference());
    // A missing shard, or one given twice, is refused.
    bin()
        .arg("merge")
        .arg(out.join("shard-0-of-3"))
        .arg(out.join("shard-2-of-3"))
        .arg("--out")
        .arg(dir.path().join("m3"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing"));
    bin()
        .arg("merge")
        .arg(&out)
        .arg(out.join("shard-2-of-3"))
        .arg("--out")
        .arg(dir.path().join("m4"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is in both"));
}

#[test]
fn shards_of_different_sweeps_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    sweep(&a, &["--threads", "1", "--shard", "0/6"]);
    sweep(&b, &["--threads", "1", "--shard", "1/6", "--samples", "13"]);
    bin()
        .arg("merge")
        .arg(a.join("shard-0-of-6"))
        .arg(b.join("shard-1-of-6"))
        .arg("--out")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "different scenarios or sweep settings",
        ));
}

#[test]
fn killed_sweep_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_parkenergy"))
        .arg("sweep")
        .arg(scenario())
        .args(["--threads", "1", "--quiet", "--out"])
        .arg(&out)
        .spawn()
        .unwrap();
    let csv = out.join("sweep.csv");
    let start = Instant::now();
    let mut seen = 0;
    while start.elapsed() < Duration::from_secs(120) {
        seen = std::fs::read(&csv).map(|b| rows(&b)).unwrap_or(0);
        if seen >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = std::fs::read(&csv).unwrap();
    let done = rows(&partial);
    assert!(
        (3..12).contains(&done),
        "killed after {done} rows (saw {seen}): samples too fast to interrupt"
    );
    // A power loss can leave half a line: resume must drop it.
    let mut torn = partial.clone();
    torn.extend_from_slice(b"11,0.03,0.0");
    std::fs::write(&csv, &torn).unwrap();
    let log = dir.path().join("resume.txt");
    let o = bin()
        .arg("sweep")
        .arg(scenario())
        .args(["--threads", "2", "--resume", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    std::fs::write(&log, &o.stdout).unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("{} simulated", 12 - done)),
        "resume recomputed finished samples: {stdout}"
    );
    assert!(std::fs::read(&csv).unwrap() == reference());
}

#[test]
fn resume_refuses_another_sweeps_output() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), &["--threads", "1", "--shard", "0/12"]);
    bin()
        .arg("sweep")
        .arg(scenario())
        .args(["--shard", "0/12", "--samples", "24", "--resume", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sweep_hash"));
}

#[test]
fn bad_arguments_are_bad_input() {
    for args in [
        vec!["--shard", "3/3"],
        vec!["--shard", "x"],
        vec!["--samples", "200000"],
    ] {
        bin()
            .arg("sweep")
            .arg(scenario())
            .args(&args)
            .args(["--out", "/nonexistent/never-written"])
            .assert()
            .code(2);
    }
    bin()
        .arg("sweep")
        .arg(scenario())
        .args(["--samples", "200000", "--out", "/nonexistent/x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("sweep.max_samples"));
    // Kubernetes: an index without a count is refused; with one it is a shard.
    bin()
        .arg("sweep")
        .arg(scenario())
        .env("JOB_COMPLETION_INDEX", "1")
        .env_remove("PARKENERGY_SHARD_COUNT")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .args(["--out", "/nonexistent/x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--shard-count"));
    bin().args(["merge", "/nonexistent/a"]).assert().code(2);
}

#[test]
fn kubernetes_index_selects_the_shard() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .arg("sweep")
        .arg(scenario())
        .env("JOB_COMPLETION_INDEX", "2")
        .env("PARKENERGY_SHARD_COUNT", "6")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .args(["--threads", "1", "--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("shard-2-of-6/sweep.csv")).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, vec!["2", "8"]);
}

#[test]
fn grid_and_one_at_a_time_write_heatmap_and_tornado_data() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(scenario()).unwrap();
    let head = &base[..base.find("[sweep]").unwrap()];
    let grid = format!(
        "{head}[sweep]\nmethod = \"grid\"\n[[sweep.parameter]]\nkey = \"market.wholesale_discount_fraction\"\nmin = 0.0\nmax = 0.1\nsteps = 2\n[[sweep.parameter]]\nkey = \"enterprise_group[0].count\"\nvalues = [2, 3]\n"
    );
    let oat = format!(
        "{head}[sweep]\nmethod = \"one_at_a_time\"\n[[sweep.parameter]]\nkey = \"market.wholesale_discount_fraction\"\nlow = 0.0\nhigh = 0.1\n"
    );
    for (name, text) in [("grid", grid), ("oat", oat)] {
        let p = dir.path().join(format!("{name}.toml"));
        std::fs::write(&p, text).unwrap();
        bin()
            .arg("sweep")
            .arg(&p)
            .args(["--threads", "2", "--quiet", "--out"])
            .arg(dir.path().join(name))
            .assert()
            .success();
    }
    for f in [
        "grid/charts/heatmap.png",
        "grid/charts/heatmap.svg",
        "oat/charts/tornado.png",
        "oat/charts/tornado.svg",
        "oat/charts/saving_cdf.png",
    ] {
        let len = std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len());
        assert!(len > 1000, "{f}: {len} bytes");
    }
    let heat = std::fs::read_to_string(dir.path().join("grid/charts/heatmap.csv")).unwrap();
    let lines: Vec<&str> = heat.lines().collect();
    assert_eq!(lines.len(), 5, "{heat}");
    assert!(
        lines[1].starts_with("0,2,") && lines[4].starts_with("0.1,3,"),
        "{heat}"
    );
    let tornado = std::fs::read_to_string(dir.path().join("oat/charts/tornado.csv")).unwrap();
    let row = tornado
        .lines()
        .find(|l| l.starts_with("saving_fraction,market.wholesale_discount_fraction,0,0.1,"))
        .unwrap_or_else(|| panic!("{tornado}"));
    // A larger wholesale discount saves more under the market measure.
    let f: Vec<f64> = row.split(',').skip(4).map(|x| x.parse().unwrap()).collect();
    assert!(f[1] > f[0], "{row}");
    // The OAT base sample carries the scenario's value (the default, 0.05... as written).
    let csv = std::fs::read_to_string(dir.path().join("oat/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4);
}

/// Each file of `tests/data/bad_sweeps/` states the line and key its error must name.
#[test]
fn every_broken_sweep_exits_2_naming_line_and_key() {
    let dir = root().join("tests/data/bad_sweeps");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "only {} broken sweeps", files.len());
    let out = tempfile::tempdir().unwrap();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let header = |tag: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("# {tag}: ")).map(str::to_string))
        };
        let line = header("expect-line").unwrap_or_else(|| panic!("{f:?}: no expect-line"));
        let key = header("expect-key").unwrap_or_else(|| panic!("{f:?}: no expect-key"));
        let o = bin()
            .arg("sweep")
            .arg(f)
            .arg("--out")
            .arg(out.path().join("x"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(o.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}:{line}:")),
            "{name}: expected line {line} in: {stderr}"
        );
        assert!(
            stderr.contains(&format!("`{key}`")),
            "{name}: expected key `{key}` in: {stderr}"
        );
        // `check` refuses what `sweep` refuses, with the same message.
        let c = bin().arg("check").arg(f).output().unwrap();
        assert_eq!(c.status.code(), Some(2), "{name}: check accepted it");
        assert_eq!(
            String::from_utf8_lossy(&c.stderr),
            stderr,
            "{name}: check and sweep differ"
        );
        if let Some(want) = header("expect-text") {
            assert!(
                stderr.contains(&want),
                "{name}: expected {want:?} in: {stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    assert!(!out.path().join("x").exists(), "a bad sweep wrote output");
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Sharding on a real Slurm: a throwaway single-node cluster (`shared/tools/
/// slurm-single-node.sh`) runs the sweep as a job array `--array 0-2`; each task takes its
/// shard from `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT`; the merged result must equal the
/// unsharded run. Needs the script beside the checkout and root: ignored by default, run by
/// `.ci/run` with `--ignored`.
#[test]
#[ignore = "needs ../shared/tools/slurm-single-node.sh and root (installs slurm); .ci/run runs it with --ignored"]
fn slurm_job_array_shards_merge_to_the_unsharded_run() {
    let script = root().join("../shared/tools/slurm-single-node.sh");
    assert!(script.is_file(), "{} not found", script.display());
    assert!(
        is_root(),
        "needs root (the script installs and starts slurm and munge)"
    );
    let dir = tempfile::tempdir().unwrap();
    // Slurm runs the tasks as the submitting user; the folder must be reachable by its daemons.
    let work = dir.path().to_path_buf();
    let bin = env!("CARGO_BIN_EXE_parkenergy");
    let cmd = format!(
        "'{bin}' sweep '{}' --out '{}/out' --threads 1 --quiet",
        scenario().display(),
        work.display()
    );
    let check = "test -s out/shard-0-of-3/sweep.csv && test -s out/shard-1-of-3/sweep.csv && test -s out/shard-2-of-3/sweep.csv";
    let o = std::process::Command::new("bash")
        .arg(&script)
        .args(["--array", "0-2", "--timeout", "600", "--chdir"])
        .arg(&work)
        .args(["--check", check, "--"])
        .arg(&cmd)
        .output()
        .unwrap();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "slurm script failed:\n{log}");
    assert!(log.contains("PASS"), "{log}");
    bin_merge(&work.join("out"), &work.join("merged"));
    assert!(std::fs::read(work.join("merged/sweep.csv")).unwrap() == reference());
}

fn bin_merge(shards: &Path, out: &Path) {
    bin()
        .arg("merge")
        .arg(shards)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Resume and merge read only rows of their sweep: a stray sample id outside the sweep, a claim
/// cell that is not a number, or a symlinked `sweep.csv` is refused with exit 2 and a message
/// naming the file, line and column.
#[test]
fn resume_and_merge_refuse_foreign_rows_and_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    sweep(&out, &["--threads", "1", "--shard", "0/3"]);
    let shard = out.join("shard-0-of-3");
    let csv = shard.join("sweep.csv");
    let good = std::fs::read_to_string(&csv).unwrap();
    let header = good.lines().next().unwrap().to_string();
    let first = good.lines().nth(1).unwrap().to_string();
    let n = header.split(',').count();
    let resume = |expect: &str| {
        bin()
            .arg("sweep")
            .arg(scenario())
            .args([
                "--threads",
                "1",
                "--shard",
                "0/3",
                "--resume",
                "--quiet",
                "--out",
            ])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(expect));
    };
    // A stray row for sample 999.
    let stray = first.replacen(first.split(',').next().unwrap(), "999", 1);
    std::fs::write(&csv, format!("{good}{stray}\n")).unwrap();
    resume("sample 999 is outside this sweep's samples");
    // `abc` in a claim cell (the last column).
    let mut cells: Vec<&str> = first.split(',').collect();
    cells[n - 1] = "abc";
    let bad = good.replacen(&first, &cells.join(","), 1);
    std::fs::write(&csv, &bad).unwrap();
    resume("is not a finite number");
    // The merge refuses the same file.
    bin()
        .arg("merge")
        .arg(&shard)
        .arg("--out")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("abc"));
    // A symlinked sweep.csv is neither appended to nor read.
    let target = dir.path().join("elsewhere.csv");
    std::fs::write(&target, &good).unwrap();
    std::fs::remove_file(&csv).unwrap();
    std::os::unix::fs::symlink(&target, &csv).unwrap();
    resume("symbolic link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), good);
}

/// `plot` on a sweep's folder redraws the sweep's charts (it refused the folder before), and
/// `--lang zh` writes them beside the English ones with a `.zh` suffix.
#[test]
fn plot_redraws_a_sweeps_charts_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    sweep(dir.path(), &["--threads", "1"]);
    let en = dir.path().join("charts/saving_cdf.png");
    std::fs::remove_file(&en).unwrap();
    bin().arg("plot").arg(dir.path()).assert().success();
    assert!(en.is_file(), "plot did not redraw the sweep's CDF");
    bin()
        .arg("plot")
        .arg(dir.path())
        .args(["--lang", "zh"])
        .assert()
        .success();
    for f in ["saving_cdf", "saving_histogram", "pv_savings"] {
        for ext in ["png", "svg"] {
            let zh = dir.path().join(format!("charts/{f}.zh.{ext}"));
            let en = dir.path().join(format!("charts/{f}.{ext}"));
            assert!(zh.is_file() && en.is_file(), "{f}.{ext}: both languages");
        }
    }
    let zh_svg = std::fs::read_to_string(dir.path().join("charts/saving_cdf.zh.svg")).unwrap();
    let en_svg = std::fs::read_to_string(dir.path().join("charts/saving_cdf.svg")).unwrap();
    assert!(zh_svg.contains("园区节省比例") && !en_svg.contains("园区节省比例"));
    // The sweep's page: claim probabilities and the distributions inline, in the language of
    // the last drawing.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("目标成立的概率") && html.contains("cost_reduction_fraction"));
    assert!(html.matches("<svg").count() >= 3, "charts inline");
    assert!(!html.contains("src=\"") && !html.contains("href=\"http"));
}

/// `solve` on the default park: the EMC discount at which the PV saving claim (6 million
/// yuan/yr) holds, bracketed to 1e-3 in fewer than 15 park runs, with both ends and every run
/// in `breakeven.json`.
#[test]
fn solve_finds_the_emc_discount_of_the_pv_claim() {
    let out = tempfile::tempdir().unwrap();
    let o = bin()
        .args([
            "solve",
            "scenarios/yongzhou-etdz.toml",
            "--claim",
            "pv_saving_yuan_per_year",
            "--vary",
            "pv.emc_discount_fraction",
            "--range",
            "0.1..0.3",
            "--out",
        ])
        .arg(out.path())
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("margin crosses zero"), "{stdout}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("breakeven.json")).unwrap())
            .unwrap();
    let runs = v["park_runs"].as_u64().unwrap();
    assert!(runs < 15, "{runs} park runs");
    assert_eq!(v["evaluations"].as_array().unwrap().len() as u64, runs);
    assert!(v["bracket_width"].as_f64().unwrap() <= 1e-3, "{v}");
    let x = v["value"].as_f64().unwrap();
    assert!((0.1..0.3).contains(&x), "{x}");
    // The claim is not met at 10% and is at 30%; at the value found the margin is ~0.
    assert!(v["at_range_start"]["margin"].as_f64().unwrap() < 0.0);
    assert!(v["at_range_end"]["margin"].as_f64().unwrap() > 0.0);
    let at = v["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["value"].as_f64() == Some(x))
        .unwrap()
        .clone();
    // A linear margin: the secant step lands on the zero to within rounding [yuan/yr].
    assert!(at["margin"].as_f64().unwrap().abs() < 1.0, "{at}");
}

/// A range that is not `a..b`, a key that is not one and a claim the scenario does not check
/// are bad input (exit 2) naming what is wrong.
#[test]
fn solve_refuses_bad_arguments() {
    for (args, want) in [
        (
            vec![
                "--vary",
                "pv.emc_discount_fraction",
                "--range",
                "0.1-0.3",
                "--claim",
                "pv_saving_yuan_per_year",
            ],
            "--range",
        ),
        (
            vec![
                "--vary",
                "pv.no_such_key",
                "--range",
                "0.1..0.3",
                "--claim",
                "pv_saving_yuan_per_year",
            ],
            "pv.no_such_key",
        ),
        (
            vec![
                "--vary",
                "pv.emc_discount_fraction",
                "--range",
                "0.3..0.1",
                "--claim",
                "pv_saving_yuan_per_year",
            ],
            "below the end",
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let o = bin()
            .args(["solve", "scenarios/yongzhou-etdz.toml"])
            .args(&args)
            .arg("--out")
            .arg(out.path())
            .current_dir(root())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!out.path().join("breakeven.json").exists());
    }
}

/// A `sobol` sweep runs Saltelli's design, `samples × (parameters + 2)` samples: the rows of
/// A, of B, and of A with each parameter's column from B (checked on the values in
/// `sweep.csv`); it writes first-order and total indices to `sobol.csv` and
/// `sweep-summary.json`, the same bytes on one and two threads. A parameter that moves no
/// saving (PV capex: money only) has indices of exactly 0; correlations are refused.
#[test]
fn sobol_sweep_writes_first_order_and_total_indices() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(scenario()).unwrap();
    let head = &base[..base.find("[sweep]").unwrap()];
    let params = "[[sweep.parameter]]\nkey = \"market.retail_discount_yuan_per_kwh\"\ndistribution = \"uniform\"\nmin = 0.0\nmax = 0.03\n\
                  [[sweep.parameter]]\nkey = \"pv.capex_yuan_per_w\"\ndistribution = \"uniform\"\nmin = 2.2\nmax = 3.4\n";
    let text = format!("{head}[sweep]\nmethod = \"sobol\"\nsamples = 6\n{params}");
    let p = dir.path().join("sobol.toml");
    std::fs::write(&p, &text).unwrap();
    let mut csvs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        bin()
            .arg("sweep")
            .arg(&p)
            .args(["--threads", threads, "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        csvs.push(std::fs::read(out.join("sobol.csv")).unwrap());
    }
    assert_eq!(
        csvs[0], csvs[1],
        "sobol.csv differs between 1 and 2 threads"
    );
    let out = dir.path().join("1");
    let text_csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = text_csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (disc, capex) = (
        col("market.retail_discount_yuan_per_kwh"),
        col("pv.capex_yuan_per_w"),
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 6 * (2 + 2), "N (k + 2) samples");
    for j in 0..6 {
        let (a, b) = (&rows[j], &rows[6 + j]);
        let (ab0, ab1) = (&rows[12 + j], &rows[18 + j]);
        assert_ne!(a[disc], b[disc], "A and B are independent draws");
        assert_eq!(
            (&ab0[disc], &ab0[capex]),
            (&b[disc], &a[capex]),
            "A_B^0, row {j}"
        );
        assert_eq!(
            (&ab1[disc], &ab1[capex]),
            (&a[disc], &b[capex]),
            "A_B^1, row {j}"
        );
    }
    let sobol = std::fs::read_to_string(out.join("sobol.csv")).unwrap();
    let line = |output: &str, key: &str| -> Vec<String> {
        sobol
            .lines()
            .find(|l| l.starts_with(&format!("{output},{key},")))
            .unwrap_or_else(|| panic!("{output} / {key} missing:\n{sobol}"))
            .split(',')
            .map(String::from)
            .collect()
    };
    let capex_row = line("market.saving_yuan", "pv.capex_yuan_per_w");
    assert_eq!((capex_row[3].as_str(), capex_row[6].as_str()), ("0", "0"));
    let disc_row = line("market.saving_yuan", "market.retail_discount_yuan_per_kwh");
    let total: f64 = disc_row[6].parse().unwrap();
    assert!(
        total > 0.5,
        "the discount drives the market saving: S_T = {total}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep-summary.json")).unwrap())
            .unwrap();
    assert!(
        summary["sobol"]["outputs"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    // report.html shows the claims' indices, as sobol.csv has them.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let claim = line(
        "claim.cost_reduction_fraction.simulated",
        "market.retail_discount_yuan_per_kwh",
    );
    let (first, total): (f64, f64) = (claim[3].parse().unwrap(), claim[6].parse().unwrap());
    let row = format!(
        "<td class=\"t\">cost_reduction_fraction</td><td class=\"t\">market.retail_discount_yuan_per_kwh</td><td>{first:.2} ("
    );
    assert!(html.contains(&row), "the Sobol table of report.html: {row}");
    assert!(html.contains(&format!("</td><td>{total:.2} (")));
    let corr = format!(
        "{head}[sweep]\nmethod = \"sobol\"\nsamples = 6\n{params}[[sweep.correlation]]\nfirst = \"pv.capex_yuan_per_w\"\nsecond = \"market.retail_discount_yuan_per_kwh\"\nrank_correlation = 0.5\n"
    );
    std::fs::write(&p, corr).unwrap();
    let o = bin().arg("check").arg(&p).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("independent inputs"));
}

//! Meter data as utilities export it: the example files of `docs/load.md` (interval kW with
//! Chinese headers, end-of-interval kWh, 96-point daily rows), a GBK copy and an Excel workbook
//! run through `check` and `run`; reactive columns give each month's power factor.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    Command::cargo_bin("parkenergy").expect("binary built")
}

fn meter(name: &str) -> String {
    root()
        .join("tests/data/meter")
        .join(name)
        .display()
        .to_string()
}

/// A one-enterprise scenario reading `file` with the meter keys `keys`.
fn scenario(step_minutes: u32, file: &str, keys: &str) -> String {
    format!(
        "[scenario]\nname = \"meter\"\nstep_minutes = {step_minutes}\n\
         [strategies]\nlist = [\"baseline\", \"tariff\"]\n\
         [claims]\ncost_reduction_strategy = \"tariff\"\npv_saving_strategy = \"baseline\"\n\
         [[enterprise]]\nname = \"plant\"\ntransformer_kva = 1250.0\nmeter_file = '{file}'\n{keys}\n"
    )
}

/// The keys of each example, as docs/load.md gives them.
fn examples() -> Vec<(&'static str, String, usize)> {
    vec![
        (
            "interval_kw_zh",
            scenario(
                60,
                &meter("interval_kw_zh.csv"),
                "meter_unit = \"kw\"\nmeter_timestamp_column = \"时间\"\nmeter_value_column = \"有功功率(kW)\"\nmeter_reactive_column = \"无功功率(kvar)\"\nmeter_reactive_unit = \"kvar\"",
            ),
            0,
        ),
        (
            "interval_kw_zh_gbk",
            scenario(
                60,
                &meter("interval_kw_zh_gbk.csv"),
                "meter_unit = \"kw\"\nmeter_encoding = \"gbk\"\nmeter_timestamp_column = \"时间\"\nmeter_value_column = \"有功功率(kW)\"\nmeter_reactive_column = \"无功功率(kvar)\"\nmeter_reactive_unit = \"kvar\"",
            ),
            0,
        ),
        (
            "end_of_interval_kwh",
            scenario(
                15,
                &meter("end_of_interval_kwh.csv"),
                "meter_unit = \"kwh\"\nmeter_step_minutes = 15\nmeter_stamp = \"end\"\nmeter_timestamp_column = \"数据时间\"\nmeter_value_column = \"正向有功电量(kWh)\"\nmeter_reactive_column = \"正向无功电量(kvarh)\"\nmeter_leading_reactive_column = \"反向无功电量(kvarh)\"\nmeter_reactive_unit = \"kvarh\"",
            ),
            8,
        ),
        (
            "daily_96_kw",
            scenario(
                15,
                &meter("daily_96_kw.csv"),
                "meter_unit = \"kw\"\nmeter_layout = \"daily_96\"\nmeter_date_column = \"日期\"",
            ),
            0,
        ),
    ]
}

/// Column `col` of every row of a CSV file whose column `key_col` equals `key`.
fn column(path: &Path, key_col: &str, key: &str, col: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let ki = h.iter().position(|x| x == key_col).unwrap();
    let ci = h
        .iter()
        .position(|x| x == col)
        .unwrap_or_else(|| panic!("no column {col}"));
    r.records()
        .map(Result::unwrap)
        .filter(|rec| &rec[ki] == key)
        .map(|rec| rec[ci].to_string())
        .collect()
}

fn check_and_run(dir: &Path, name: &str, text: &str) -> (String, PathBuf) {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, text).unwrap();
    let out = bin().arg("check").arg(&p).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dest = dir.join(name);
    let run = bin()
        .arg("run")
        .arg(&p)
        .arg("--out")
        .arg(&dest)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    // `run` prints the same coverage line as `check`.
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("meter"))
        .unwrap_or_else(|| panic!("{name}: no coverage line in {stdout}"));
    assert!(String::from_utf8_lossy(&run.stdout).contains(line));
    (stdout, dest)
}

#[test]
fn example_exports_check_and_run_with_their_coverage() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, filled) in examples() {
        let (stdout, out) = check_and_run(dir.path(), name, &text);
        let expect = if filled == 0 {
            "no gap".to_string()
        } else {
            format!("{filled} of 35040 intervals of 15 min missing")
        };
        assert!(stdout.contains(&expect), "{name}: {stdout}");
        let steps = column(
            &out.join("enterprises.csv"),
            "strategy",
            "baseline",
            "meter_filled_steps",
        );
        assert_eq!(steps, [filled.to_string()], "{name}");
    }
}

/// Monthly kWh and kvarh of `interval_kw_zh.csv`, summed by hand from the file (hourly rows:
/// kW and kvar are kWh and kvarh).
fn hand_power_factors(file: &str) -> Vec<f64> {
    let mut r = csv::Reader::from_path(file).unwrap();
    let mut kwh = [0.0_f64; 12];
    let mut kvarh = [0.0_f64; 12];
    for rec in r.records() {
        let rec = rec.unwrap();
        let month: usize = rec[0][5..7].parse().unwrap();
        kwh[month - 1] += rec[1].parse::<f64>().unwrap();
        kvarh[month - 1] += rec[2].parse::<f64>().unwrap();
    }
    (0..12)
        .map(|m| kwh[m] / (kwh[m] * kwh[m] + kvarh[m] * kvarh[m]).sqrt())
        .collect()
}

#[test]
fn kvar_column_gives_each_months_power_factor() {
    let hand = hand_power_factors(&meter("interval_kw_zh.csv"));
    // As printed by tools/make_meter_examples.py: January 399243.0 kWh, 193030.7 kvarh.
    assert!((hand[0] - 0.900293).abs() < 5e-7, "{}", hand[0]);
    assert!((hand[6] - 0.819889).abs() < 5e-7, "{}", hand[6]);
    let dir = tempfile::tempdir().unwrap();
    for (name, text, _) in examples().into_iter().take(2) {
        let (_, out) = check_and_run(dir.path(), name, &text);
        let pf: Vec<f64> = column(
            &out.join("bills.csv"),
            "strategy",
            "baseline",
            "power_factor",
        )
        .iter()
        .map(|x| x.parse().unwrap())
        .collect();
        assert_eq!(pf.len(), 12);
        for (m, (a, b)) in pf.iter().zip(&hand).enumerate() {
            // bills.csv rounds to 4 decimals.
            assert!((a - b).abs() <= 5e-5, "{name} month {}: {a} vs {b}", m + 1);
        }
    }
    // Without the reactive column the constant power factor (0.92 by default) applies.
    let text = scenario(
        60,
        &meter("interval_kw_zh.csv"),
        "meter_unit = \"kw\"\nmeter_timestamp_column = 1\nmeter_value_column = 2",
    );
    let (_, out) = check_and_run(dir.path(), "constant", &text);
    for pf in column(
        &out.join("bills.csv"),
        "strategy",
        "baseline",
        "power_factor",
    ) {
        assert_eq!(pf, "0.9200");
    }
}

/// The hourly example written as a utility portal's workbook: a notes sheet first, then the
/// data with Excel date-times; the sheet is chosen by name.
fn write_workbook(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut r = csv::Reader::from_path(meter("interval_kw_zh.csv")).unwrap();
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "负荷数据导出").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("负荷数据").unwrap();
    let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (c, h) in ["时间", "有功功率(kW)", "无功功率(kvar)"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        let row = i as u32 + 1;
        let t = ExcelDateTime::parse_from_str(&format!("{}:00", &rec[0])).unwrap();
        ws.write_datetime_with_format(row, 0, &t, &fmt).unwrap();
        ws.write_number(row, 1, rec[1].parse::<f64>().unwrap())
            .unwrap();
        ws.write_number(row, 2, rec[2].parse::<f64>().unwrap())
            .unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn excel_workbook_is_read_from_a_named_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("负荷.xlsx");
    write_workbook(&book);
    let keys = "meter_unit = \"kw\"\nmeter_sheet = \"负荷数据\"\nmeter_timestamp_column = \"时间\"\nmeter_value_column = \"有功功率(kW)\"\nmeter_reactive_column = \"无功功率(kvar)\"\nmeter_reactive_unit = \"kvar\"";
    let text = scenario(60, &book.display().to_string(), keys);
    let (stdout, out) = check_and_run(dir.path(), "xlsx", &text);
    assert!(stdout.contains("8760 rows, 8760 intervals of 60 min, no gap"));
    let hand = hand_power_factors(&meter("interval_kw_zh.csv"));
    let pf = column(
        &out.join("bills.csv"),
        "strategy",
        "baseline",
        "power_factor",
    );
    assert!((pf[0].parse::<f64>().unwrap() - hand[0]).abs() <= 5e-5);
    // The first sheet holds notes, not data; a sheet that is not there is named with the others.
    for (sheet, expect) in [
        ("", "no data rows in sheet `说明` (sheets: 说明, 负荷数据;"),
        (
            "meter_sheet = \"数据\"\n",
            "no sheet `数据` (sheets: 说明, 负荷数据)",
        ),
    ] {
        let keys = keys.replace("meter_sheet = \"负荷数据\"\n", sheet);
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, scenario(60, &book.display().to_string(), &keys)).unwrap();
        bin()
            .arg("check")
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(expect));
        bin()
            .arg("run")
            .arg(&p)
            .arg("--out")
            .arg(dir.path().join("no"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(expect));
    }
}

#[test]
fn meter_section_gives_the_enterprises_their_export_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[scenario]\nname = \"shared\"\nstep_minutes = 60\n\
         [strategies]\nlist = [\"baseline\"]\n\
         [claims]\ncost_reduction_strategy = \"baseline\"\npv_saving_strategy = \"baseline\"\n\
         [meter]\nunit = \"kw\"\ntimestamp_column = \"时间\"\nvalue_column = \"有功功率(kW)\"\n\
         reactive_column = 3\nreactive_unit = \"kvar\"\n\
         [[enterprise]]\nname = \"a\"\ntransformer_kva = 1250.0\nmeter_file = '{}'\n\
         [[enterprise]]\nname = \"b\"\ntransformer_kva = 1250.0\nmeter_file = '{}'\nmeter_encoding = \"gbk\"\n",
        meter("interval_kw_zh.csv"),
        meter("interval_kw_zh_gbk.csv")
    );
    let (stdout, out) = check_and_run(dir.path(), "shared", &text);
    assert_eq!(stdout.matches("8760 rows").count(), 2, "{stdout}");
    let hand = hand_power_factors(&meter("interval_kw_zh.csv"));
    for e in ["a", "b"] {
        let pf = column(&out.join("bills.csv"), "enterprise", e, "power_factor");
        assert_eq!(pf.len(), 12);
        assert!(
            (pf[6].parse::<f64>().unwrap() - hand[6]).abs() <= 5e-5,
            "{e}"
        );
    }
    // The enterprise's own key wins over [meter]: b without its encoding is refused.
    let bad = text.replace("meter_encoding = \"gbk\"\n", "");
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, bad).unwrap();
    bin()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`enterprise[1].meter_file`"))
        .stderr(predicates::str::contains("meter_encoding = \"gbk\""));
}

/// Monthly power factor of two 96-point daily files (kW and kvar), summed by hand.
fn hand_daily_power_factors(p_file: &str, q_file: &str) -> Vec<f64> {
    let sums = |file: &str| {
        let mut r = csv::Reader::from_path(file).unwrap();
        let mut by_month = [0.0_f64; 12];
        for rec in r.records() {
            let rec = rec.unwrap();
            let month: usize = rec[1][5..7].parse().unwrap();
            // 96 quarter hours of mean kW (kvar): energy is the sum over 4.
            by_month[month - 1] += rec
                .iter()
                .skip(2)
                .map(|x| x.parse::<f64>().unwrap())
                .sum::<f64>()
                / 4.0;
        }
        by_month
    };
    let (p, q) = (sums(p_file), sums(q_file));
    (0..12)
        .map(|m| p[m] / (p[m] * p[m] + q[m] * q[m]).sqrt())
        .collect()
}

#[test]
fn reactive_curves_exported_apart_give_each_months_power_factor() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario(
        15,
        &meter("daily_96_kw.csv"),
        &format!(
            "meter_unit = \"kw\"\nmeter_layout = \"daily_96\"\nmeter_date_column = \"日期\"\nmeter_reactive_file = '{}'\nmeter_reactive_unit = \"kvar\"",
            meter("daily_96_kvar.csv")
        ),
    );
    let (_, out) = check_and_run(dir.path(), "daily_q", &text);
    let hand = hand_daily_power_factors(&meter("daily_96_kw.csv"), &meter("daily_96_kvar.csv"));
    let pf = column(
        &out.join("bills.csv"),
        "strategy",
        "baseline",
        "power_factor",
    );
    assert_eq!(pf.len(), 12);
    for (m, (a, b)) in pf.iter().zip(&hand).enumerate() {
        let a: f64 = a.parse().unwrap();
        assert!((a - b).abs() <= 5e-5, "month {}: {a} vs {b}", m + 1);
    }
    // July's power factor of the generator (0.82 ± 1 %), not the constant 0.92.
    assert!((hand[6] - 0.82).abs() < 0.005, "{}", hand[6]);
}

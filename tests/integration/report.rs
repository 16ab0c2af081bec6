//! The reports a planner hands on: `report.xlsx` and `report.html` of a small park.

use assert_cmd::Command;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run the small park once per language into a folder kept for the whole test binary.
fn small_park_run(lang: &str) -> &'static Path {
    static DIRS: OnceLock<tempfile::TempDir> = OnceLock::new();
    static EN: OnceLock<PathBuf> = OnceLock::new();
    static ZH: OnceLock<PathBuf> = OnceLock::new();
    let base = DIRS.get_or_init(|| tempfile::tempdir().expect("temporary folder"));
    let cell = if lang == "zh" { &ZH } else { &EN };
    cell.get_or_init(|| {
        let out = base.path().join(lang);
        Command::cargo_bin("parkenergy")
            .expect("binary built")
            .arg("run")
            .arg(root().join("tests/data/small_park/scenario.toml"))
            .args(["--quiet", "--lang", lang, "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    })
}

/// The rows of a CSV file: header and records.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let header = rd.headers().unwrap().iter().map(String::from).collect();
    let rows = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Each CSV sheet of `report.xlsx` has the CSV's header and as many rows, numbers as numbers;
/// the twelve months of each strategy in the monthly sheet sum to the summary's bill.
#[test]
fn report_xlsx_sheets_match_the_csvs_and_months_sum_to_the_bill() {
    let out = small_park_run("en");
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "summary 汇总",
            "claims 目标核验",
            "enterprises 企业",
            "monthly bills 月度电费",
            "cash flows 现金流",
            "savings account 节省账户"
        ]
    );
    for (sheet, csv) in [
        ("enterprises 企业", "enterprises.csv"),
        ("monthly bills 月度电费", "bills.csv"),
        ("cash flows 现金流", "cashflows.csv"),
        ("savings account 节省账户", "measures.csv"),
    ] {
        let range = wb.worksheet_range(sheet).unwrap();
        let (header, rows) = csv_rows(&out.join(csv));
        let got: Vec<String> = range.rows().next().unwrap().iter().map(cell_text).collect();
        assert_eq!(got, header, "{sheet}");
        assert_eq!(range.height(), rows.len() + 1, "{sheet} rows vs {csv}");
        assert!(!rows.is_empty(), "{csv} is empty");
        // Every numeric CSV field is a number in the sheet, with the same value.
        for (r, row) in rows.iter().enumerate() {
            for (c, field) in row.iter().enumerate() {
                let cell = range.get((r + 1, c)).unwrap_or(&Data::Empty);
                match (field.parse::<f64>(), cell) {
                    (_, Data::String(s)) => assert_eq!(s, field, "{sheet} row {r} col {c}"),
                    (Ok(x), Data::Float(y)) => {
                        assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{sheet} {x} {y}")
                    }
                    (Err(_), Data::Empty) => assert!(field.is_empty()),
                    (_, other) => panic!("{sheet} row {r} col {c}: {field:?} became {other:?}"),
                }
            }
        }
    }
    // Summary: one row per strategy; the monthly sheet sums to its bill.
    let summary = wb.worksheet_range("summary 汇总").unwrap();
    let head: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(cell_text)
        .collect();
    assert_eq!(head[0], "strategy");
    let bill_col = head.iter().position(|h| h == "bill_yuan").unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let strategies = json["strategies"].as_object().unwrap();
    assert_eq!(summary.height(), strategies.len() + 1);
    let bills = wb.worksheet_range("monthly bills 月度电费").unwrap();
    let bh: Vec<String> = bills.rows().next().unwrap().iter().map(cell_text).collect();
    let s_col = bh.iter().position(|h| h == "strategy").unwrap();
    let net_col = bh.iter().position(|h| h == "net_total_yuan").unwrap();
    let n_enterprises = json["enterprises"].as_u64().unwrap() as f64;
    for row in summary.rows().skip(1) {
        let strategy = cell_text(&row[0]);
        let Data::Float(bill) = row[bill_col] else {
            panic!("bill of {strategy} is not a number")
        };
        let monthly: f64 = bills
            .rows()
            .skip(1)
            .filter(|r| cell_text(&r[s_col]) == strategy)
            .map(|r| r[net_col].as_f64().unwrap())
            .sum();
        // Each monthly value is rounded to 0.01 yuan in bills.csv: 12 months × enterprises ×
        // 0.005 yuan at most.
        let tol = 12.0 * n_enterprises * 0.005 + 1e-6;
        assert!(
            (monthly - bill).abs() <= tol,
            "{strategy}: months {monthly} vs summary {bill}"
        );
        let json_bill = strategies[&strategy]["bill_yuan"].as_f64().unwrap();
        assert!((json_bill - bill).abs() <= 0.01, "{strategy}");
    }
}

/// The same run gives the same workbook, byte for byte.
#[test]
fn report_xlsx_is_deterministic() {
    let first = std::fs::read(small_park_run("en").join("report.xlsx")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("parkenergy")
        .unwrap()
        .arg("run")
        .arg(root().join("tests/data/small_park/scenario.toml"))
        .args(["--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let second = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    assert!(first == second, "report.xlsx differs between two runs");
}

//! Weather files by content: `parkenergy pv --weather FILE` and a scenario's `[weather]` read
//! EPW, TMY3 (NREL's `NNNNNNTYA.CSV`), PVGIS CSV and JSON and plain CSV without being told the
//! format; a declared format that does not match is refused, naming the likely one.

use assert_cmd::Command;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn bin() -> Command {
    Command::cargo_bin("parkenergy").expect("binary built")
}

/// The same clear-sky-like day shape every day of 2025 at Yongzhou, hour `h` (0-23) of local
/// standard time covering `[h, h+1)`: (GHI, DNI, DHI) [W/m²]. Light from 08:00 to 17:00 only,
/// when the sun is up all year there (solar noon is 12:34 at 111.6° E on UTC+8), so that the
/// weather plausibility check accepts it.
fn sky(h: u32) -> (f64, f64, f64) {
    let x = (std::f64::consts::PI * (f64::from(h) + 0.5 - 8.0) / 9.0).sin();
    if !(8..17).contains(&h) || x <= 0.0 {
        (0.0, 0.0, 0.0)
    } else {
        let ghi = (700.0 * x).round();
        (ghi, (600.0 * x).round(), (0.3 * ghi).round())
    }
}

/// Every (month, day) of 2025.
fn days() -> Vec<(u32, u32)> {
    let len = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12u32)
        .flat_map(|m| (1..=len[m as usize - 1]).map(move |d| (m, d)))
        .collect()
}

fn epw() -> String {
    let mut s = String::from("LOCATION,Yongzhou,HN,CHN,test,576660,26.42,111.61,8.0,110.0\n");
    for h in [
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,test",
        "COMMENTS 2,test",
        "DATA PERIODS,1,1,Data,Wednesday,1/ 1,12/31",
    ] {
        s.push_str(h);
        s.push('\n');
    }
    for (m, d) in days() {
        for h in 0..24 {
            let (g, b, df) = sky(h);
            // EPW hour 1 is 00:00-01:00.
            let _ = writeln!(
                s,
                "2025,{m},{d},{},60,?,20.0,10,80,101300,0,0,300,{g},{b},{df},0,0,0,0,180,2.0,5,5",
                h + 1
            );
        }
    }
    s
}

fn tmy3() -> String {
    let mut s = String::from("576660,\"YONGZHOU\",HN,8.0,26.420,111.610,110\n");
    s.push_str("Date (MM/DD/YYYY),Time (HH:MM),GHI (W/m^2),DNI (W/m^2),DHI (W/m^2),Dry-bulb (C),Wspd (m/s)\n");
    for (m, d) in days() {
        for h in 0..24 {
            let (g, b, df) = sky(h);
            // TMY3 labels the end of the hour.
            let _ = writeln!(
                s,
                "{m:02}/{d:02}/1995,{:02}:00,{g},{b},{df},20.0,2.0",
                h + 1
            );
        }
    }
    s
}

/// PVGIS rows in UTC: local hour `h` at UTC+8 is UTC hour `h - 8`, the day before for `h < 8`.
fn pvgis_rows() -> Vec<(String, (f64, f64, f64))> {
    let mut out = Vec::new();
    for (m, d) in days() {
        for h in 0..24u32 {
            // The UTC hour h of this day is local hour h + 8 (of this day, or the next).
            out.push((format!("2015{m:02}{d:02}:{h:02}00"), sky((h + 8) % 24)));
        }
    }
    out
}

fn pvgis_csv() -> String {
    let mut s = String::from(
        "Latitude (decimal degrees):\t26.420\nLongitude (decimal degrees):\t111.610\nElevation (m):\t110.0\nmonth,year\n1,2015\ntime(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP\n",
    );
    for (t, (g, b, df)) in pvgis_rows() {
        let _ = writeln!(s, "{t},20.0,80,{g},{b},{df},300,2.0,90,100000");
    }
    s.push_str("T2m: 2-m air temperature (degree Celsius)\n");
    s
}

fn pvgis_json() -> String {
    let rows: Vec<String> = pvgis_rows()
        .into_iter()
        .map(|(t, (g, b, df))| {
            format!(
                "{{\"time(UTC)\":\"{t}\",\"T2m\":20.0,\"G(h)\":{g},\"Gb(n)\":{b},\"Gd(h)\":{df},\"WS10m\":2.0}}"
            )
        })
        .collect();
    format!(
        "{{\"inputs\":{{\"location\":{{\"latitude\":26.42,\"longitude\":111.61,\"elevation\":110}}}},\"outputs\":{{\"tmy_hourly\":[{}]}}}}",
        rows.join(",")
    )
}

fn plain_csv() -> String {
    let mut s = String::from("timestamp,ghi,dni,dhi,temp_air,wind_speed\n");
    for (m, d) in days() {
        for h in 0..24 {
            let (g, b, df) = sky(h);
            let _ = writeln!(s, "2025-{m:02}-{d:02} {h:02}:00,{g},{b},{df},20.0,2.0");
        }
    }
    s
}

fn write_all(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let files = [
        ("epw", "yongzhou.epw", epw()),
        ("tmy3", "576660TYA.CSV", tmy3()),
        ("pvgis_csv", "tmy_26.420_111.610.csv", pvgis_csv()),
        ("pvgis_json", "tmy_26.420_111.610.json", pvgis_json()),
        ("csv", "measured.csv", plain_csv()),
    ];
    files
        .into_iter()
        .map(|(f, name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            (f, p)
        })
        .collect()
}

fn specific_yield(args: &[&str]) -> f64 {
    pv_json(args)["specific_yield_kwh_per_kwp"]
        .as_f64()
        .unwrap()
}

fn pv_json(args: &[&str]) -> serde_json::Value {
    let out = bin()
        .arg("pv")
        .args(args)
        .args(["--dc-kw", "100", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn pv_reads_every_format_without_being_told() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path());
    let mut yields = Vec::new();
    for (format, p) in &files {
        let p = p.display().to_string();
        let v = pv_json(&["--weather", &p]);
        assert_eq!(v["weather_format"], *format, "{p}");
        let y = v["specific_yield_kwh_per_kwp"].as_f64().unwrap();
        // Told the right format, the same answer.
        assert!((specific_yield(&["--weather", &p, "--format", format]) - y).abs() < 1e-9);
        yields.push((*format, y));
    }
    // One sky in five formats and four time conventions (hour-ending EPW and TMY3, UTC PVGIS,
    // hour-starting CSV): the same year's yield, up to the hours the UTC shift moves across
    // the new year (night hours).
    let (_, base) = yields[0];
    assert!(base > 500.0, "{yields:?}");
    for (f, y) in &yields {
        // TMY3 differs by 2e-6 of the yield (its site header rounds to three decimals).
        assert!(
            (y - base).abs() < 1e-5 * base,
            "{f}: {y} vs {base} ({yields:?})"
        );
    }
}

#[test]
fn pv_reads_a_plain_csv_with_declared_columns() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path());
    let renamed = plain_csv().replacen(
        "timestamp,ghi,dni,dhi,temp_air,wind_speed",
        "时间,总辐射,直射,散射,气温,风速",
        1,
    );
    let p = dir.path().join("站点.csv");
    std::fs::write(&p, renamed).unwrap();
    let p = p.display().to_string();
    let base = specific_yield(&["--weather", &files[4].1.display().to_string()]);
    let y = specific_yield(&[
        "--weather",
        &p,
        "--csv-columns",
        "时间,总辐射,气温,风速,直射,散射",
    ]);
    assert!((y - base).abs() < 1e-9 * base, "{y} vs {base}");
    bin()
        .args(["pv", "--weather", &p, "--csv-columns", "时间,总辐射"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected 4 or 6 column names"));
}

#[test]
fn a_declared_format_that_does_not_match_is_refused_naming_the_likely_one() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path());
    let tmy3 = files[1].1.display().to_string();
    bin()
        .args(["pv", "--weather", &tmy3, "--format", "epw"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "read as `epw`, but its first lines are those of `tmy3`",
        ));
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "station notes\n").unwrap();
    bin()
        .args(["pv", "--weather"])
        .arg(&notes)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("format is not recognised"));
}

#[test]
fn scenario_weather_is_recognised_and_checked_by_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_all(dir.path());
    let scenario = |source: &str, file: &Path, extra: &str| {
        format!(
            "[scenario]\nname = \"w\"\n[weather]\nsource = \"{source}\"\nfile = '{}'\n{extra}\n\
             [strategies]\nlist = [\"baseline\", \"pv\"]\n\
             [claims]\ncost_reduction_strategy = \"pv\"\npv_saving_strategy = \"pv\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 2000000.0\ntransformer_kva = 1250.0\nroof_area_m2 = 5000.0\n",
            file.display()
        )
    };
    let mut pv_kwh = Vec::new();
    for (format, path) in &files {
        let p = dir.path().join(format!("{format}.toml"));
        // A plain CSV's DNI and DHI columns are declared (without them GHI is decomposed).
        let extra = if *format == "csv" {
            "csv_dni_column = \"dni\"\ncsv_dhi_column = \"dhi\""
        } else {
            ""
        };
        std::fs::write(&p, scenario("auto", path, extra)).unwrap();
        bin().arg("check").arg(&p).assert().success();
        let out = dir.path().join(format!("out-{format}"));
        bin()
            .arg("run")
            .arg(&p)
            .args(["--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let mut r = csv::Reader::from_path(out.join("enterprises.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        let si = h.iter().position(|x| x == "strategy").unwrap();
        let ki = h.iter().position(|x| x == "pv_kwh").unwrap();
        let kwh: f64 = r
            .records()
            .map(Result::unwrap)
            .find(|rec| &rec[si] == "pv")
            .map(|rec| rec[ki].parse().unwrap())
            .unwrap();
        pv_kwh.push(kwh);
    }
    for k in &pv_kwh {
        assert!((k - pv_kwh[0]).abs() < 1e-5 * pv_kwh[0], "{pv_kwh:?}");
    }
    // Declared plain CSV with named columns; a wrong declaration is refused by both commands.
    let p = dir.path().join("declared.toml");
    std::fs::write(
        &p,
        scenario(
            "csv",
            &files[4].1,
            "csv_dni_column = \"dni\"\ncsv_dhi_column = \"dhi\"",
        ),
    )
    .unwrap();
    bin().arg("check").arg(&p).assert().success();
    std::fs::write(&p, scenario("epw", &files[1].1, "")).unwrap();
    for args in [vec!["check"], vec!["run", "--quiet"]] {
        bin()
            .args(&args)
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("`weather.source`"))
            .stderr(predicates::str::contains("those of `tmy3`"));
    }
}

#[test]
fn weather_finer_than_the_run_is_refused_by_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("timestamp,ghi,temp_air,wind_speed\n");
    for (m, d) in days() {
        for q in 0..96 {
            let (g, _, _) = sky(q / 4);
            let _ = writeln!(
                s,
                "2025-{m:02}-{d:02} {:02}:{:02},{g},20.0,2.0",
                q / 4,
                (q % 4) * 15
            );
        }
    }
    let w = dir.path().join("quarter.csv");
    std::fs::write(&w, s).unwrap();
    let text = |step: u32| {
        format!(
            "[scenario]\nname = \"q\"\nstep_minutes = {step}\n[weather]\nsource = \"auto\"\nfile = '{}'\ncsv_step_minutes = 15\n\
             [strategies]\nlist = [\"baseline\", \"pv\"]\n\
             [claims]\ncost_reduction_strategy = \"pv\"\npv_saving_strategy = \"pv\"\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 2000000.0\ntransformer_kva = 1250.0\nroof_area_m2 = 5000.0\n",
            w.display()
        )
    };
    let p = dir.path().join("s.toml");
    std::fs::write(&p, text(60)).unwrap();
    bin()
        .arg("check")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "15-minute weather steps, but the scenario runs at 60 min",
        ));
    bin()
        .arg("run")
        .arg(&p)
        .args(["--quiet", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("15-minute weather steps"));
    std::fs::write(&p, text(15)).unwrap();
    bin().arg("check").arg(&p).assert().success();
}

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

/// Every part of an enterprise's payment is in `bills.csv`: the twelve months' `net_total_yuan`
/// sum to `enterprises.csv` `bill_yuan` (0.01 yuan of rounding per month), each row's net total
/// is its parts, and the park's monthly chart sums to the summary's bill of its strategies.
#[test]
fn bills_reconcile_with_the_enterprise_bill_and_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let ent = read_csv(&out.join("enterprises.csv"));
    let bills = read_csv(&out.join("bills.csv"));
    let mut sums: HashMap<(String, String), (f64, usize)> = HashMap::new();
    for r in &bills {
        let parts = num(r, "total_yuan") - num(r, "export_credit_yuan")
            + num(r, "export_credit_to_investor_yuan")
            + num(r, "emc_payment_yuan")
            + num(r, "compensation_yuan")
            + num(r, "deviation_yuan")
            + num(r, "shared_savings_yuan");
        assert!((parts - num(r, "net_total_yuan")).abs() < 0.041, "{r:?}");
        let e = sums
            .entry((r["enterprise"].clone(), r["strategy"].clone()))
            .or_default();
        e.0 += num(r, "net_total_yuan");
        e.1 += 1;
    }
    assert_eq!(sums.len(), ent.len());
    let mut shared = 0;
    for r in &ent {
        let (sum, months) = sums[&(r["enterprise"].clone(), r["strategy"].clone())];
        assert_eq!(months, 12);
        assert!(
            (sum - num(r, "bill_yuan")).abs() <= 0.01 * 12.0 + 1e-9,
            "{} {}: months sum to {sum}, bill {}",
            r["enterprise"],
            r["strategy"],
            r["bill_yuan"]
        );
        if num(r, "shared_savings_payment_yuan") > 0.0 {
            shared += 1;
        }
    }
    // The scenario's storage is under shared savings: its payments are part of the account.
    assert!(shared > 0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let charts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("charts/chart-data.json")).unwrap())
            .unwrap();
    let strategies = summary["strategies"].as_object().unwrap();
    let last = strategies
        .keys()
        .find(|k| *k == "tariff+market+pv+storage")
        .expect("the all-measures strategy");
    for (series, strategy) in [("baseline", "baseline"), ("all_measures", last.as_str())] {
        let months = charts["monthly_bill"][series].as_array().unwrap();
        let total: f64 = months
            .iter()
            .flat_map(|m| m.as_object().unwrap().values())
            .map(|v| v.as_f64().unwrap())
            .sum();
        let bill = strategies[strategy]["bill_yuan"].as_f64().unwrap();
        assert!(
            (total - bill).abs() < 1e-6 * bill,
            "{series}: chart {total} vs summary {bill} ({strategy})"
        );
    }
}

/// A 250 kVA enterprise may bill single-part (单一制): its baseline pays, step by step, the
/// single-part prices of `data/tariffs/hunan-2025.toml` (1-10 kV), computed here by hand; under
/// the tariff measure each month's prices follow that month's billing option.
#[test]
fn single_part_customer_is_priced_on_single_part_rates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "1");
    // (flat-period purchase, line loss, system operation) of March and July, T&D single- and
    // two-part 1-10 kV, funds; TOU multipliers float purchase, line loss and T&D.
    let (funds, single, two) = (0.04625, 0.2409, 0.1394);
    let month = |m: u32| match m {
        3 => (0.4515, 0.02235, 0.035),
        7 => (0.4800, 0.02376, 0.030),
        _ => unreachable!(),
    };
    let price = |m: u32, mult: f64, td: f64| {
        let (p, l, s) = month(m);
        (p + l + td) * mult + s + funds
    };
    let hourly = |strategy: &str| {
        read_csv(
            &out.join("hourly")
                .join(format!("small-workshop__{strategy}.csv")),
        )
    };
    let rows = hourly("baseline");
    // 2025-03-10 (Monday): 03:00 valley, 10:00 flat, 17:00 peak; 2025-07-15 21:00 critical.
    for (stamp, m, mult) in [
        ("2025-03-10T03:00+08:00", 3, 0.4),
        ("2025-03-10T10:00+08:00", 3, 1.0),
        ("2025-03-10T17:00+08:00", 3, 1.6),
        ("2025-07-15T21:00+08:00", 7, 1.92),
    ] {
        let r = rows.iter().find(|r| r["timestamp"] == stamp).unwrap();
        let got = num(r, "import_price_yuan_per_kwh");
        let want = price(m, mult, single);
        assert!(
            (got - want).abs() < 6e-6,
            "{stamp}: {got} vs single-part {want} (two-part would be {})",
            price(m, mult, two)
        );
    }
    // Under the tariff measure, each month's prices follow its billing option in bills.csv.
    let bills = read_csv(&out.join("bills.csv"));
    let rows = hourly("tariff");
    for (m, day) in [(3u32, "2025-03-10"), (7, "2025-07-15")] {
        let b = bills
            .iter()
            .find(|r| {
                r["enterprise"] == "small-workshop"
                    && r["strategy"] == "tariff"
                    && num(r, "month") == f64::from(m)
            })
            .unwrap();
        let td = if b["billing_option"] == "single-part" {
            single
        } else {
            two
        };
        let r = rows
            .iter()
            .find(|r| r["timestamp"] == format!("{day}T10:00+08:00"))
            .unwrap();
        let got = num(r, "import_price_yuan_per_kwh");
        assert!((got - price(m, 1.0, td)).abs() < 6e-6, "{m}: {got}");
    }
}

/// Wherever an investment pays back, it has an IRR, and the IRR makes the NPV of its flows
/// zero; where there is none, `irr_note` says why.
#[test]
fn irr_exists_wherever_the_investment_pays_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let ent = read_csv(&out.join("enterprises.csv"));
    let mut checked = 0;
    for r in &ent {
        if !r["payback_years"].is_empty() {
            assert!(!r["irr"].is_empty(), "{r:?}");
            checked += 1;
        }
        if r["irr"].is_empty() && !r["investment_yuan"].is_empty() {
            assert!(!r["irr_note"].is_empty(), "{r:?}");
        }
    }
    assert!(checked > 0);
    // summary.json: IRR, payback and the investor's IRR for every strategy (null with a note
    // where there is no investment).
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for (name, t) in summary["strategies"].as_object().unwrap() {
        for k in [
            "irr",
            "payback_years",
            "investor_irr",
            "irr_note",
            "investor_irr_note",
        ] {
            assert!(t.get(k).is_some(), "{name}: no {k}");
        }
        if t["irr"].is_null() {
            assert!(!t["irr_note"].as_str().unwrap().is_empty(), "{name}");
        }
    }
    // Self-owned PV: the enterprises' IRR; storage under shared savings: the investor's.
    assert!(summary["strategies"]["pv"]["irr"].as_f64().is_some());
    assert!(
        summary["strategies"]["storage"]["investor_irr"]
            .as_f64()
            .is_some()
    );
}

/// `cashflows.csv` reproduces the money of `enterprises.csv` for every enterprise and strategy
/// with an investment: NPV = Σ discounted flows, the IRR zeroes the NPV of the net flows (to
/// 1e-6 of the investment), the payback is where the cumulative flow turns non-negative for
/// good; each year's items sum to its net flow; the park rows are the sums.
#[test]
fn cashflows_reproduce_npv_irr_and_payback() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let ent = read_csv(&out.join("enterprises.csv"));
    let cf = read_csv(&out.join("cashflows.csv"));
    let items = [
        "capex_yuan",
        "replacement_yuan",
        "om_yuan",
        "bill_saving_yuan",
        "payments_yuan",
        "export_revenue_yuan",
        "tax_yuan",
    ];
    for r in &cf {
        let sum: f64 = items.iter().map(|k| num(r, k)).sum();
        assert!((sum - num(r, "net_yuan")).abs() < 5e-4, "{r:?}");
    }
    let flows = |e: &str, s: &str, party: &str| -> Vec<HashMap<String, String>> {
        cf.iter()
            .filter(|r| r["enterprise"] == e && r["strategy"] == s && r["party"] == party)
            .cloned()
            .collect()
    };
    let npv_at = |rows: &[HashMap<String, String>], rate: f64| -> f64 {
        rows.iter()
            .map(|r| num(r, "net_yuan") / (1.0 + rate).powf(num(r, "year")))
            .sum()
    };
    let mut checked = (0, 0, 0);
    for r in ent.iter().filter(|r| !r["npv_yuan"].is_empty()) {
        let (e, s) = (r["enterprise"].as_str(), r["strategy"].as_str());
        for (party, npv_key, irr_key, inv_key) in [
            ("enterprise", "npv_yuan", "irr", "investment_yuan"),
            (
                "investor",
                "investor_npv_yuan",
                "investor_irr",
                "investor_investment_yuan",
            ),
        ] {
            let rows = flows(e, s, party);
            if r[npv_key].is_empty() {
                continue;
            }
            assert!(!rows.is_empty(), "{e} {s} {party}: no cash flows");
            let years: Vec<f64> = rows.iter().map(|x| num(x, "year")).collect();
            assert_eq!(years, (0..rows.len()).map(|t| t as f64).collect::<Vec<_>>());
            let npv: f64 = rows.iter().map(|x| num(x, "discounted_yuan")).sum();
            assert!(
                (npv - num(r, npv_key)).abs() < 0.011 + 5e-5 * rows.len() as f64,
                "{e} {s} {party}: Σ discounted {npv} vs {}",
                r[npv_key]
            );
            checked.0 += 1;
            if !r[irr_key].is_empty() {
                let inv = num(r, inv_key);
                let v = npv_at(&rows, num(r, irr_key));
                assert!(v.abs() <= 1e-6 * inv, "{e} {s} {party}: NPV(IRR) = {v}");
                checked.1 += 1;
            }
            if party == "enterprise" && !r["payback_years"].is_empty() {
                let cum: Vec<f64> = rows.iter().map(|x| num(x, "cumulative_yuan")).collect();
                let last_neg = cum.iter().rposition(|c| *c < 0.0).unwrap();
                let flow = num(&rows[last_neg + 1], "net_yuan");
                let payback = last_neg as f64 - cum[last_neg] / flow;
                assert!(
                    (payback - num(r, "payback_years")).abs() < 6e-4,
                    "{e} {s}: {payback} vs {}",
                    r["payback_years"]
                );
                checked.2 += 1;
            }
        }
    }
    assert!(
        checked.0 > 0 && checked.1 > 0 && checked.2 > 0,
        "{checked:?}"
    );
    // Park rows: the sums over enterprises of each strategy, party and year.
    let mut sums: HashMap<(String, String, String), f64> = HashMap::new();
    for r in cf.iter().filter(|r| r["enterprise"] != "(park)") {
        *sums
            .entry((r["strategy"].clone(), r["party"].clone(), r["year"].clone()))
            .or_default() += num(r, "net_yuan");
    }
    let park: Vec<_> = cf.iter().filter(|r| r["enterprise"] == "(park)").collect();
    assert!(!park.is_empty());
    for r in park {
        let k = (r["strategy"].clone(), r["party"].clone(), r["year"].clone());
        let want = sums.get(&k).copied().unwrap_or(0.0);
        assert!((num(r, "net_yuan") - want).abs() < 0.01, "{k:?}");
    }
}

/// Claims: a scenario without `[claims]` is judged against nothing; with one, each claim has
/// its kind, margin and framings, and `claims.tariff_versions` judges them under each version
/// on the same loads (the scenario's own version reproducing the main run's claims).
#[test]
fn claims_are_judged_as_stated_and_under_each_tariff_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["claims"].as_object().unwrap().len(), 0);

    let text = std::fs::read_to_string(root().join("tests/data/small_park/scenario.toml"))
        .unwrap()
        .replace(
            "../../../scenarios/",
            &format!("{}/scenarios/", root().display()),
        );
    let text = format!(
        "{text}\n[claims]\ncost_reduction_fraction = 0.15\npv_saving_yuan_per_year = 1000.0\ntariff_versions = [\"hunan-2023\", \"hunan-2025\"]\n"
    );
    let scenario = dir.path().join("claims.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("b");
    let o = Command::cargo_bin("parkenergy")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let printed = String::from_utf8_lossy(&o.get_output().stdout).to_string();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let cost = &summary["claims"]["cost_reduction_fraction"];
    assert_eq!(cost["kind"], "about");
    assert_eq!(cost["tolerance"], 0.01);
    let (sim, claimed) = (
        cost["simulated"].as_f64().unwrap(),
        cost["claimed"].as_f64().unwrap(),
    );
    assert!((cost["margin"].as_f64().unwrap() - (sim - claimed)).abs() < 2e-6);
    assert_eq!(
        cost["holds"].as_bool().unwrap(),
        (sim - claimed).abs() <= 0.01
    );
    let pv = &summary["claims"]["pv_saving_yuan_per_year"];
    assert_eq!(pv["kind"], "at_least");
    assert_eq!(
        pv["holds"].as_bool().unwrap(),
        pv["simulated"].as_f64().unwrap() >= 1000.0
    );
    // The stacked framing: PV after tariff and market, as the bills say.
    let framing = &pv["framings"][0];
    assert_eq!(framing["strategy"], "tariff+market+pv");
    let bill = |s: &str| summary["strategies"][s]["bill_yuan"].as_f64().unwrap();
    assert!(
        (framing["simulated"].as_f64().unwrap()
            - (bill("tariff+market") - bill("tariff+market+pv")))
        .abs()
            < 0.02
    );
    let by = summary["claims_by_tariff"].as_array().unwrap();
    assert_eq!(by.len(), 2);
    assert_eq!(by[0]["tariff_version"], "hunan-2023");
    assert_eq!(by[0]["confidence"], "LOW");
    assert_eq!(by[1]["tariff_version"], "hunan-2025");
    // The scenario's own version is the main run.
    assert_eq!(by[1]["claims"], summary["claims"]);
    // Another schedule gives other figures.
    assert_ne!(
        by[0]["claims"]["cost_reduction_fraction"]["simulated"],
        cost["simulated"]
    );
    let shares = &by[0]["pv_kwh_share_by_period"];
    let total: f64 = ["critical", "peak", "flat", "valley"]
        .iter()
        .map(|k| shares[k].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-3);
    // The waterfall and PV charts carry the other version beside the main run.
    let charts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("charts/chart-data.json")).unwrap())
            .unwrap();
    let other = &charts["waterfall"]["other_tariffs"][0];
    assert_eq!(other[0], "hunan-2023");
    // summary.json rounds to 6 decimals.
    let want = by[0]["saving_fraction"]["tariff+market+pv+storage"]
        .as_f64()
        .unwrap();
    assert!((other[1].as_f64().unwrap() - want).abs() < 6e-7);
    let cases = charts["pv_savings"]["cases"].as_array().unwrap();
    assert!(
        cases
            .iter()
            .any(|c| c["label"]["Plain"] == "pv (hunan-2023)")
    );
    for want in [
        "about 15.00% (± 1.00 pp)",
        "margin",
        "also: PV added after",
        "hunan-2023",
        "rests on LOW data",
    ] {
        assert!(printed.contains(want), "{want} not in:\n{printed}");
    }
}

/// `measures.csv`: each measure's saving alone and as a step of the stack; the components of
/// each row sum to its saving, which is the difference of the two strategies' park bills; the
/// losing enterprises are counted from `enterprises.csv`.
#[test]
fn measures_account_for_every_saving() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a");
    run(&out, "2");
    let rows = read_csv(&out.join("measures.csv"));
    let ent = read_csv(&out.join("enterprises.csv"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let bill = |s: &str| summary["strategies"][s]["bill_yuan"].as_f64().unwrap();
    let cost = |e: &str, s: &str| {
        ent.iter()
            .find(|r| r["enterprise"] == e && r["strategy"] == s)
            .map(|r| num(r, "bill_yuan"))
            .unwrap()
    };
    let components = [
        "energy_yuan",
        "basic_yuan",
        "power_factor_yuan",
        "funds_yuan",
        "export_credit_yuan",
        "emc_payment_yuan",
        "compensation_yuan",
        "deviation_yuan",
        "shared_savings_yuan",
    ];
    let mut framings = std::collections::HashSet::new();
    for r in &rows {
        let saving = num(r, "saving_yuan");
        let parts: f64 = components.iter().map(|k| num(r, k)).sum();
        assert!((parts - saving).abs() < 0.05, "{r:?}");
        assert!(
            (bill(&r["reference"]) - bill(&r["strategy"]) - saving).abs() < 0.05,
            "{r:?}"
        );
        let names: Vec<&String> = ent
            .iter()
            .filter(|x| x["strategy"] == "baseline")
            .map(|x| &x["enterprise"])
            .collect();
        let losing = names
            .iter()
            .filter(|n| cost(n, &r["strategy"]) - cost(n, &r["reference"]) > 0.005)
            .count();
        assert_eq!(losing as f64, num(r, "enterprises_losing"), "{r:?}");
        framings.insert((r["measure"].clone(), r["framing"].clone()));
    }
    for m in ["tariff", "market", "pv", "storage"] {
        assert!(
            framings.contains(&(m.to_string(), "alone".to_string())),
            "{m}"
        );
        assert!(
            framings.contains(&(m.to_string(), "step".to_string())),
            "{m}"
        );
    }
}

/// A run that drops each enterprise's monthly and yearly detail as it goes (large parks) gives
/// the same totals, claims, savings account, summary and chart data as one that keeps it, and
/// its sink sees every enterprise once, in roster order, with the detail still there.
#[test]
fn compact_streaming_run_gives_the_same_figures() {
    let plan = parkenergy::scenario::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/small_park/scenario.toml"),
    )
    .unwrap();
    let full = parkenergy::park::run(&plan, &parkenergy::park::RunOptions::default()).unwrap();
    let opts = parkenergy::park::RunOptions {
        compact: true,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut bills = String::new();
    let compact = parkenergy::park::run_streaming(&plan, &opts, &mut |c| {
        for (j, e) in c.enterprises.iter().enumerate() {
            seen.push((c.start + j, e.name.clone()));
            parkenergy::report::tables::bill_rows(&mut bills, e);
        }
        Ok(())
    })
    .unwrap();
    let names: Vec<(usize, String)> = full
        .result
        .enterprises
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.name.clone()))
        .collect();
    assert_eq!(seen, names);
    assert!(compact.result.enterprises.iter().all(|e| e.is_compact()));
    assert!(
        compact.result.enterprises[0].outcomes[0]
            .bill
            .months
            .is_empty()
    );
    use parkenergy::report::tables as t;
    assert_eq!(
        t::BILLS_HEADER.to_string() + &bills,
        t::bills_csv(&full.result)
    );
    assert_eq!(compact.result.totals, full.result.totals);
    assert_eq!(compact.result.claims, full.result.claims);
    assert_eq!(
        t::measures_csv(&compact.result),
        t::measures_csv(&full.result)
    );
    assert_eq!(
        t::summary_json(&compact.result),
        t::summary_json(&full.result)
    );
    let set = |o: &parkenergy::park::RunOutput| {
        serde_json::to_string(&parkenergy::report::park_charts::chart_set(&plan, o)).unwrap()
    };
    assert_eq!(set(&compact), set(&full));
}

/// `data_sources` lists the files a run's strategies use, with each table's provenance, and a
/// meter file as the user's own; the text summary names the weak data.
#[test]
fn data_sources_list_what_the_strategies_use() {
    let meter = root().join("tests/data/meter/daily_96_kw.csv");
    let text = format!(
        "[scenario]\nname = \"prov\"\nstep_minutes = 15\n\
         [strategies]\nlist = [\"baseline\", \"tariff\"]\n\
         [claims]\ncost_reduction_strategy = \"tariff\"\npv_saving_strategy = \"baseline\"\n\
         [[enterprise]]\nname = \"plant\"\ntransformer_kva = 1250.0\nmeter_file = '{}'\n\
         meter_unit = \"kw\"\nmeter_layout = \"daily_96\"\nmeter_date_column = \"日期\"\n",
        meter.display()
    );
    let plan = parkenergy::scenario::load_str(&text, &root().join("tests/data/prov.toml")).unwrap();
    let out = parkenergy::park::run(&plan, &parkenergy::park::RunOptions::default()).unwrap();
    let files: Vec<&str> = out
        .result
        .data_sources
        .iter()
        .map(|f| f.file.as_str())
        .collect();
    // No PV, market or storage strategy, no archetype: only the calendar, the meter, the
    // tariff and (tariff measure) the compensation costs.
    assert_eq!(
        files,
        vec![
            "data/holidays/china.toml",
            meter.to_str().unwrap(),
            "data/tariffs/hunan-2025.toml",
            "data/tariffs/reactive_compensation.toml",
        ]
    );
    let ds = &out.result.data_sources;
    assert!(
        ds[1].entries.is_empty(),
        "a user's file carries no stated provenance"
    );
    let tou = ds[2]
        .entries
        .iter()
        .find(|e| e.table == "tou")
        .expect("the TOU table's provenance");
    assert_eq!(tou.date.as_deref(), Some("2025-07-02"));
    assert_eq!(
        tou.confidence,
        Some(parkenergy::provenance::Confidence::High)
    );
    let json: serde_json::Value =
        serde_json::from_str(&parkenergy::report::tables::summary_json(&out.result)).unwrap();
    assert_eq!(json["data_sources"][3]["entries"][0]["confidence"], "EST");
    let summary = parkenergy::report::tables::text_summary(&out);
    assert!(
        summary.contains(
            "capacitor-bank costs of the tariff measure's reactive compensation (data/tariffs/reactive_compensation.toml): file EST"
        ),
        "{summary}"
    );
}

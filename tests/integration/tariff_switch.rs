//! Lifetime money under a tariff that changes during the project life
//! (`finance.tariff_switch_*`) and with re-simulated years (`finance.resimulate_years`), end to
//! end through `park::run`.

use parkenergy::park::{self, Detail, EnterpriseResult, RunOptions};
use parkenergy::strategy::Strategy;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A two-enterprise park: `tariff` and `finance` lines are spliced in, `extra` holds further
/// sections' lines (e.g. `[pv]` keys) placed in `[pv]`.
fn scenario(tariff: &str, finance: &str, pv: &str, storage: &str) -> String {
    format!(
        r#"
[scenario]
name = "switch-test"
year = 2025
seed = 11

[tariff]
version = "{tariff}"

[pv]
{pv}

[storage]
sizing = "fixed"
dispatch = "rule"
{storage}

[finance]
{finance}

[[enterprise]]
name = "plant-a"
archetype = "equipment_manufacturing"
annual_kwh = 3000000.0
transformer_kva = 2000.0
roof_area_m2 = 8000.0

[[enterprise]]
name = "plant-b"
archetype = "battery_materials"
annual_kwh = 5000000.0
transformer_kva = 2500.0
roof_area_m2 = 6000.0

[strategies]
list = ["pv", "storage", "tariff+pv+storage"]

[claims]
cost_reduction_strategy = "tariff+pv+storage"
pv_saving_strategy = "pv"
"#
    )
}

fn run(text: &str) -> Vec<EnterpriseResult> {
    let path = root().join("tests/data/switch-test.toml");
    let plan = parkenergy::scenario::load_str(text, &path).unwrap_or_else(|e| panic!("{e}"));
    park::run(&plan, &RunOptions::default())
        .unwrap()
        .result
        .enterprises
}

/// (enterprise flows, investor flows) of every enterprise under a strategy.
fn flows(r: &[EnterpriseResult], strategy: &str) -> Vec<(Vec<f64>, Vec<f64>)> {
    let s = Strategy::parse(strategy).unwrap();
    r.iter()
        .map(|e| {
            let o = e.outcomes.iter().find(|o| o.strategy == s).unwrap();
            let m = o.money.as_ref().expect("investment strategy has money");
            (
                m.enterprise_flows_yuan.clone(),
                m.investor_flows_yuan.clone(),
            )
        })
        .collect()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

/// Years `years` of two flow series agree within `rel`.
fn assert_years(a: &[f64], b: &[f64], years: std::ops::Range<usize>, rel: f64, what: &str) {
    for t in years {
        assert!(
            close(a[t], b[t], rel),
            "{what}, year {t}: {} vs {}",
            a[t],
            b[t]
        );
    }
}

const STRATEGIES: [&str; 3] = ["pv", "storage", "tariff+pv+storage"];

/// Relative tolerance of year-by-year comparisons where the battery's health differs a little
/// between the runs: the cycle fade at the smallest the keys allow (2e-6 per cycle) still
/// depends on the cycles of earlier years, and the dispatch of a battery a few tenths of a
/// percent smaller is not exactly proportional (measured: up to 0.2%): 1e-2, against
/// differences of 30-50% between the two tariffs. PV alone compares to 1e-9.
fn tol(strategy: &str) -> f64 {
    if strategy.contains("storage") {
        1e-2
    } else {
        1e-9
    }
}

/// Fade so small that the battery's health is the same under either tariff (cycle life at the
/// key's maximum, no calendar fade): the flows of a switched run can be compared year by year
/// with single-tariff runs.
const NO_FADE: &str = "calendar_fade_fraction_per_year = 0.0\ncycle_life = 100000.0";

#[test]
fn switch_in_year_1_equals_a_run_under_the_later_tariff() {
    let later = run(&scenario("hunan-2025", "", "", ""));
    let switched = run(&scenario(
        "hunan-2023",
        "tariff_switch_year = 1\ntariff_switch_version = \"hunan-2025\"",
        "",
        "",
    ));
    for s in STRATEGIES {
        for ((a, ai), (b, bi)) in flows(&later, s).iter().zip(&flows(&switched, s)) {
            assert_years(a, b, 0..a.len(), 1e-9, s);
            assert_eq!(ai.len(), bi.len(), "{s}");
            assert_years(ai, bi, 0..ai.len(), 1e-9, s);
        }
    }
    // The first-year bill stays the scenario tariff's: the runs differ there.
    let s = Strategy::parse("pv").unwrap();
    let bill = |r: &[EnterpriseResult]| {
        r[0].outcomes
            .iter()
            .find(|o| o.strategy == s)
            .unwrap()
            .cost_yuan
    };
    assert!(!close(bill(&later), bill(&switched), 1e-6));
}

#[test]
fn switch_beyond_a_project_life_changes_nothing_of_that_project() {
    // PV lives 10 years, the battery 12: a switch in year 11 leaves the PV flows alone.
    let pv = "life_years = 10";
    let st = "life_years = 12";
    let plain = run(&scenario("hunan-2023", "", pv, st));
    let switched = run(&scenario(
        "hunan-2023",
        "tariff_switch_year = 11\ntariff_switch_version = \"hunan-2025\"",
        pv,
        st,
    ));
    for ((a, ai), (b, bi)) in flows(&plain, "pv").iter().zip(&flows(&switched, "pv")) {
        assert_years(a, b, 0..a.len(), 1e-12, "pv");
        assert_years(ai, bi, 0..ai.len(), 1e-12, "pv investor");
    }
    // ... and the storage flows change from year 11 on.
    let (a, b) = (
        &flows(&plain, "storage")[0].0,
        &flows(&switched, "storage")[0].0,
    );
    assert_years(a, b, 0..11, 1e-12, "storage before the switch");
    assert!(!close(a[11], b[11], 1e-6), "{} vs {}", a[11], b[11]);
    // The other way round: the battery lives 10 years, PV 12.
    let plain = run(&scenario("hunan-2023", "", st, "life_years = 10"));
    let switched = run(&scenario(
        "hunan-2023",
        "tariff_switch_year = 11\ntariff_switch_version = \"hunan-2025\"",
        st,
        "life_years = 10",
    ));
    for ((a, ai), (b, bi)) in flows(&plain, "storage")
        .iter()
        .zip(&flows(&switched, "storage"))
    {
        assert_years(a, b, 0..a.len(), 1e-12, "storage");
        assert_years(ai, bi, 0..ai.len(), 1e-12, "storage investor");
    }
}

#[test]
fn switch_in_year_3_joins_the_two_single_tariff_runs() {
    let early = run(&scenario("hunan-2023", "", "", NO_FADE));
    let late = run(&scenario("hunan-2025", "", "", NO_FADE));
    let switched = run(&scenario(
        "hunan-2023",
        "tariff_switch_year = 3\ntariff_switch_version = \"hunan-2025\"",
        "",
        NO_FADE,
    ));
    let mut differs = false;
    for s in STRATEGIES {
        let (fe, fl, fs) = (flows(&early, s), flows(&late, s), flows(&switched, s));
        for k in 0..fs.len() {
            let n = fs[k].0.len();
            // Years 0-2 as under the earlier tariff, 3 on as under the later one (the battery's
            // health depends, weakly here, on the cycles of earlier years: see `tol`).
            let ni = fs[k].1.len();
            assert_years(&fs[k].0, &fe[k].0, 0..3, 1e-9, s);
            assert_years(&fs[k].0, &fl[k].0, 3..n, tol(s), s);
            assert_years(&fs[k].1, &fe[k].1, 0..3.min(ni), 1e-9, s);
            assert_years(&fs[k].1, &fl[k].1, 3.min(ni)..ni, tol(s), s);
            // The tariffs differ by 30-50% in year 3 (measured), far above the tolerance.
            differs |= !close(fe[k].0[3], fl[k].0[3], 0.2);
        }
    }
    assert!(
        differs,
        "the two tariffs give the same flows: the test proves nothing"
    );
}

#[test]
fn emc_conservation_holds_with_a_switch() {
    let sw = "tariff_switch_year = 3\ntariff_switch_version = \"hunan-2025\"";
    let own = run(&scenario("hunan-2023", sw, "ownership = \"self\"", ""));
    let emc = run(&scenario(
        "hunan-2023",
        sw,
        "ownership = \"emc\"\nemc_discount_fraction = 0.15",
        "",
    ));
    // PV alone: enterprise saving + investor revenue = avoided cost + export revenue, so the
    // EMC parties' flows add up to the self-owned project's, every year.
    for ((o, _), (e, i)) in flows(&own, "pv").iter().zip(&flows(&emc, "pv")) {
        assert_eq!(i.len(), o.len());
        for t in 0..o.len() {
            assert!(
                close(e[t] + i[t], o[t], 1e-9),
                "year {t}: {} + {} != {}",
                e[t],
                i[t],
                o[t]
            );
        }
    }
}

#[test]
fn resimulated_years_without_ageing_equal_the_scaled_years() {
    let pv = "ownership = \"self\"\ndegradation_first_year_fraction = 0.0\ndegradation_annual_fraction = 0.0";
    let sw = "tariff_switch_year = 3\ntariff_switch_version = \"hunan-2025\"";
    let scaled = run(&scenario("hunan-2023", sw, pv, NO_FADE));
    let resim = run(&scenario(
        "hunan-2023",
        &format!("{sw}\nresimulate_years = [10, 20]"),
        pv,
        NO_FADE,
    ));
    for s in STRATEGIES {
        for ((a, _), (b, _)) in flows(&scaled, s).iter().zip(&flows(&resim, s)) {
            assert_years(a, b, 0..a.len(), tol(s), s);
        }
    }
}

#[test]
fn resimulated_year_10_saving_is_the_simulated_one() {
    use parkenergy::park::{Context, pv, roster, simulate};
    let pv_keys = "ownership = \"self\"\ndegradation_first_year_fraction = 0.05\ndegradation_annual_fraction = 0.02\nom_yuan_per_w_year = 0.0";
    let text = scenario("hunan-2025", "resimulate_years = [10, 20]", pv_keys, "");
    let plan = parkenergy::scenario::load_str(&text, &root().join("tests/data/x.toml")).unwrap();
    let out = park::run(&plan, &RunOptions::default()).unwrap();
    let flows_pv = flows(&out.result.enterprises, "pv");

    // The year-10 saving of PV alone, simulated here with the array's output at its year-10
    // degradation factor 0.95 x 0.98^8.
    let k10 = 0.95 * 0.98f64.powi(8);
    let k20 = 0.95 * 0.98f64.powi(18);
    let lib = parkenergy::load::ArchetypeLibrary::embedded();
    let cal = out.calendar.clone();
    let mut ros = roster::roster(&plan, &cal, &lib).unwrap();
    let loads = roster::build_loads(&mut ros, &cal, &lib).unwrap();
    let mut ctx = Context::new(&plan, cal, &ros).unwrap();
    ctx.pv_per_kwp = pv::per_kwp_by_orientation(&plan, &ctx.cal, &ros).unwrap();
    let pv_s = Strategy::parse("pv").unwrap();
    let mut saving_at = |k: f64, i: usize| {
        ctx.pv_scale_fraction = k;
        let sub = simulate::Subject {
            ctx: &ctx,
            index: i,
            spec: &ros[i],
            load: &loads[i],
            battery: None,
            key: None,
        };
        let with = simulate::simulate(&sub, pv_s, Detail::Outcome).unwrap().0;
        let without = simulate::simulate(&sub, Strategy::BASELINE, Detail::Outcome)
            .unwrap()
            .0;
        without.cost_yuan - with.cost_yuan
    };
    for (i, (f, _)) in flows_pv.iter().enumerate() {
        let s10 = saving_at(k10, i);
        let s20 = saving_at(k20, i);
        let s1 = saving_at(1.0, i);
        // Self-owned, no O&M, no escalation, inverter replaced in year 13: the flow of year t
        // is the saving of year t.
        assert!(close(f[10], s10, 1e-9), "year 10: {} vs {s10}", f[10]);
        assert!(close(f[20], s20, 1e-9), "year 20: {} vs {s20}", f[20]);
        assert!(close(f[1], s1, 1e-9), "year 1: {} vs {s1}", f[1]);
        // Linear between the simulated years.
        assert!(close(f[15], (s10 + s20) / 2.0, 1e-9));
        assert!(close(f[4], s1 + (s10 - s1) * 3.0 / 9.0, 1e-9));
        // And not what scaling would give (the test can fail).
        assert!(!close(f[10], s1 * k10, 1e-6), "{} vs {}", f[10], s1 * k10);
        // Beyond the last point: the scaling, shifted by what it missed at year 20.
        let k22 = 0.95 * 0.98f64.powi(20);
        let want = s1 * k22 + (s20 - s1 * k20);
        assert!(close(f[22], want, 1e-9), "year 22: {} vs {want}", f[22]);
    }
}

#[test]
fn example_scenario_checks_and_states_the_switch() {
    let plan = parkenergy::scenario::load(&root().join("scenarios/tariff-switch.toml")).unwrap();
    let sw = plan
        .tariff_switch
        .as_ref()
        .expect("the example switches tariff");
    assert_eq!(sw.year, 3);
    assert_eq!(sw.label, "hunan-2025");
    assert_eq!(plan.resimulate_years, vec![10, 20]);
}

#[test]
fn example_scenario_runs_and_reports_lcoe_and_lcos() {
    let scenario = root().join("scenarios/tariff-switch.toml");
    assert_cmd::Command::cargo_bin("parkenergy")
        .unwrap()
        .arg("check")
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "then hunan-2025 from project year 3",
        ));
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("parkenergy")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .args(["--threads", "2", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("tariff switch: project years before 3 under hunan-2023"),
        "{text}"
    );
    assert!(text.contains("LCOE") && text.contains("LCOS"), "{text}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    let s = &summary["strategies"];
    let lcos = s["storage"]["storage_lcos_yuan_per_kwh"].as_f64().unwrap();
    let lcoe = s["pv"]["pv_lcoe_yuan_per_kwh"].as_f64().unwrap();
    // LCOE by hand from cashflows.csv: Σ_t owner's costs (capex, replacements, O&M) × d_t over
    // Σ_t PV energy × d_t, d_t = (1 + r)^-t, over every PV owner's rows of the `pv` strategy.
    let rate = parkenergy::scenario::load(&scenario)
        .unwrap()
        .finance
        .discount_rate_fraction;
    let flows = std::fs::read_to_string(dir.path().join("cashflows.csv")).unwrap();
    let mut rows = flows.lines();
    let head: Vec<&str> = rows.next().unwrap().split(',').collect();
    let at = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (cost_sum, kwh_sum) = {
        let mut owners = std::collections::HashSet::new();
        let parsed: Vec<Vec<String>> = rows
            .map(|l| l.split(',').map(str::to_string).collect())
            .filter(|r: &Vec<String>| r[at("strategy")] == "pv")
            .collect();
        let num = |r: &Vec<String>, c: &str| r[at(c)].parse::<f64>().unwrap_or(0.0);
        for r in &parsed {
            if num(r, "capex_yuan") < 0.0 {
                owners.insert((r[0].clone(), r[at("party")].clone()));
            }
        }
        let (mut c, mut e) = (0.0, 0.0);
        for r in parsed
            .iter()
            .filter(|r| owners.contains(&(r[0].clone(), r[at("party")].clone())))
        {
            let d = (1.0 + rate).powi(-num(r, "year") as i32);
            c -= (num(r, "capex_yuan") + num(r, "replacement_yuan") + num(r, "om_yuan")) * d;
            e += num(r, "pv_kwh") * d;
        }
        (c, e)
    };
    assert!(!cost_sum.is_nan() && kwh_sum > 0.0);
    // cashflows.csv rounds to 0.0001 yuan and 0.1 kWh.
    assert!(
        (lcoe - cost_sum / kwh_sum).abs() < 2e-5,
        "{lcoe} vs {}",
        cost_sum / kwh_sum
    );
    // LCOS by hand from cashflows.csv likewise, with the charging cost of each year:
    // Σ_t (capex, replacements, O&M, charging) × d_t over Σ_t discharge × d_t, the battery
    // owners' rows of the `storage` strategy (the park's own rows left out).
    let (cost_sum, kwh_sum) = {
        let parsed: Vec<Vec<String>> = flows
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .filter(|r: &Vec<String>| r[at("strategy")] == "storage" && r[0] != "(park)")
            .collect();
        let num = |r: &Vec<String>, c: &str| r[at(c)].parse::<f64>().unwrap_or(0.0);
        let owners: std::collections::HashSet<(String, String)> = parsed
            .iter()
            .filter(|r| num(r, "capex_yuan") < 0.0)
            .map(|r| (r[0].clone(), r[at("party")].clone()))
            .collect();
        assert_eq!(owners.len(), 16, "one battery owner per enterprise");
        let (mut c, mut e) = (0.0, 0.0);
        for r in parsed
            .iter()
            .filter(|r| owners.contains(&(r[0].clone(), r[at("party")].clone())))
        {
            let d = (1.0 + rate).powi(-num(r, "year") as i32);
            c += (num(r, "storage_charging_cost_yuan")
                - num(r, "capex_yuan")
                - num(r, "replacement_yuan")
                - num(r, "om_yuan"))
                * d;
            e += num(r, "storage_discharged_kwh") * d;
        }
        (c, e)
    };
    assert!(
        (lcos - cost_sum / kwh_sum).abs() < 2e-5,
        "{lcos} vs {}",
        cost_sum / kwh_sum
    );
    assert!(s["baseline"].get("pv_lcoe_yuan_per_kwh").is_none());
    // The park value is Σ discounted costs / Σ discounted energy: between the enterprises' values.
    let csv = std::fs::read_to_string(dir.path().join("enterprises.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "storage_lcos_yuan_per_kwh")
        .unwrap();
    let values: Vec<f64> = lines
        .filter(|l| l.contains(",storage,"))
        .filter_map(|l| l.rsplit(',').nth(header.len() - 1 - col)?.parse().ok())
        .collect();
    assert_eq!(values.len(), 16);
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    assert!(lo <= lcos && lcos <= hi, "{lo} {lcos} {hi}");
}

/// A switch to a tariff file applies that file's prices from the switch year on: a copy of
/// `hunan-2025.toml` whose government funds (政府性基金及附加, a flat per-kWh charge outside TOU
/// and the power-factor adjustment) are 0.1 yuan/kWh higher raises each later year's value of
/// the PV energy used on site by 0.1 yuan × the grid energy the PV avoids, scaled by
/// degradation like every later saving. Under EMC (合同能源管理) at a 15 % discount the
/// enterprise keeps 15 % of it and the investor is paid 85 %; the years before the switch are
/// unchanged.
#[test]
fn switch_to_a_tariff_file_applies_that_files_prices_from_the_switch_year() {
    const DELTA_YUAN_PER_KWH: f64 = 0.1;
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("data/tariffs/hunan-2025.toml")).unwrap();
    let old = "yuan_per_kwh = 0.04625";
    assert_eq!(text.matches(old).count(), 1);
    let file = dir.path().join("hunan-2025-funds.toml");
    std::fs::write(&file, text.replace(old, "yuan_per_kwh = 0.14625")).unwrap();
    let finance = |switch: &str| format!("tariff_switch_year = 4\n{switch}");
    const DISCOUNT: f64 = 0.15;
    let pv_keys = format!("ownership = \"emc\"\nemc_discount_fraction = {DISCOUNT}");
    let text_of = |f: &str| scenario("hunan-2023", f, &pv_keys, "");
    let by_version = run(&text_of(&finance("tariff_switch_version = \"hunan-2025\"")));
    let by_file = run(&text_of(&finance(&format!(
        "tariff_switch_file = \"{}\"",
        file.display()
    ))));
    let pv = Strategy::parse("pv").unwrap();
    let base = Strategy::parse("baseline").unwrap();
    for (a, b) in by_version.iter().zip(&by_file) {
        fn o(e: &EnterpriseResult, s: Strategy) -> &park::Outcome {
            e.outcomes.iter().find(|o| o.strategy == s).unwrap()
        }
        // PV's avoided grid energy in year 1 (the same under any tariff: no storage).
        let avoided_kwh = o(a, base).bill.kwh_import - o(a, pv).bill.kwh_import;
        assert!(avoided_kwh > 1e5, "{avoided_kwh}");
        let (ma, mb) = (
            o(a, pv).money.as_ref().unwrap(),
            o(b, pv).money.as_ref().unwrap(),
        );
        let pv_kwh = &ma.pv_kwh_by_year;
        for t in 0..ma.enterprise_flows_yuan.len() {
            let value = if t >= 4 {
                DELTA_YUAN_PER_KWH * avoided_kwh * pv_kwh[t] / pv_kwh[1]
            } else {
                0.0
            };
            for (who, got, want) in [
                (
                    "enterprise",
                    mb.enterprise_flows_yuan[t] - ma.enterprise_flows_yuan[t],
                    DISCOUNT * value,
                ),
                (
                    "investor",
                    mb.investor_flows_yuan[t] - ma.investor_flows_yuan[t],
                    (1.0 - DISCOUNT) * value,
                ),
            ] {
                assert!(
                    (got - want).abs() <= 1e-6 * (1.0 + want.abs()),
                    "{} {who} year {t}: {got} vs {want}",
                    a.name
                );
            }
        }
    }
}

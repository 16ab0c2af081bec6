//! Comparisons with external reference models (files under `tests/data/`, made by the scripts
//! under `tools/`).

use parkenergy::finance::{self, MoneyParams, PvOwnership, PvProject};
use std::path::PathBuf;

fn data(rel: &str) -> serde_json::Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// Relative agreement required with PySAM Cashloan: 1% (the bar). The models share
/// inputs exactly, so the differences left are conventions (SAM's payback interpolation).
const CASHLOAN_REL_TOL: f64 = 0.01;

#[test]
fn pv_cash_flows_match_pysam_cashloan() {
    let g = data("finance/pysam_cashloan.json");
    let i = &g["inputs"];
    let s = &g["pysam"];
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    let p = PvProject {
        dc_kw: f(&i["dc_kw"]),
        life_years: i["life_years"].as_u64().unwrap() as u32,
        capex_yuan: f(&i["capex_yuan"]),
        subsidy_yuan: 0.0,
        om_yuan_per_year: f(&i["om_yuan_per_year"]),
        inverter_replacement: (0, 0.0),
        self_consumed_kwh: f(&i["year1_kwh"]),
        exported_kwh: 0.0,
        avoided_energy_yuan: f(&i["year1_value_yuan"]),
        avoided_other_yuan: 0.0,
        export_revenue_yuan: 0.0,
        // SAM degrades by a constant rate from year 2: the same curve with d1 = da.
        degradation_first_year_fraction: f(&i["degradation_annual_fraction"]),
        degradation_annual_fraction: f(&i["degradation_annual_fraction"]),
    };
    let m = MoneyParams {
        discount_rate_fraction: f(&i["discount_rate_fraction"]),
        buy_escalation_fraction: f(&i["buy_escalation_fraction"]),
        sell_escalation_fraction: 0.0,
        om_escalation_fraction: f(&i["om_escalation_fraction"]),
        taxes: None,
    };
    let cf = finance::pv_cash_flows(&p, PvOwnership::SelfOwned, &m);
    let ours = cf.enterprise.metrics(m.discount_rate_fraction);
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= CASHLOAN_REL_TOL * b.abs(),
            "{what}: parkenergy {a} vs PySAM {b}"
        );
    };
    close(ours.npv_yuan, f(&s["npv_yuan"]), "NPV");
    close(
        ours.payback_years.unwrap(),
        f(&s["payback_years"]),
        "payback",
    );
    close(
        ours.discounted_payback_years.unwrap(),
        f(&s["discounted_payback_years"]),
        "discounted payback",
    );
    close(
        cf.lcoe_yuan_per_kwh(m.discount_rate_fraction).unwrap(),
        f(&s["lcoe_nominal_yuan_per_kwh"]),
        "LCOE",
    );
    let sam_cf: Vec<f64> = s["cf_after_tax_yuan"]
        .as_array()
        .unwrap()
        .iter()
        .map(f)
        .collect();
    assert_eq!(sam_cf.len(), cf.enterprise.net_yuan.len());
    for (t, (a, b)) in cf.enterprise.net_yuan.iter().zip(&sam_cf).enumerate() {
        assert!(
            (a - b).abs() <= 1e-6 * b.abs().max(1.0),
            "year {t}: {a} vs {b}"
        );
    }
}

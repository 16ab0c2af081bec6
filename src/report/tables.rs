//! The CSV and JSON tables of a park run: `enterprises.csv`, `bills.csv`, `summary.json`, and
//! the plain-text summary printed at the end. Numbers are written with fixed decimals so that
//! the same run gives the same bytes.

use crate::park::{ParkResult, RunOutput};
use std::fmt::Write as _;

fn f(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    // Avoid "-0.000".
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or(String::new(), |v| f(v, decimals))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `enterprises.csv`: one row per enterprise × strategy.
pub fn enterprises_csv(r: &ParkResult) -> String {
    let mut out = String::from(
        "enterprise,group,archetype,strategy,kwh,peak_kw,load_factor,transformer_kva,bill_yuan,baseline_bill_yuan,saving_yuan,saving_fraction,average_price_yuan_per_kwh,billing_option,market_mode,deviation_yuan,compensation_kvar,pv_kw,pv_kwh,pv_self_consumed_kwh,pv_exported_kwh,emc_payment_yuan,storage_kwh,storage_kw,storage_discharged_kwh,storage_cycles,storage_energy_saving_yuan,storage_demand_saving_yuan,investment_yuan,npv_yuan,irr,payback_years,investor_investment_yuan,investor_npv_yuan,investor_irr,pv_lcoe_yuan_per_kwh,storage_lcos_yuan_per_kwh,meter_filled_steps\n",
    );
    for e in &r.enterprises {
        let base = e.baseline().cost_yuan;
        for o in &e.outcomes {
            let saving = base - o.cost_yuan;
            let pv = o.pv.as_ref();
            let st = o.storage.as_ref();
            let m = o.money.as_ref();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&e.name),
                csv_field(e.group.as_deref().unwrap_or("")),
                e.archetype,
                o.strategy,
                f(o.load_kwh, 1),
                f(e.peak_kw, 2),
                f(e.load_factor, 4),
                f(e.transformer_kva, 0),
                f(o.cost_yuan, 2),
                f(base, 2),
                f(saving, 2),
                f(if base > 0.0 { saving / base } else { 0.0 }, 6),
                f(
                    if o.load_kwh > 0.0 {
                        o.cost_yuan / o.load_kwh
                    } else {
                        0.0
                    },
                    5
                ),
                csv_field(&o.tariff.options),
                o.market.mode,
                f(o.deviation_yuan, 2),
                f(o.tariff.compensation_kvar, 0),
                opt(pv.map(|p| p.dc_kw), 1),
                opt(pv.map(|p| p.kwh), 1),
                opt(pv.map(|p| p.self_consumed_kwh), 1),
                opt(pv.map(|p| p.exported_kwh), 1),
                opt(pv.map(|p| p.emc_payment_yuan), 2),
                opt(st.map(|s| s.kwh), 1),
                opt(st.map(|s| s.kw), 1),
                opt(st.map(|s| s.discharged_kwh), 1),
                opt(st.map(|s| s.cycles), 1),
                opt(st.map(|s| s.energy_saving_yuan), 2),
                opt(st.map(|s| s.demand_saving_yuan), 2),
                opt(m.map(|m| m.investment_yuan), 2),
                opt(m.map(|m| m.npv_yuan), 2),
                opt(m.and_then(|m| m.irr), 6),
                opt(m.and_then(|m| m.payback_years), 3),
                opt(m.and_then(|m| m.investor_investment_yuan), 2),
                opt(m.and_then(|m| m.investor_npv_yuan), 2),
                opt(m.and_then(|m| m.investor_irr), 6),
                opt(m.and_then(|m| m.pv_lcoe_yuan_per_kwh), 5),
                opt(m.and_then(|m| m.storage_lcos_yuan_per_kwh), 5),
                e.meter_filled_steps
                    .map_or(String::new(), |n| n.to_string()),
            );
        }
    }
    out
}

/// `bills.csv`: one row per enterprise × strategy × month; `total_yuan` = energy + basic +
/// pf_adjust + funds (the grid charges); the export credit and the market deviation are
/// separate columns.
pub fn bills_csv(r: &ParkResult) -> String {
    let mut out = String::from(
        "enterprise,strategy,month,kwh_critical,kwh_peak,kwh_flat,kwh_valley,kwh_export,energy_yuan,basic_yuan,pf_adjust_yuan,funds_yuan,total_yuan,export_credit_yuan,max_demand_kw,power_factor,billing_option\n",
    );
    for e in &r.enterprises {
        for o in &e.outcomes {
            for m in &o.bill.months {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    csv_field(&e.name),
                    o.strategy,
                    m.month,
                    f(m.kwh_critical, 1),
                    f(m.kwh_peak, 1),
                    f(m.kwh_flat, 1),
                    f(m.kwh_valley, 1),
                    f(m.kwh_export, 1),
                    f(m.energy_yuan, 2),
                    f(m.basic_yuan, 2),
                    f(m.pf_adjust_yuan, 2),
                    f(m.funds_yuan, 2),
                    f(m.charges_yuan, 2),
                    f(m.export_credit_yuan, 2),
                    f(m.max_demand_kw, 2),
                    opt(m.power_factor, 4),
                    csv_field(&crate::park::simulate::option_label(&m.option)),
                );
            }
        }
    }
    out
}

/// `summary.json`.
pub fn summary_json(r: &ParkResult) -> String {
    let mut strategies = serde_json::Map::new();
    for t in &r.totals {
        let mut v = serde_json::json!({
                "bill_yuan": round(t.bill_yuan, 2),
                "kwh": round(t.kwh, 1),
                "import_kwh": round(t.import_kwh, 1),
                "average_price_yuan_per_kwh": round(t.average_price_yuan_per_kwh, 5),
                "saving_yuan": round(t.saving_yuan, 2),
                "saving_fraction": round(t.saving_fraction, 6),
                "pv_kw": round(t.pv_kw, 1),
                "pv_kwh": round(t.pv_kwh, 1),
                "pv_self_consumed_kwh": round(t.pv_self_consumed_kwh, 1),
                "pv_exported_kwh": round(t.pv_exported_kwh, 1),
                "emc_payment_yuan": round(t.emc_payment_yuan, 2),
                "storage_discharged_kwh": round(t.storage_discharged_kwh, 1),
                "investment_yuan": round(t.investment_yuan, 2),
                "npv_yuan": round(t.npv_yuan, 2),
                "investor_investment_yuan": round(t.investor_investment_yuan, 2),
                "investor_npv_yuan": round(t.investor_npv_yuan, 2),
        });
        // Park levelized costs: Σ discounted costs / Σ discounted energy over the enterprises.
        for (key, value) in [
            ("pv_lcoe_yuan_per_kwh", t.pv_lcoe_yuan_per_kwh),
            ("storage_lcos_yuan_per_kwh", t.storage_lcos_yuan_per_kwh),
        ] {
            if let (Some(x), Some(map)) = (value, v.as_object_mut()) {
                map.insert(key.into(), serde_json::json!(round(x, 5)));
            }
        }
        strategies.insert(t.strategy.clone(), v);
    }
    let mut claims = serde_json::Map::new();
    for c in &r.claims {
        claims.insert(
            c.key.clone(),
            serde_json::json!({
                "claimed": c.claimed,
                "simulated": round(c.simulated, 6),
                "holds": c.holds,
                "strategy": c.strategy,
                "description": c.description,
                "assumptions": c.assumptions,
            }),
        );
    }
    let v = serde_json::json!({
        "scenario": r.scenario,
        "enterprises": r.enterprises.len(),
        "strategies": strategies,
        "claims": claims,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// A levelized cost for the text summary.
fn per_kwh(x: Option<f64>) -> String {
    x.map_or("none".to_string(), |v| format!("{v:.3} yuan/kWh"))
}

fn round(x: f64, d: i32) -> f64 {
    let p = 10f64.powi(d);
    (x * p).round() / p
}

/// Σ storage saving of a strategy: (energy arbitrage, demand charge) [yuan/yr].
fn storage_split(r: &ParkResult, strategy: &str) -> (f64, f64) {
    r.enterprises
        .iter()
        .filter_map(|e| {
            e.outcomes
                .iter()
                .find(|o| o.strategy.to_string() == strategy)
        })
        .filter_map(|o| o.storage.as_ref())
        .fold((0.0, 0.0), |(a, b), s| {
            (a + s.energy_saving_yuan, b + s.demand_saving_yuan)
        })
}

fn mode_counts(r: &ParkResult, strategy: &str) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for e in &r.enterprises {
        if let Some(o) = e
            .outcomes
            .iter()
            .find(|o| o.strategy.to_string() == strategy)
        {
            match counts.iter_mut().find(|(m, _)| *m == o.market.mode) {
                Some((_, n)) => *n += 1,
                None => counts.push((o.market.mode.clone(), 1)),
            }
        }
    }
    counts
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The plain-text summary a planner reads first.
pub fn text_summary(out: &RunOutput) -> String {
    let r = &out.result;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "parkenergy: {} ({} enterprises)",
        r.scenario,
        r.enterprises.len()
    );
    let base_kwh = r.totals.first().map_or(0.0, |t| t.kwh);
    let _ = writeln!(s, "  consumption {:.1} GWh/yr", base_kwh / 1e6);
    let _ = writeln!(
        s,
        "\n  {:<28} {:>14} {:>12} {:>14} {:>9}",
        "strategy", "cost (万元/yr)", "yuan/kWh", "saving (万元)", "saving"
    );
    for t in &r.totals {
        let _ = writeln!(
            s,
            "  {:<28} {:>14.1} {:>12.4} {:>14.1} {:>8.2}%",
            t.strategy,
            t.bill_yuan / 1e4,
            t.average_price_yuan_per_kwh,
            t.saving_yuan / 1e4,
            t.saving_fraction * 100.0
        );
    }
    let market_alone = crate::strategy::Strategy {
        market: true,
        ..crate::strategy::Strategy::BASELINE
    };
    let plan_market = r
        .totals
        .iter()
        .find(|t| crate::strategy::Strategy::parse(&t.strategy) == Ok(market_alone));
    if let Some(t) = plan_market {
        let _ = writeln!(
            s,
            "\n  market trading alone (市场化交易): saving {:.1} 万元/yr ({:.2}%); modes chosen: {}",
            t.saving_yuan / 1e4,
            t.saving_fraction * 100.0,
            mode_counts(r, "market")
        );
    }
    if let Some(a) = r.claims.first().and_then(|c| c.assumptions.get(1)) {
        let _ = writeln!(s, "    assumed {a}");
    }
    // The lifetime money's assumptions beyond the first year (tariff switch, re-simulated years).
    for a in r.claims.first().into_iter().flat_map(|c| &c.assumptions) {
        if a.starts_with("tariff switch") || a.starts_with("later-year savings") {
            let _ = writeln!(s, "    lifetime money: {a}");
        }
    }
    for t in r
        .totals
        .iter()
        .filter(|t| t.pv_kw > 0.0 || t.storage_kwh > 0.0)
    {
        let pct = |x: Option<f64>| x.map_or("none".to_string(), |v| format!("{:.1}%", v * 100.0));
        let _ = writeln!(s, "\n  {}:", t.strategy);
        if t.pv_kw > 0.0 {
            let _ = writeln!(
                s,
                "    PV {:.1} MWp, {:.1} GWh/yr ({:.0}% used on site); LCOE {}",
                t.pv_kw / 1e3,
                t.pv_kwh / 1e6,
                if t.pv_kwh > 0.0 {
                    t.pv_self_consumed_kwh / t.pv_kwh * 100.0
                } else {
                    0.0
                },
                per_kwh(t.pv_lcoe_yuan_per_kwh),
            );
        }
        if t.storage_kwh > 0.0 {
            let _ = writeln!(
                s,
                "    storage {:.1} MWh / {:.1} MW, {:.0} full cycles/yr on average; saving {:.1} 万元/yr from energy arbitrage, {:.1} 万元/yr from the demand charge",
                t.storage_kwh / 1e3,
                t.storage_kw / 1e3,
                t.storage_discharged_kwh / t.storage_usable_kwh.max(1e-9),
                storage_split(r, &t.strategy).0 / 1e4,
                storage_split(r, &t.strategy).1 / 1e4,
            );
            let _ = writeln!(
                s,
                "    storage LCOS {} discharged (charging energy included)",
                per_kwh(t.storage_lcos_yuan_per_kwh),
            );
        }
        let _ = writeln!(
            s,
            "    enterprises invest {:.1} 万元; NPV {:.1} 万元, IRR {}, payback {}",
            t.investment_yuan / 1e4,
            t.npv_yuan / 1e4,
            pct(t.irr),
            t.payback_years
                .map_or("none".to_string(), |y| format!("{y:.1} yr")),
        );
        if t.investor_investment_yuan > 0.0 {
            let _ = writeln!(
                s,
                "    investors (PV under EMC, storage under shared savings): invest {:.1} 万元; PV payments {:.1} 万元/yr; NPV {:.1} 万元, IRR {}",
                t.investor_investment_yuan / 1e4,
                t.emc_payment_yuan / 1e4,
                t.investor_npv_yuan / 1e4,
                pct(t.investor_irr)
            );
        }
    }
    let _ = writeln!(s, "\n  claims");
    for c in &r.claims {
        let (claimed, simulated) = if c.key.ends_with("fraction") {
            (
                format!("{:.1}%", c.claimed * 100.0),
                format!("{:.2}%", c.simulated * 100.0),
            )
        } else {
            (
                format!("{:.0} 万元/yr", c.claimed / 1e4),
                format!("{:.1} 万元/yr", c.simulated / 1e4),
            )
        };
        let _ = writeln!(
            s,
            "  - {}: claimed {claimed}, simulated {simulated} ({}): {}",
            c.description,
            c.strategy,
            if c.holds { "HOLDS" } else { "does NOT hold" }
        );
    }
    if r.claims.is_empty() {
        let _ = writeln!(s, "  (the claim strategies were not simulated)");
    }
    s
}

/// One enterprise × strategy per-step CSV (`--hourly`): what each step costs, so an analyst can
/// attribute the bill.
pub fn hourly_csv(
    cal: &crate::calendar::Calendar,
    load_kw: &[f64],
    s: &crate::park::Series,
    tariff: &crate::tariff::Tariff,
) -> String {
    let h = cal.step_hours();
    let mut out = String::from(
        "timestamp,load_kw,pv_kw,battery_charge_kw,battery_discharge_kw,battery_aux_kw,soc_kwh,grid_import_kw,grid_export_kw,tou_period,import_price_yuan_per_kwh,energy_cost_yuan\n",
    );
    let at = |v: &[f64], t: usize| v.get(t).copied().unwrap_or(0.0);
    for t in 0..cal.n_steps() {
        let period = tariff.period(cal.month(t), cal.hour(t));
        let price = at(&s.import_price_yuan_per_kwh, t);
        let import = at(&s.import_kw, t);
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            cal.timestamp(t),
            f(at(load_kw, t), 3),
            f(at(&s.pv_kw, t), 3),
            f(at(&s.charge_kw, t), 3),
            f(at(&s.discharge_kw, t), 3),
            f(s.aux_kw, 3),
            f(at(&s.soc_kwh, t), 3),
            f(import, 3),
            f(at(&s.export_kw, t), 3),
            ["critical", "peak", "flat", "valley"][period.index()],
            f(price, 5),
            f(import * h * price, 4),
        );
    }
    out
}

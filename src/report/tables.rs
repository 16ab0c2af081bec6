//! The CSV and JSON tables of a park run: `enterprises.csv`, `bills.csv`, `summary.json`, and
//! the plain-text summary printed at the end. Numbers are written with fixed decimals so that
//! the same run gives the same bytes.

use crate::park::{ParkResult, RunOutput};
use crate::scenario::choice::ClaimKind;
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
    let mut out = String::from(ENTERPRISES_HEADER);
    for e in &r.enterprises {
        enterprise_rows(&mut out, e);
    }
    out
}

/// The header of `enterprises.csv`.
pub const ENTERPRISES_HEADER: &str = "enterprise,group,archetype,strategy,kwh,peak_kw,load_factor,transformer_kva,bill_yuan,baseline_bill_yuan,saving_yuan,saving_fraction,average_price_yuan_per_kwh,billing_option,market_mode,deviation_yuan,compensation_kvar,pv_kw,pv_kwh,pv_self_consumed_kwh,pv_exported_kwh,emc_payment_yuan,storage_kwh,storage_kw,storage_discharged_kwh,storage_cycles,storage_energy_saving_yuan,storage_demand_saving_yuan,investment_yuan,npv_yuan,irr,payback_years,investor_investment_yuan,investor_npv_yuan,investor_irr,pv_lcoe_yuan_per_kwh,storage_lcos_yuan_per_kwh,irr_note,investor_irr_note,shared_savings_payment_yuan,meter_filled_steps\n";

/// One enterprise's rows of `enterprises.csv`.
pub fn enterprise_rows(out: &mut String, e: &crate::park::EnterpriseResult) {
    {
        let base = e.baseline().cost_yuan;
        for o in &e.outcomes {
            let saving = base - o.cost_yuan;
            let pv = o.pv.as_ref();
            let st = o.storage.as_ref();
            let m = o.money.as_ref();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
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
                opt(m.and_then(|m| m.irr), 9),
                opt(m.and_then(|m| m.payback_years), 3),
                opt(m.and_then(|m| m.investor_investment_yuan), 2),
                opt(m.and_then(|m| m.investor_npv_yuan), 2),
                opt(m.and_then(|m| m.investor_irr), 9),
                opt(m.and_then(|m| m.pv_lcoe_yuan_per_kwh), 5),
                opt(m.and_then(|m| m.storage_lcos_yuan_per_kwh), 5),
                csv_field(m.map_or("", |m| m.irr_note.as_str())),
                csv_field(m.map_or("", |m| m.investor_irr_note.as_str())),
                f(o.shared_savings_payment_yuan, 2),
                e.meter_filled_steps
                    .map_or(String::new(), |n| n.to_string()),
            );
        }
    }
}

/// `bills.csv`: one row per enterprise × strategy × month; `total_yuan` = energy + basic +
/// pf_adjust + funds (the grid charges); then every other part of the payment, and
/// `net_total_yuan`, whose twelve months sum to `enterprises.csv` `bill_yuan`.
pub fn bills_csv(r: &ParkResult) -> String {
    let mut out = String::from(BILLS_HEADER);
    for e in &r.enterprises {
        bill_rows(&mut out, e);
    }
    out
}

/// The header of `bills.csv`.
pub const BILLS_HEADER: &str = "enterprise,strategy,month,kwh_critical,kwh_peak,kwh_flat,kwh_valley,kwh_export,energy_yuan,basic_yuan,pf_adjust_yuan,funds_yuan,total_yuan,export_credit_yuan,max_demand_kw,power_factor,billing_option,export_credit_to_investor_yuan,emc_payment_yuan,compensation_yuan,deviation_yuan,shared_savings_yuan,net_total_yuan\n";

/// One enterprise's rows of `bills.csv`.
pub fn bill_rows(out: &mut String, e: &crate::park::EnterpriseResult) {
    {
        for o in &e.outcomes {
            for (i, m) in o.bill.months.iter().enumerate() {
                let a = o.month_account(i);
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
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
                    f(a.export_credit_to_investor_yuan, 2),
                    f(a.emc_payment_yuan, 2),
                    f(a.compensation_yuan, 2),
                    f(a.deviation_yuan, 2),
                    f(a.shared_savings_yuan, 2),
                    f(a.net_total_yuan, 2),
                );
            }
        }
    }
}

/// `cashflows.csv`: the pro forma. One row per enterprise × strategy with an investment ×
/// party (`enterprise`, `investor`) × project year, then the park totals (enterprise
/// `(park)`): the flows by item as they reach the party (+ income, − outlay), the net flow, its
/// present value at the scenario's discount rate, the cumulative and cumulative discounted
/// flows, and the energy behind them (PV output and battery discharge, degradation and capacity
/// fade included, with each relative to year 1). The NPV in `enterprises.csv` is the sum of
/// `discounted_yuan`, the IRR zeroes the NPV of `net_yuan`, and the payback is where
/// `cumulative_yuan` turns non-negative for good. Money to 4 decimals so that the metrics can
/// be reproduced from the file.
pub fn cashflows_csv(r: &ParkResult, discount_rate_fraction: f64) -> String {
    let mut out = String::from(CASHFLOWS_HEADER);
    let mut park = CashflowTotals::default();
    for e in &r.enterprises {
        park.rows(&mut out, e, discount_rate_fraction);
    }
    park.finish(&mut out, discount_rate_fraction);
    out
}

/// The header of `cashflows.csv`.
pub const CASHFLOWS_HEADER: &str = "enterprise,strategy,party,year,capex_yuan,replacement_yuan,om_yuan,bill_saving_yuan,payments_yuan,export_revenue_yuan,tax_yuan,net_yuan,discounted_yuan,cumulative_yuan,cumulative_discounted_yuan,pv_kwh,pv_output_factor,storage_discharged_kwh,storage_output_factor,storage_charging_cost_yuan\n";

/// The rows of `cashflows.csv` written enterprise by enterprise, with the park totals kept
/// for the last rows.
#[derive(Debug, Default)]
pub struct CashflowTotals {
    park: Vec<ParkFlows>,
}

impl CashflowTotals {
    /// Write one enterprise's rows and add its flows to the park's.
    pub fn rows(&mut self, out: &mut String, e: &crate::park::EnterpriseResult, rate: f64) {
        let park = &mut self.park;
        for o in &e.outcomes {
            let Some(m) = &o.money else { continue };
            let name = o.strategy.to_string();
            let k = match park.iter().position(|(s, ..)| *s == name) {
                Some(k) => k,
                None => {
                    park.push((
                        name.clone(),
                        Default::default(),
                        Vec::new(),
                        Vec::new(),
                        Vec::new(),
                    ));
                    park.len() - 1
                }
            };
            let p = &mut park[k];
            p.1[0].add(&m.enterprise_items);
            p.1[1].add(&m.investor_items);
            add_series(&mut p.2, &m.pv_kwh_by_year);
            add_series(&mut p.3, &m.storage_discharged_kwh_by_year);
            add_series(&mut p.4, &m.storage_charging_cost_by_year_yuan);
            for (party, items) in [
                ("enterprise", &m.enterprise_items),
                ("investor", &m.investor_items),
            ] {
                cashflow_rows(
                    out,
                    &csv_field(&e.name),
                    &name,
                    party,
                    items,
                    [
                        &m.pv_kwh_by_year,
                        &m.storage_discharged_kwh_by_year,
                        &m.storage_charging_cost_by_year_yuan,
                    ],
                    rate,
                );
            }
        }
    }

    /// Write the park totals' rows (enterprise `(park)`).
    pub fn finish(&self, out: &mut String, rate: f64) {
        for (name, [ent, inv], pv, st, ch) in &self.park {
            for (party, items) in [("enterprise", ent), ("investor", inv)] {
                cashflow_rows(out, "(park)", name, party, items, [pv, st, ch], rate);
            }
        }
    }
}

/// A strategy's park totals: name, enterprise and investor items, PV output, battery
/// discharge and battery charging cost per year.
type ParkFlows = (
    String,
    [crate::finance::FlowItems; 2],
    Vec<f64>,
    Vec<f64>,
    Vec<f64>,
);

fn add_series(acc: &mut Vec<f64>, x: &[f64]) {
    if acc.len() < x.len() {
        acc.resize(x.len(), 0.0);
    }
    for (a, b) in acc.iter_mut().zip(x) {
        *a += b;
    }
}

/// The rows of one party's flows (none when it has no flows).
#[allow(
    clippy::too_many_arguments,
    reason = "predates the six-parameter limit of clippy.toml"
)]
fn cashflow_rows(
    out: &mut String,
    enterprise: &str,
    strategy: &str,
    party: &str,
    items: &crate::finance::FlowItems,
    [pv, st, charging]: [&[f64]; 3],
    rate: f64,
) {
    if items.is_empty() {
        return;
    }
    let (mut cum, mut cum_d) = (0.0, 0.0);
    let factor = |v: &[f64], t: usize| -> String {
        match (v.get(t), v.get(1)) {
            (Some(x), Some(y1)) if *y1 > 0.0 && t > 0 => f(x / y1, 6),
            _ => String::new(),
        }
    };
    for t in 0..items.len() {
        let net = items.net(t);
        let disc = net / (1.0 + rate).powi(t as i32);
        cum += net;
        cum_d += disc;
        let cols: Vec<String> = items.columns().iter().map(|c| f(c[t], 4)).collect();
        let _ = writeln!(
            out,
            "{enterprise},{strategy},{party},{t},{},{},{},{},{},{},{},{},{},{}",
            cols.join(","),
            f(net, 4),
            f(disc, 4),
            f(cum, 4),
            f(cum_d, 4),
            opt(pv.get(t).copied(), 1),
            factor(pv, t),
            opt(st.get(t).copied(), 1),
            factor(st, t),
            opt(charging.get(t).copied(), 4),
        );
    }
}

/// The savings account of a run ([`crate::park::result::savings_account`]).
pub fn savings_account(r: &ParkResult) -> Vec<crate::park::result::MeasureSaving> {
    let strategies: Vec<crate::strategy::Strategy> = r
        .enterprises
        .first()
        .map(|e| e.outcomes.iter().map(|o| o.strategy).collect())
        .unwrap_or_default();
    crate::park::result::savings_account(&strategies, &r.enterprises)
}

/// `measures.csv`: the savings account. One row per measure and framing (`alone`: the
/// measure's strategy against the baseline; `step`: added to the cumulative stack tariff →
/// +market → +pv → +storage): the park's saving, split by payment component (the components
/// sum to the saving), the number of enterprises that pay more with it and the worst three.
pub fn measures_csv(r: &ParkResult) -> String {
    let mut out = String::from("measure,framing,strategy,reference,saving_yuan,saving_fraction,");
    out.push_str(&crate::park::result::PAYMENT_COMPONENTS.join(","));
    out.push_str(",enterprises_losing,worst_enterprises\n");
    for m in savings_account(r) {
        let comps: Vec<String> = m.by_component_yuan.iter().map(|x| f(*x, 2)).collect();
        let worst: Vec<String> = m
            .worst
            .iter()
            .map(|(n, d)| format!("{n} ({})", f(*d, 0)))
            .collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            m.measure,
            m.framing,
            m.strategy,
            m.reference,
            f(m.saving_yuan, 2),
            f(m.saving_fraction, 6),
            comps.join(","),
            m.enterprises_losing,
            csv_field(&worst.join("; ")),
        );
    }
    out
}

/// Words for a payment component.
fn component_words(k: usize) -> &'static str {
    [
        "the energy charge",
        "the basic charge",
        "the power-factor adjustment (力调电费)",
        "the funds",
        "the export credit",
        "the EMC payments",
        "the reactive compensation",
        "the market deviation",
        "the shared-savings payments",
    ][k]
}

/// The savings account section of the text summary.
fn savings_account_text(s: &mut String, r: &ParkResult) {
    let acc = savings_account(r);
    if acc.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n  savings account (万元/yr; alone = against the baseline, step = added to the stack)"
    );
    for m in ["tariff", "market", "pv", "storage"] {
        let alone = acc.iter().find(|x| x.measure == m && x.framing == "alone");
        let step = acc.iter().find(|x| x.measure == m && x.framing == "step");
        let words = |x: &crate::park::result::MeasureSaving| {
            // The two largest components of the saving, by size.
            let mut idx: Vec<usize> = (0..9).collect();
            idx.sort_by(|a, b| {
                x.by_component_yuan[*b]
                    .abs()
                    .total_cmp(&x.by_component_yuan[*a].abs())
            });
            let parts: Vec<String> = idx
                .iter()
                .take(2)
                .filter(|k| x.by_component_yuan[**k].abs() >= 0.5e4)
                .map(|k| {
                    format!(
                        "{} {:+.1}",
                        component_words(*k),
                        x.by_component_yuan[*k] / 1e4
                    )
                })
                .collect();
            let losers = if x.enterprises_losing > 0 {
                format!(
                    "; {} enterprises pay more (worst: {})",
                    x.enterprises_losing,
                    x.worst
                        .iter()
                        .map(|(n, d)| format!("{n} {:.1}", d / 1e4))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            format!(
                "{:.1} ({}){}",
                x.saving_yuan / 1e4,
                parts.join(", "),
                losers
            )
        };
        if let Some(a) = alone {
            let _ = writeln!(s, "  - {m} alone ({}): {}", a.strategy, words(a));
        }
        if let Some(st) = step.filter(|st| st.strategy != alone.map_or("", |a| a.strategy.as_str()))
        {
            let _ = writeln!(
                s,
                "    {m} as a step ({} after {}): {}",
                st.strategy,
                st.reference,
                words(st)
            );
        }
        if let (Some(a), Some(st)) = (alone, step) {
            let big = a.saving_yuan.abs().max(st.saving_yuan.abs());
            if big > 0.0 && (a.saving_yuan - st.saving_yuan).abs() > 0.5 * big {
                // The component whose saving differs most between the two framings.
                let k = (0..9)
                    .max_by(|x, y| {
                        (a.by_component_yuan[*x] - st.by_component_yuan[*x])
                            .abs()
                            .total_cmp(&(a.by_component_yuan[*y] - st.by_component_yuan[*y]).abs())
                    })
                    .unwrap_or(0);
                let _ = writeln!(
                    s,
                    "    why alone and stacked differ: mostly {}, {:+.1} alone against {:+.1} in the stack",
                    component_words(k),
                    a.by_component_yuan[k] / 1e4,
                    st.by_component_yuan[k] / 1e4
                );
            }
        }
    }
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
        // Money of the summed flows (null where none exists, with the reason).
        if let Some(map) = v.as_object_mut() {
            let money = !t.enterprise_flows_yuan.is_empty() || !t.investor_flows_yuan.is_empty();
            if !money {
                for k in ["irr", "payback_years", "investor_irr"] {
                    map.insert(k.into(), serde_json::Value::Null);
                }
                for k in ["irr_note", "investor_irr_note"] {
                    map.insert(
                        k.into(),
                        serde_json::json!("no investment in this strategy"),
                    );
                }
            } else {
                map.insert("irr".into(), serde_json::json!(t.irr.map(|x| round(x, 6))));
                map.insert(
                    "irr_note".into(),
                    serde_json::json!(crate::finance::irr_note(&t.enterprise_flows_yuan)),
                );
                map.insert(
                    "payback_years".into(),
                    serde_json::json!(t.payback_years.map(|x| round(x, 3))),
                );
                map.insert(
                    "investor_irr".into(),
                    serde_json::json!(t.investor_irr.map(|x| round(x, 6))),
                );
                map.insert(
                    "investor_irr_note".into(),
                    serde_json::json!(if t.investor_flows_yuan.is_empty() {
                        "no investor".to_string()
                    } else {
                        crate::finance::irr_note(&t.investor_flows_yuan)
                    }),
                );
            }
        }
        strategies.insert(t.strategy.clone(), v);
    }
    let claims = claims_json(&r.claims);
    let by_tariff: Vec<serde_json::Value> = r
        .claims_by_tariff
        .iter()
        .map(|t| {
            serde_json::json!({
                "tariff_version": t.version,
                "title": t.title,
                "confidence": t.confidence.word(),
                "claims": claims_json(&t.claims),
                "saving_fraction": t.saving_fraction.iter().map(|(k, v)| (k.clone(), serde_json::json!(round(*v, 6)))).collect::<serde_json::Map<_, _>>(),
                "pv_kwh_share_by_period": {
                    "critical": round(t.pv_kwh_share_by_period[0], 4),
                    "peak": round(t.pv_kwh_share_by_period[1], 4),
                    "flat": round(t.pv_kwh_share_by_period[2], 4),
                    "valley": round(t.pv_kwh_share_by_period[3], 4),
                },
            })
        })
        .collect();
    let v = serde_json::json!({
        "scenario": r.scenario,
        "enterprises": r.enterprises.len(),
        "strategies": strategies,
        "claims": claims,
        "claims_by_tariff": by_tariff,
        "warnings": r.warnings,
        "data_sources": r.data_sources,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// The claims as JSON, keyed by claim.
fn claims_json(claims: &[crate::park::ClaimCheck]) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for c in claims {
        out.insert(
            c.key.clone(),
            serde_json::json!({
                "claimed": c.claimed,
                "kind": c.kind.name(),
                "tolerance": c.tolerance,
                "simulated": round(c.simulated, 6),
                "margin": round(c.margin, 6),
                "holds": c.holds,
                "strategy": c.strategy,
                "judged_on": c.judged_on,
                "framings": c.framings.iter().map(|f| serde_json::json!({
                    "description": f.description,
                    "strategy": f.strategy,
                    "reference": f.reference,
                    "simulated": round(f.simulated, 6),
                    "holds": f.holds,
                })).collect::<Vec<_>>(),
                "description": c.description,
                "description_zh": c.description_zh,
                "assumptions": c.assumptions,
            }),
        );
    }
    out
}

/// A claim's value in words: a fraction in %, an amount in 万元/yr.
fn claim_value(c: &crate::park::ClaimCheck, x: f64, signed: bool) -> String {
    let fraction = c.key.ends_with("fraction");
    match (fraction, signed) {
        (true, false) => format!("{:.2}%", x * 100.0),
        (true, true) => format!("{:+.2} pp", x * 100.0),
        (false, false) => format!("{:.1} 万元/yr", x / 1e4),
        (false, true) => format!("{:+.1} 万元/yr", x / 1e4),
    }
}

/// How a claim is stated, in words: "about 15.00% (± 1.00 pp)", "at least 600.0 万元/yr".
fn claim_statement(c: &crate::park::ClaimCheck) -> String {
    let v = claim_value(c, c.claimed, false);
    match c.kind {
        ClaimKind::About => {
            let tol = if c.key.ends_with("fraction") {
                format!("{:.2} pp", c.tolerance * 100.0)
            } else {
                format!("{:.1} 万元/yr", c.tolerance / 1e4)
            };
            format!("about {v} (± {tol})")
        }
        ClaimKind::AtMost => format!("at most {v}"),
        ClaimKind::AtLeast => format!("at least {v}"),
    }
}

/// The claims section of the text summary; a claim is named in Chinese under `Lang::Zh`
/// (`claims.*_description_zh`).
fn claims_text(s: &mut String, r: &ParkResult, lang: crate::report::charts::Lang) {
    if r.claims.is_empty() {
        let _ = writeln!(
            s,
            "\n  claims: none judged (the scenario has no [claims] table, or their strategies were not simulated)"
        );
        return;
    }
    let _ = writeln!(s, "\n  claims");
    for c in &r.claims {
        let _ = writeln!(
            s,
            "  - {}: claimed {}, simulated {} ({}), margin {}: {}",
            claim_name(c, lang),
            claim_statement(c),
            claim_value(c, c.simulated, false),
            c.strategy,
            claim_value(c, c.margin, true),
            if c.holds { "HOLDS" } else { "does NOT hold" }
        );
        let _ = writeln!(s, "      judged on {}", c.judged_on);
        for f in &c.framings {
            let _ = writeln!(
                s,
                "      also: {}: {} ({} on this reading)",
                f.description,
                claim_value(c, f.simulated, false),
                if f.holds {
                    "would hold"
                } else {
                    "would not hold"
                }
            );
        }
    }
    if r.claims_by_tariff.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n  claims under each tariff version (same loads, PV and sizes; first-year figures):"
    );
    for t in &r.claims_by_tariff {
        let parts: Vec<String> = t
            .claims
            .iter()
            .map(|c| {
                format!(
                    "{} {} ({})",
                    if c.key.ends_with("fraction") {
                        "cost"
                    } else {
                        "PV"
                    },
                    claim_value(c, c.simulated, false),
                    if c.holds { "holds" } else { "does not hold" }
                )
            })
            .collect();
        let p = t.pv_kwh_share_by_period;
        let _ = writeln!(
            s,
            "  - {} ({}; confidence {}): {}; PV output in critical+peak {:.0}%, flat {:.0}%, valley {:.0}%",
            t.version,
            t.title,
            t.confidence.word(),
            parts.join(", "),
            (p[0] + p[1]) * 100.0,
            p[2] * 100.0,
            p[3] * 100.0
        );
        if t.confidence.is_weak() {
            let _ = writeln!(
                s,
                "      ({} rests on {} data: a sensitivity, not a verdict)",
                t.version,
                t.confidence.word()
            );
        }
    }
    if let [a, .., b] = r.claims_by_tariff.as_slice() {
        let (pa, pb) = (a.pv_kwh_share_by_period, b.pv_kwh_share_by_period);
        let _ = writeln!(
            s,
            "    what changed from {} to {}: PV's hours moved from critical+peak {:.0}% / flat {:.0}% / valley {:.0}% to {:.0}% / {:.0}% / {:.0}% of its output{}",
            a.version,
            b.version,
            (pa[0] + pa[1]) * 100.0,
            pa[2] * 100.0,
            pa[3] * 100.0,
            (pb[0] + pb[1]) * 100.0,
            pb[2] * 100.0,
            pb[3] * 100.0,
            if pb[0] + pb[1] < pa[0] + pa[1] {
                ": each PV kWh now displaces cheaper grid energy"
            } else {
                ""
            }
        );
    }
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

/// A claim's name in `lang`: `description_zh` in Chinese (the English one when it is empty).
pub fn claim_name(c: &crate::park::ClaimCheck, lang: crate::report::charts::Lang) -> &str {
    match lang {
        crate::report::charts::Lang::Zh if !c.description_zh.trim().is_empty() => &c.description_zh,
        _ => &c.description,
    }
}

/// The plain-text summary a planner reads first, with claims named in English.
pub fn text_summary(out: &RunOutput) -> String {
    text_summary_in(out, crate::report::charts::Lang::En)
}

/// The plain-text summary, with claims named in `lang` (`run --lang zh`).
pub fn text_summary_in(out: &RunOutput, lang: crate::report::charts::Lang) -> String {
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
            match t.irr {
                Some(_) => pct(t.irr),
                None => format!(
                    "none ({})",
                    crate::finance::irr_note(&t.enterprise_flows_yuan)
                ),
            },
            t.payback_years
                .map_or("none".to_string(), |y| format!("{y:.1} yr")),
        );
        if t.investor_investment_yuan > 0.0 {
            // Who the investors are in this strategy.
            let outcomes = r.enterprises.iter().filter_map(|e| {
                e.outcomes
                    .iter()
                    .find(|o| o.strategy.to_string() == t.strategy)
            });
            let mut who = Vec::new();
            if outcomes
                .clone()
                .any(|o| o.pv.as_ref().is_some_and(|p| p.emc_owned))
            {
                who.push("PV under EMC");
            }
            if outcomes
                .clone()
                .any(|o| o.storage.as_ref().is_some_and(|x| x.shared_savings))
            {
                who.push("storage under shared savings");
            }
            let _ = writeln!(
                s,
                "    investors ({}): invest {:.1} 万元; PV payments {:.1} 万元/yr; NPV {:.1} 万元, IRR {}",
                who.join(", "),
                t.investor_investment_yuan / 1e4,
                t.emc_payment_yuan / 1e4,
                t.investor_npv_yuan / 1e4,
                pct(t.investor_irr)
            );
        }
    }
    savings_account_text(&mut s, r);
    claims_text(&mut s, r, lang);
    data_sources_text(&mut s, r);
    s
}

/// The results that rest on LOW-MED, LOW or EST data (数据可信度), from `data_sources`.
fn data_sources_text(s: &mut String, r: &ParkResult) {
    let lines = crate::provenance::weak_lines(&r.data_sources);
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n  results resting on LOW-MED, LOW or EST data (a sensitivity, not a verdict; every source in summary.json data_sources):"
    );
    for l in lines {
        let _ = writeln!(s, "    - {l}");
    }
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

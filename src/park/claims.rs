//! The claims check: the zone report's claims against the simulated park.

use super::result::{ClaimCheck, StrategyTotals};
use crate::scenario::Plan;

/// Check the plan's claims against the totals.
///
/// * `cost_reduction_fraction`: the saving fraction of `claims.cost_reduction_strategy` must
///   reach the claimed reduction (the report says "about 15%": it holds when the simulated
///   reduction is at least the claimed value).
/// * `pv_saving_yuan_per_year`: the enterprises' saving of `claims.pv_saving_strategy` (PV alone
///   against the baseline; under EMC, net of what they pay the investor) must exceed the claim.
pub fn check(plan: &Plan, totals: &[StrategyTotals]) -> Vec<ClaimCheck> {
    let find = |s: &crate::strategy::Strategy| {
        let name = s.to_string();
        totals.iter().find(|t| t.strategy == name)
    };
    let (cost_s, pv_s) = plan.claim_strategies;
    let mut out = Vec::new();
    let assumptions = assumptions(plan);
    if let Some(t) = find(&cost_s) {
        out.push(ClaimCheck {
            key: "cost_reduction_fraction".into(),
            description: "comprehensive electricity cost reduction of all measures (综合用电成本降低)".into(),
            strategy: t.strategy.clone(),
            claimed: plan.claims.cost_reduction_fraction,
            simulated: t.saving_fraction,
            holds: t.saving_fraction >= plan.claims.cost_reduction_fraction,
            assumptions: assumptions.clone(),
        });
    }
    if let Some(t) = find(&pv_s) {
        out.push(ClaimCheck {
            key: "pv_saving_yuan_per_year".into(),
            description: "enterprises' yearly saving from the whole-zone PV project (整区屋顶光伏)"
                .into(),
            strategy: t.strategy.clone(),
            claimed: plan.claims.pv_saving_yuan_per_year,
            simulated: t.saving_yuan,
            holds: t.saving_yuan > plan.claims.pv_saving_yuan_per_year,
            assumptions,
        });
    }
    out
}

fn assumptions(plan: &Plan) -> Vec<String> {
    let mut out = base_assumptions(plan);
    if let Some(sw) = &plan.tariff_switch {
        out.push(format!(
            "tariff switch: project years before {} under {}, from year {} under {} ({}); PV and storage savings from then on re-simulated under it (same loads and sizes, billing options and dispatch chosen again); the first-year figures above are under {}",
            sw.year,
            plan.tariff.version,
            sw.year,
            sw.label,
            sw.tariff_model.title(),
            plan.tariff.version
        ));
    }
    if !plan.resimulate_years.is_empty() {
        out.push(format!(
            "later-year savings interpolated from re-simulated project years {} (aged PV and battery) instead of scaled by degradation",
            plan.resimulate_years
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}

fn base_assumptions(plan: &Plan) -> Vec<String> {
    let m = &plan.market;
    let pv = &plan.pv;
    vec![
        format!(
            "tariff {} ({}), options chosen {}",
            plan.tariff.version,
            plan.tariff_model.title(),
            plan.tariff.choice_period
        ),
        format!(
            "market: mode {}, retail fixed {:.3} yuan/kWh, discount {:.3} yuan/kWh, wholesale {:.0}% below agency with retailer share {:.0}%, contract {:.3} yuan/kWh with ±{:.0}% tolerance",
            m.mode,
            m.retail_fixed_price_yuan_per_kwh,
            m.retail_discount_yuan_per_kwh,
            m.wholesale_discount_fraction * 100.0,
            m.retail_share_fraction * 100.0,
            m.contract_price_yuan_per_kwh,
            m.deviation_band_fraction * 100.0
        ),
        format!(
            "PV: {} ownership{}, tilt {}°, azimuth {}°, roof type {}, usable share {}, capped at {} kW DC per kVA",
            pv.ownership,
            if pv.ownership == crate::scenario::choice::PvOwnership::Emc {
                format!(" at {:.0}% discount", pv.emc_discount_fraction * 100.0)
            } else {
                String::new()
            },
            pv.tilt_deg,
            pv.azimuth_deg,
            pv.roof_type,
            pv.usable_roof_fraction
                .map_or("of the roof type".to_string(), |f| format!(
                    "{:.0}%",
                    f * 100.0
                )),
            pv.max_dc_per_transformer_kva
                .unwrap_or_else(crate::solar::array::default_transformer_limit_fraction)
        ),
        format!(
            "storage: {} dispatch, {} sizing",
            plan.storage.dispatch, plan.storage.sizing
        ),
    ]
}

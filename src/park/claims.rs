//! The claims check: the zone report's claims against the simulated park.

use super::result::{ClaimCheck, ClaimFraming, StrategyTotals};
use crate::scenario::Plan;
use crate::scenario::choice::ClaimKind;

/// Check the plan's claims against the totals.
///
/// Nothing is judged for a scenario without a `[claims]` table ([`Plan::claims_judged`]).
///
/// * `cost_reduction_fraction`: the saving fraction of `claims.cost_reduction_strategy` against
///   the claim as stated (`about`: within ± `cost_reduction_tolerance_fraction` fraction
///   points; `at_least`; `at_most`).
/// * `pv_saving_yuan_per_year`: the enterprises' saving of `claims.pv_saving_strategy` against
///   the baseline (under EMC, net of what they pay the investor), as stated (`about`: within ±
///   `pv_saving_tolerance_fraction` of the claim). The same saving measured after the other
///   measures (e.g. `tariff+market+pv` against `tariff+market`) is reported as a framing.
pub fn check(plan: &Plan, totals: &[StrategyTotals]) -> Vec<ClaimCheck> {
    if !plan.claims_judged {
        return Vec::new();
    }
    let find = |s: &crate::strategy::Strategy| {
        let name = s.to_string();
        totals.iter().find(|t| t.strategy == name)
    };
    let c = &plan.claims;
    let (cost_s, pv_s) = plan.claim_strategies;
    let mut out = Vec::new();
    let (assumptions, assumptions_zh) = (assumptions(plan), assumptions_zh(plan));
    if let Some(t) = find(&cost_s) {
        let tol = c.cost_reduction_tolerance_fraction;
        out.push(ClaimCheck {
            key: "cost_reduction_fraction".into(),
            description: c.cost_reduction_description.clone(),
            description_zh: c.cost_reduction_description_zh.clone(),
            strategy: t.strategy.clone(),
            claimed: c.cost_reduction_fraction,
            simulated: t.saving_fraction,
            holds: holds(
                c.cost_reduction_kind,
                t.saving_fraction,
                c.cost_reduction_fraction,
                tol,
            ),
            kind: c.cost_reduction_kind,
            tolerance: tolerance_of(c.cost_reduction_kind, tol),
            margin: t.saving_fraction - c.cost_reduction_fraction,
            framings: Vec::new(),
            judged_on: format!(
                "`{}` against `baseline`: the measures together, as the report counts them",
                t.strategy
            ),
            judged_on_zh: format!(
                "`{}` 对比 `baseline`：各项措施合计，与本报告的计算口径一致",
                t.strategy
            ),
            assumptions: assumptions.clone(),
            assumptions_zh: assumptions_zh.clone(),
        });
    }
    if let Some(t) = find(&pv_s) {
        let claimed = c.pv_saving_yuan_per_year;
        let tol = c.pv_saving_tolerance_fraction * claimed;
        let kind = c.pv_saving_kind;
        let reference = crate::strategy::Strategy { pv: false, ..pv_s };
        let base = find(&reference).map_or(t.bill_yuan + t.saving_yuan, |r| r.bill_yuan);
        let simulated = base - t.bill_yuan;
        let framings = pv_framings(totals, pv_s, |v| holds(kind, v, claimed, tol));
        out.push(ClaimCheck {
            key: "pv_saving_yuan_per_year".into(),
            description: c.pv_saving_description.clone(),
            description_zh: c.pv_saving_description_zh.clone(),
            strategy: t.strategy.clone(),
            claimed,
            simulated,
            holds: holds(kind, simulated, claimed, tol),
            kind,
            tolerance: tolerance_of(kind, tol),
            margin: simulated - claimed,
            framings,
            judged_on: format!(
                "`{}` against `{}`: the PV project by itself on the bills the enterprises pay today, as the report presents it; after tariff optimization and market trading PV meets other bills (other billing options, a power-factor adjustment it lowers, market prices), so its saving there is a different quantity",
                t.strategy,
                reference
            ),
            judged_on_zh: format!(
                "`{}` 对比 `{}`：光伏项目单独计算，按企业现行电费，与本报告的呈现一致；分类优化和市场化交易之后，光伏面对的是另一份电费（其他计费方式、它所降低的功率因数调整、市场电价），那时的节省是另一个量",
                t.strategy, reference
            ),
            assumptions,
            assumptions_zh,
        });
    }
    out
}

/// The PV claim's other readings: each strategy with PV and without storage (other than the
/// judged one) against the same strategy without PV; `holds_at` judges a value.
fn pv_framings(
    totals: &[StrategyTotals],
    pv_s: crate::strategy::Strategy,
    holds_at: impl Fn(f64) -> bool,
) -> Vec<ClaimFraming> {
    let find = |s: &crate::strategy::Strategy| {
        let name = s.to_string();
        totals.iter().find(|t| t.strategy == name)
    };
    totals
        .iter()
        .filter_map(|x| {
            let s = crate::strategy::Strategy::parse(&x.strategy).ok()?;
            if !s.pv || s.storage || s == pv_s {
                return None;
            }
            let without = find(&crate::strategy::Strategy { pv: false, ..s })?;
            let v = without.bill_yuan - x.bill_yuan;
            Some(ClaimFraming {
                description: format!(
                    "PV added after the other measures (`{}` against `{}`)",
                    x.strategy, without.strategy
                ),
                description_zh: format!(
                    "在其他措施之后再加光伏（`{}` 对比 `{}`）",
                    x.strategy, without.strategy
                ),
                strategy: x.strategy.clone(),
                reference: without.strategy.clone(),
                simulated: v,
                holds: holds_at(v),
            })
        })
        .collect()
}

/// Whether `simulated` meets a claim of `claimed` stated as `kind` with half-width `tol`.
pub fn holds(kind: ClaimKind, simulated: f64, claimed: f64, tol: f64) -> bool {
    match kind {
        ClaimKind::About => (simulated - claimed).abs() <= tol + 1e-12 * claimed.abs(),
        ClaimKind::AtLeast => simulated >= claimed,
        ClaimKind::AtMost => simulated <= claimed,
    }
}

fn tolerance_of(kind: ClaimKind, tol: f64) -> f64 {
    if kind == ClaimKind::About { tol } else { 0.0 }
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

/// [`assumptions`] in Chinese: the same figures, the settings' values as the scenario writes
/// them.
fn assumptions_zh(plan: &Plan) -> Vec<String> {
    let m = &plan.market;
    let pv = &plan.pv;
    let emc = pv.ownership == crate::scenario::choice::PvOwnership::Emc;
    let mut out = vec![
        format!(
            "电价 {}（{}），计费方式选择周期 {}",
            plan.tariff.version,
            plan.tariff_model.title(),
            plan.tariff.choice_period
        ),
        format!(
            "市场化交易：方式 {}，零售固定价 {:.3} 元/kWh，优惠 {:.3} 元/kWh，批发价较代理购电低 {:.0}%、售电公司分成 {:.0}%，合同价 {:.3} 元/kWh，偏差容许 ±{:.0}%",
            m.mode,
            m.retail_fixed_price_yuan_per_kwh,
            m.retail_discount_yuan_per_kwh,
            m.wholesale_discount_fraction * 100.0,
            m.retail_share_fraction * 100.0,
            m.contract_price_yuan_per_kwh,
            m.deviation_band_fraction * 100.0
        ),
        format!(
            "光伏：{}{}，倾角 {}°，方位角 {}°，屋面类型 {}，可用屋面比例 {}，每 kVA 变压器容量至多 {} kW 直流",
            if emc {
                "合同能源管理（EMC）"
            } else {
                "企业自有"
            },
            if emc {
                format!("，电价优惠 {:.0}%", pv.emc_discount_fraction * 100.0)
            } else {
                String::new()
            },
            pv.tilt_deg,
            pv.azimuth_deg,
            pv.roof_type,
            pv.usable_roof_fraction
                .map_or("按屋面类型".to_string(), |f| format!(
                    "{:.0}%",
                    f * 100.0
                )),
            pv.max_dc_per_transformer_kva
                .unwrap_or_else(crate::solar::array::default_transformer_limit_fraction)
        ),
        format!(
            "储能：{} 调度，{} 容量配置",
            plan.storage.dispatch, plan.storage.sizing
        ),
    ];
    if let Some(sw) = &plan.tariff_switch {
        out.push(format!(
            "电价切换：第 {} 年之前按 {}，自第 {} 年起按 {}（{}）；此后光伏与储能的节省按新电价重新模拟（负荷与容量不变，计费方式与调度重新选择）；上述首年数字按 {}",
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
            "后续年份的节省由重新模拟的项目年份 {} 插值得到（光伏与电池按老化后的状态），而非按衰减折算",
            plan.resimulate_years
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_hold_as_stated() {
        // "About 15%" within ±1 pp: 14.84% holds, 13.9% does not; exactly on the edge holds.
        assert!(holds(ClaimKind::About, 0.1484, 0.15, 0.01));
        assert!(holds(ClaimKind::About, 0.16, 0.15, 0.01));
        assert!(holds(ClaimKind::About, 0.14, 0.15, 0.01));
        assert!(!holds(ClaimKind::About, 0.139, 0.15, 0.01));
        assert!(!holds(ClaimKind::About, 0.161, 0.15, 0.01));
        // "Over 6 million": at least.
        assert!(holds(ClaimKind::AtLeast, 6e6, 6e6, 0.0));
        assert!(!holds(ClaimKind::AtLeast, 3.633e6, 6e6, 0.0));
        assert!(holds(ClaimKind::AtMost, 3.633e6, 6e6, 0.0));
        assert!(!holds(ClaimKind::AtMost, 6.1e6, 6e6, 0.0));
        assert!(tolerance_of(ClaimKind::AtLeast, 0.6e6).abs() < f64::MIN_POSITIVE);
    }

    /// Under `--lang zh` the claims section reads in Chinese: each assumption has a Chinese
    /// line carrying the same figures as the English one (the tariff file's own title and the
    /// settings' values stay as written).
    #[test]
    fn assumptions_in_chinese_carry_the_same_figures() {
        let text = "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"pv\"]\n\
             [claims]\ncost_reduction_strategy = \"pv\"\npv_saving_strategy = \"pv\"\n\
             [pv]\nownership = \"emc\"\nemc_discount_fraction = 0.2\n\
             [finance]\nresimulate_years = [10, 20]\n\
             [[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\n\
             annual_kwh = 1e6\ntransformer_kva = 800\n";
        let plan = crate::scenario::load_str(text, std::path::Path::new("t.toml")).unwrap();
        let (en, zh) = (assumptions(&plan), assumptions_zh(&plan));
        assert_eq!(en.len(), zh.len());
        let numbers = |s: &str| -> Vec<String> {
            s.split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .filter(|x| x.chars().any(|c| c.is_ascii_digit()))
                .map(str::to_string)
                .collect()
        };
        for (e, z) in en.iter().zip(&zh) {
            assert!(
                z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{z}"
            );
            assert_eq!(numbers(e), numbers(z), "{e} | {z}");
        }
        assert!(
            zh[2].contains("合同能源管理") && zh[2].contains("20%"),
            "{}",
            zh[2]
        );
        assert!(zh.last().unwrap().contains("10、20"), "{zh:?}");
    }
}

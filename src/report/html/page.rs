//! The data of `report.html`: every figure already formatted for the page's language, with the
//! exact value beside it for sorting. Built from the run's results and chart data only.

use super::{HtmlReportError, grouped, inline_svg, money, pct, words};
use crate::park::result::{EnterpriseResult, Outcome, PAYMENT_COMPONENTS};
use crate::park::{ClaimCheck, ParkResult};
use crate::report::charts::Lang;
use crate::report::charts::typical_day::TypicalDayChart;
use crate::report::park_charts::ChartSet;
use crate::strategy::Strategy;
use serde::Serialize;
use std::collections::BTreeMap;

/// A number as shown (`s`) and its exact value for sorting (`v`, absent when empty).
#[derive(Debug, Clone, Serialize)]
pub struct Num {
    /// The number as shown.
    pub s: String,
    /// Its value [the column's unit], for sorting.
    pub v: Option<f64>,
}

impl Num {
    fn money(x: Option<f64>, lang: Lang) -> Num {
        let x = x.filter(|x| x.is_finite());
        Num {
            s: x.map_or(String::new(), |x| money(x, lang)),
            v: x,
        }
    }
    fn pct(x: Option<f64>) -> Num {
        let x = x.filter(|x| x.is_finite());
        Num { s: pct(x, 1), v: x }
    }
    fn plain(x: Option<f64>, decimals: usize) -> Num {
        let x = x.filter(|x| x.is_finite());
        Num {
            s: x.map_or(String::new(), |x| grouped(x, decimals)),
            v: x,
        }
    }
}

/// A claim as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow {
    /// What the claim says.
    pub description: String,
    /// The strategy it is judged on, and why.
    pub judged_on: String,
    /// How it is stated ("about 15.00% (± 1.00 pp)").
    pub stated: String,
    /// The simulated value.
    pub simulated: String,
    /// Simulated − claimed.
    pub margin: String,
    /// Whether it holds.
    pub holds: bool,
    /// Other readings, in words.
    pub framings: Vec<String>,
    /// The assumptions that drive it.
    pub assumptions: Vec<String>,
}

/// The claims under one tariff version.
#[derive(Debug, Clone, Serialize)]
pub struct TariffClaimsRow {
    /// Version and title.
    pub title: String,
    /// Its claims.
    pub claims: Vec<ClaimRow>,
}

/// A strategy's park totals.
#[derive(Debug, Clone, Serialize)]
pub struct StrategyRow {
    /// Canonical name.
    pub name: String,
    /// Bill [yuan/yr or 万元/yr].
    pub bill: Num,
    /// Saving against the baseline.
    pub saving: Num,
    /// Saving [%].
    pub saving_pct: Num,
    /// Average price [yuan/kWh].
    pub avg_price: Num,
    /// Enterprise investment.
    pub investment: Num,
    /// Enterprise NPV.
    pub npv: Num,
    /// Enterprise IRR [%].
    pub irr: Num,
    /// Payback [yr].
    pub payback: Num,
    /// Investor IRR [%].
    pub investor_irr: Num,
}

/// A row of the savings account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRow {
    /// The measure.
    pub measure: String,
    /// `alone` or `step`, in words.
    pub framing: String,
    /// Strategy against reference.
    pub strategy: String,
    /// The reference.
    pub reference: String,
    /// Saving.
    pub saving: Num,
    /// Saving [%].
    pub saving_pct: Num,
    /// By payment component.
    pub components: Vec<Num>,
    /// Enterprises paying more.
    pub losing: usize,
    /// The worst, in words.
    pub worst: String,
}

/// One month of the park's bill by component.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRow {
    /// 1..=12.
    pub month: usize,
    /// By component.
    pub components: Vec<Num>,
    /// Their sum.
    pub total: Num,
}

/// An enterprise in the table.
#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseRow {
    /// Anchor of its section.
    pub id: String,
    /// Name.
    pub name: String,
    /// Archetype (and group).
    pub archetype: String,
    /// Baseline bill.
    pub baseline_bill: Num,
    /// Saving under the full stack.
    pub full_saving: Num,
    /// Its fraction [%].
    pub full_saving_pct: Num,
    /// PV size [kW].
    pub pv_kw: Num,
    /// Saving of the PV-only strategy.
    pub pv_saving: Num,
    /// NPV of the PV's owner.
    pub pv_npv: Num,
    /// IRR of the PV's owner [%].
    pub pv_irr: Num,
    /// Payback of the PV's owner [yr].
    pub pv_payback: Num,
    /// Storage energy [kWh].
    pub storage_kwh: Num,
    /// Saving of the storage-only strategy.
    pub storage_saving: Num,
    /// Storage owner's NPV.
    pub storage_npv: Num,
    /// Storage owner's IRR [%].
    pub storage_irr: Num,
    /// Storage payback [yr].
    pub storage_payback: Num,
    /// The PV figures under the other ownership model, where computed.
    pub pv_alt: Option<AltPv>,
}

/// An enterprise's PV under the other ownership model (`pv.ownership` self ↔ emc): the
/// enterprise's saving, and the owner's NPV, IRR and payback (the investor's under EMC).
#[derive(Debug, Clone, Serialize)]
pub struct AltPv {
    /// Saving of the PV strategy.
    pub saving: Num,
    /// NPV of the PV's owner.
    pub npv: Num,
    /// IRR of the PV's owner [%].
    pub irr: Num,
    /// Payback of the PV's owner [yr].
    pub payback: Num,
}

/// An entry of the "install PV first" ranking.
#[derive(Debug, Clone, Serialize)]
pub struct PvRank {
    /// 1-based rank.
    pub rank: usize,
    /// Anchor of the enterprise's section.
    pub id: String,
    /// Name.
    pub name: String,
    /// Why, in words.
    pub reason: String,
}

/// A year of cash flows.
#[derive(Debug, Clone, Serialize)]
pub struct FlowRow {
    /// Project year, 0 = construction.
    pub year: usize,
    /// Net flow.
    pub net: Num,
    /// Cumulative flow.
    pub cumulative: Num,
}

/// A bar of an enterprise's monthly bill chart (SVG coordinates, px).
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Height.
    pub h: f64,
}

/// An enterprise's section.
#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseSection {
    /// Anchor.
    pub id: String,
    /// Name.
    pub name: String,
    /// Archetype (and group).
    pub archetype: String,
    /// Consumption [kWh/yr].
    pub annual_kwh: Num,
    /// Peak [kW].
    pub peak_kw: Num,
    /// Its outcome per strategy.
    pub strategies: Vec<StrategyRow>,
    /// Its net payment per month: baseline, full stack.
    pub months: Vec<(usize, Num, Num)>,
    /// Bars of the baseline (left) and full stack (right) per month.
    pub bars: Vec<(Bar, Bar)>,
    /// The full stack's name.
    pub full_name: String,
    /// Enterprise cash flows under the full stack.
    pub flows: Vec<FlowRow>,
    /// Investor cash flows under the full stack.
    pub investor_flows: Vec<FlowRow>,
    /// Typical summer and winter day, when the run kept this enterprise's series.
    pub typical_day_svg: Option<String>,
}

/// Everything the page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// `en` or `zh`.
    pub lang: &'static str,
    /// The words in that language.
    pub t: BTreeMap<&'static str, &'static str>,
    /// The money unit of tables (yuan/yr or 万元/yr).
    pub money_unit: &'static str,
    /// Scenario name.
    pub scenario: String,
    /// Number of enterprises.
    pub n_enterprises: usize,
    /// The place of the `@font-face` rule of the page's font subset (filled after rendering).
    pub font_css: String,
    /// The claims.
    pub claims: Vec<ClaimRow>,
    /// The claims under other tariff versions.
    pub tariff_claims: Vec<TariffClaimsRow>,
    /// Park totals per strategy.
    pub strategies: Vec<StrategyRow>,
    /// Inline SVG charts by name (`waterfall`, `monthly_bill`, ...).
    pub charts: BTreeMap<&'static str, String>,
    /// Names of the payment components.
    pub components: Vec<String>,
    /// The savings account.
    pub account: Vec<AccountRow>,
    /// Names of the columns of the monthly table.
    pub monthly_components: Vec<String>,
    /// The strategy of the monthly table.
    pub monthly_strategy: String,
    /// The park's monthly bill under it.
    pub monthly: Vec<MonthRow>,
    /// Whether PV is owned by an EMC investor.
    pub pv_emc: bool,
    /// Whether the table also shows PV under the other ownership model ([`AltPv`]).
    pub pv_alt: bool,
    /// Set when the park is larger than the page holds ([`PAGE_MAX_ENTERPRISES`]): which
    /// enterprises the table shows.
    pub shown_note: Option<String>,
    /// The enterprise table.
    pub enterprises: Vec<EnterpriseRow>,
    /// Install PV first.
    pub pv_first: Vec<PvRank>,
    /// A section per enterprise.
    pub sections: Vec<EnterpriseSection>,
}

/// Payment component names as shown.
fn component_names(lang: Lang) -> Vec<String> {
    let zh = [
        "电度电费",
        "基本电费",
        "力调电费",
        "政府性基金",
        "上网电费(负)",
        "EMC付款",
        "无功补偿",
        "偏差考核",
        "收益分成",
    ];
    PAYMENT_COMPONENTS
        .iter()
        .zip(zh)
        .map(|(en, zh)| match lang {
            Lang::En => en.trim_end_matches("_yuan").replace('_', " "),
            Lang::Zh => zh.to_string(),
        })
        .collect()
}

/// Where each column of [`crate::park::StrategyTotals::monthly_components_yuan`] (energy,
/// basic, power factor, funds, deviation, EMC, compensation, shared savings, export credit)
/// sits in [`PAYMENT_COMPONENTS`] order.
const MONTHLY_ORDER: [usize; 9] = [0, 1, 2, 3, 7, 5, 6, 8, 4];

/// The strategy with the most measures (the last such in plan order).
pub fn full_stack(strategies: &[Strategy]) -> Option<Strategy> {
    strategies
        .iter()
        .copied()
        .filter(|s| !s.is_baseline())
        .max_by_key(|s| s.flags().iter().filter(|f| **f).count())
}

/// The strategy with only measure `k` (0 tariff, 1 market, 2 pv, 3 storage), else the first
/// with it.
fn single(strategies: &[Strategy], k: usize) -> Option<Strategy> {
    strategies
        .iter()
        .copied()
        .find(|s| s.flags()[k] && s.flags().iter().filter(|f| **f).count() == 1)
        .or_else(|| strategies.iter().copied().find(|s| s.flags()[k]))
}

fn outcome(e: &EnterpriseResult, s: Option<Strategy>) -> Option<&Outcome> {
    let s = s?;
    e.outcomes.iter().find(|o| o.strategy == s)
}

fn claim_value(c: &ClaimCheck, x: f64, lang: Lang, signed: bool) -> String {
    claim_value_text(&c.key, x, lang, signed)
}

/// A claim value in its unit: a fraction in %, an amount in yuan/yr (万元/年 in Chinese),
/// with a `+` before a positive margin when `signed`.
pub(super) fn claim_value_text(key: &str, x: f64, lang: Lang, signed: bool) -> String {
    let sign = if signed && x > 0.0 { "+" } else { "" };
    if key.ends_with("_fraction") {
        format!("{sign}{}%", grouped(x * 100.0, 2))
    } else {
        let unit = if lang == Lang::Zh {
            "万元/年"
        } else {
            "yuan/yr"
        };
        format!("{sign}{} {unit}", money(x, lang))
    }
}

fn claim_row(c: &ClaimCheck, lang: Lang) -> ClaimRow {
    let kind = match (c.kind.name(), lang) {
        ("about", Lang::Zh) => "约",
        ("at_least", Lang::Zh) => "至少",
        ("at_most", Lang::Zh) => "至多",
        (k, _) => k,
    }
    .replace('_', " ");
    let tol = if c.tolerance > 0.0 {
        format!(" (± {})", claim_value(c, c.tolerance, lang, false))
    } else {
        String::new()
    };
    ClaimRow {
        description: crate::report::tables::claim_name(c, lang).to_string(),
        judged_on: format!(
            "{}: {}",
            c.strategy,
            match lang {
                Lang::Zh => &c.judged_on_zh,
                Lang::En => &c.judged_on,
            }
        ),
        stated: format!("{kind} {}{tol}", claim_value(c, c.claimed, lang, false)),
        simulated: claim_value(c, c.simulated, lang, false),
        margin: claim_value(c, c.margin, lang, true),
        holds: c.holds,
        framings: c
            .framings
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    match lang {
                        Lang::Zh => &f.description_zh,
                        Lang::En => &f.description,
                    },
                    claim_value(c, f.simulated, lang, false)
                )
            })
            .collect(),
        assumptions: match lang {
            Lang::Zh => c.assumptions_zh.clone(),
            Lang::En => c.assumptions.clone(),
        },
    }
}

fn strategy_rows(r: &ParkResult, lang: Lang) -> Vec<StrategyRow> {
    r.totals
        .iter()
        .map(|t| {
            let money_flows = !t.enterprise_flows_yuan.is_empty();
            StrategyRow {
                name: t.strategy.clone(),
                bill: Num::money(Some(t.bill_yuan), lang),
                saving: Num::money(Some(t.saving_yuan), lang),
                saving_pct: Num::pct(Some(t.saving_fraction)),
                avg_price: Num::plain(Some(t.average_price_yuan_per_kwh), 4),
                investment: Num::money(Some(t.investment_yuan), lang),
                npv: Num::money(money_flows.then_some(t.npv_yuan), lang),
                irr: Num::pct(t.irr),
                payback: Num::plain(t.payback_years, 1),
                investor_irr: Num::pct(t.investor_irr),
            }
        })
        .collect()
}

fn outcome_row(e: &EnterpriseResult, o: &Outcome, lang: Lang) -> StrategyRow {
    let base = e.baseline().cost_yuan;
    let m = o.money.as_ref();
    StrategyRow {
        name: o.strategy.to_string(),
        bill: Num::money(Some(o.cost_yuan), lang),
        saving: Num::money(Some(base - o.cost_yuan), lang),
        saving_pct: Num::pct((base > 0.0).then(|| (base - o.cost_yuan) / base)),
        avg_price: Num::plain((o.load_kwh > 0.0).then(|| o.cost_yuan / o.load_kwh), 4),
        investment: Num::money(m.map(|m| m.investment_yuan), lang),
        npv: Num::money(m.map(|m| m.npv_yuan), lang),
        irr: Num::pct(m.and_then(|m| m.irr)),
        payback: Num::plain(m.and_then(|m| m.payback_years), 1),
        investor_irr: Num::pct(m.and_then(|m| m.investor_irr)),
    }
}

/// The owner's (NPV, IRR, payback) of an outcome's investment: the investor's where a third
/// party owns it, else the enterprise's.
fn owner_money(o: &Outcome, third_party: bool) -> (Option<f64>, Option<f64>, Option<f64>) {
    let Some(m) = &o.money else {
        return (None, None, None);
    };
    if third_party && m.investor_npv_yuan.is_some() {
        (
            m.investor_npv_yuan,
            m.investor_irr,
            m.investor_payback_years,
        )
    } else {
        (Some(m.npv_yuan), m.irr, m.payback_years)
    }
}

fn enterprise_label(e: &EnterpriseResult, lang: Lang) -> String {
    let a = crate::report::park_charts::archetype_text(&e.archetype);
    let a = a.get(lang);
    match &e.group {
        Some(g) => format!("{a} ({g})"),
        None => a.into_owned(),
    }
}

fn enterprise_row(
    i: usize,
    e: &EnterpriseResult,
    plan: [Option<Strategy>; 3],
    lang: Lang,
) -> EnterpriseRow {
    let [full, pv_s, st_s] = plan;
    let base = e.baseline().cost_yuan;
    let saving = |o: Option<&Outcome>| o.map(|o| base - o.cost_yuan);
    let full_o = outcome(e, full);
    let pv_o = outcome(e, pv_s).filter(|o| o.pv.is_some());
    let st_o = outcome(e, st_s).filter(|o| o.storage.is_some());
    let emc = pv_o
        .and_then(|o| o.pv.as_ref())
        .is_some_and(|p| p.emc_owned);
    let (pv_npv, pv_irr, pv_payback) = pv_o.map_or((None, None, None), |o| owner_money(o, emc));
    let shared = st_o
        .and_then(|o| o.storage.as_ref())
        .is_some_and(|s| s.shared_savings);
    let (st_npv, st_irr, st_payback) = st_o.map_or((None, None, None), |o| owner_money(o, shared));
    EnterpriseRow {
        id: format!("e{i}"),
        name: e.name.clone(),
        archetype: enterprise_label(e, lang),
        baseline_bill: Num::money(Some(base), lang),
        full_saving: Num::money(saving(full_o), lang),
        full_saving_pct: Num::pct(saving(full_o).filter(|_| base > 0.0).map(|s| s / base)),
        pv_kw: Num::plain(pv_o.and_then(|o| o.pv.as_ref()).map(|p| p.dc_kw), 0),
        pv_saving: Num::money(saving(pv_o), lang),
        pv_npv: Num::money(pv_npv, lang),
        pv_irr: Num::pct(pv_irr),
        pv_payback: Num::plain(pv_payback, 1),
        storage_kwh: Num::plain(st_o.and_then(|o| o.storage.as_ref()).map(|s| s.kwh), 0),
        storage_saving: Num::money(saving(st_o), lang),
        storage_npv: Num::money(st_npv, lang),
        storage_irr: Num::pct(st_irr),
        storage_payback: Num::plain(st_payback, 1),
        pv_alt: None,
    }
}

/// The PV strategy of the enterprise table: the strategy with PV alone, else the first with PV.
pub fn pv_strategy(strategies: &[Strategy]) -> Option<Strategy> {
    single(strategies, 2)
}

/// Add to `page`'s enterprise table the PV figures of `other`: the same park under the other
/// PV ownership model ([`crate::park::run_other_pv_ownership`]), read as the table reads the
/// run's own.
pub fn add_other_pv_ownership(page: &mut Page, other: &ParkResult, lang: Lang) {
    let strategies: Vec<Strategy> = other
        .enterprises
        .first()
        .map(|e| e.outcomes.iter().map(|o| o.strategy).collect())
        .unwrap_or_default();
    let pv_s = pv_strategy(&strategies);
    for row in &mut page.enterprises {
        let Some(e) = row
            .id
            .strip_prefix('e')
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| other.enterprises.get(i))
        else {
            continue;
        };
        let base = e.baseline().cost_yuan;
        let o = outcome(e, pv_s).filter(|o| o.pv.is_some());
        let emc = o.and_then(|o| o.pv.as_ref()).is_some_and(|p| p.emc_owned);
        let (npv, irr, payback) = o.map_or((None, None, None), |o| owner_money(o, emc));
        row.pv_alt = Some(AltPv {
            saving: Num::money(o.map(|o| base - o.cost_yuan), lang),
            npv: Num::money(npv, lang),
            irr: Num::pct(irr),
            payback: Num::plain(payback, 1),
        });
    }
    page.pv_alt = true;
}

/// Rank the enterprises with a PV array by the NPV of its owner, best first, positive only.
fn pv_first(
    r: &ParkResult,
    rows: &[EnterpriseRow],
    pv_s: Option<Strategy>,
    t: &BTreeMap<&str, &str>,
    lang: Lang,
) -> Vec<PvRank> {
    let mut ranked: Vec<(usize, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| row.pv_npv.v.filter(|v| *v > 0.0).map(|v| (i, v)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .iter()
        .enumerate()
        .map(|(k, &(i, _))| {
            let row = &rows[i];
            let self_share = outcome(&r.enterprises[i], pv_s)
                .and_then(|o| o.pv.as_ref())
                .filter(|p| p.kwh > 0.0)
                .map(|p| p.self_consumed_kwh / p.kwh);
            let (unit, per_year) = if lang == Lang::Zh {
                (" 万元", " 万元/年")
            } else {
                (" yuan", " yuan/yr")
            };
            let reason = t["reason_text"]
                .replace("{npv}", &format!("{}{unit}", row.pv_npv.s))
                .replace(
                    "{payback}",
                    if row.pv_payback.s.is_empty() {
                        "–"
                    } else {
                        &row.pv_payback.s
                    },
                )
                .replace("{self}", &pct(self_share, 0))
                .replace("{saving}", &format!("{}{per_year}", row.pv_saving.s))
                + &pf_warning(&r.enterprises[i], pv_s, t, lang);
            PvRank {
                rank: k + 1,
                id: row.id.clone(),
                name: row.name.clone(),
                reason,
            }
        })
        .collect()
}

/// The warning of an enterprise that loses money under the PV strategy, with the growth of
/// its power-factor adjustment when that explains the loss (PV lowers the active energy metered
/// while the reactive energy stays, so the monthly power factor falls and the adjustment of the
/// 1983 rule grows); empty when PV saves the enterprise money.
fn pf_warning(
    e: &EnterpriseResult,
    pv_s: Option<Strategy>,
    t: &BTreeMap<&str, &str>,
    lang: Lang,
) -> String {
    let Some(o) = outcome(e, pv_s) else {
        return String::new();
    };
    let base = e.baseline();
    let loss = o.cost_yuan - base.cost_yuan;
    if loss <= 0.0 {
        return String::new();
    }
    let pf = o.bill.pf_adjust_yuan - base.bill.pf_adjust_yuan;
    let per_year = if lang == Lang::Zh {
        " 万元/年"
    } else {
        " yuan/yr"
    };
    // The power factor explains the loss only when its adjustment grew by at least as much.
    let key = if pf >= loss {
        "pf_warning"
    } else {
        "loss_warning"
    };
    t[key]
        .replace(
            "{loss}",
            &format!("{}{per_year}", Num::money(Some(loss), lang).s),
        )
        .replace(
            "{pf}",
            &format!("{}{per_year}", Num::money(Some(pf), lang).s),
        )
}

fn flow_rows(flows: &[f64], lang: Lang) -> Vec<FlowRow> {
    let mut cum = 0.0;
    flows
        .iter()
        .enumerate()
        .map(|(year, x)| {
            cum += x;
            FlowRow {
                year,
                net: Num::money(Some(*x), lang),
                cumulative: Num::money(Some(cum), lang),
            }
        })
        .collect()
}

/// The most enterprises whose typical days report.html draws (about 30 kB of SVG each).
pub const TYPICAL_DAYS_MAX: usize = 300;

/// Enterprises the page's table holds at most (the ones with the largest saving under the full
/// stack); a larger park's page has no per-enterprise sections. Every enterprise is in
/// `enterprises.csv`.
pub const PAGE_MAX_ENTERPRISES: usize = 1_000;

/// Height of the plot area of an enterprise's monthly bars [px].
const BARS_H: f64 = 160.0;

fn section(
    i: usize,
    e: &EnterpriseResult,
    full: Option<Strategy>,
    typical_day_svg: Option<String>,
    lang: Lang,
) -> EnterpriseSection {
    let base = e.baseline();
    let full_o = outcome(e, full);
    let month_net = |o: &Outcome, m: usize| o.month_account(m).net_total_yuan;
    let months: Vec<(usize, f64, Option<f64>)> = (0..base.bill.months.len())
        .map(|m| (m + 1, month_net(base, m), full_o.map(|o| month_net(o, m))))
        .collect();
    let top = months
        .iter()
        .flat_map(|(_, a, b)| [*a, b.unwrap_or(0.0)])
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let bar = |k: usize, off: f64, v: f64| {
        let h = (v.max(0.0) / top * BARS_H).clamp(0.0, BARS_H);
        Bar {
            x: 40.0 + k as f64 * 50.0 + off,
            y: 10.0 + BARS_H - h,
            h,
        }
    };
    EnterpriseSection {
        id: format!("e{i}"),
        name: e.name.clone(),
        archetype: enterprise_label(e, lang),
        annual_kwh: Num::plain(Some(e.annual_kwh), 0),
        peak_kw: Num::plain(Some(e.peak_kw), 0),
        strategies: e.outcomes.iter().map(|o| outcome_row(e, o, lang)).collect(),
        bars: months
            .iter()
            .enumerate()
            .map(|(k, (_, a, b))| (bar(k, 0.0, *a), bar(k, 20.0, b.unwrap_or(0.0))))
            .collect(),
        months: months
            .iter()
            .map(|(m, a, b)| (*m, Num::money(Some(*a), lang), Num::money(*b, lang)))
            .collect(),
        full_name: full.map_or(String::new(), |s| s.to_string()),
        flows: full_o
            .and_then(|o| o.money.as_ref())
            .map_or(Vec::new(), |m| flow_rows(&m.enterprise_flows_yuan, lang)),
        investor_flows: full_o
            .and_then(|o| o.money.as_ref())
            .map_or(Vec::new(), |m| flow_rows(&m.investor_flows_yuan, lang)),
        typical_day_svg,
    }
}

/// The charts of the run as inline SVG, by name.
fn chart_svgs(
    set: &ChartSet,
    lang: Lang,
) -> Result<BTreeMap<&'static str, String>, HtmlReportError> {
    use crate::report::charts::Label as L;
    let mut out = BTreeMap::new();
    if let Some(d) = &set.waterfall {
        out.insert("waterfall", inline_svg(&(d, lang), L::Baseline.text(lang))?);
    }
    if let Some(d) = &set.monthly_bill {
        out.insert("monthly_bill", inline_svg(&(d, lang), "monthly bill")?);
    }
    if let Some(d) = &set.pv_savings {
        out.insert("pv_savings", inline_svg(&(d, lang), "PV savings")?);
    }
    if let Some(d) = &set.distribution {
        out.insert("distribution", inline_svg(&(d, lang), "distribution")?);
    }
    if let Some(d) = &set.payback {
        out.insert("payback", inline_svg(&(d, lang), "payback PV")?);
    }
    if let Some(d) = &set.payback_storage {
        out.insert(
            "payback_storage",
            inline_svg(&(d, lang), "payback storage")?,
        );
    }
    if let Some(d) = &set.profiles {
        out.insert("profiles", inline_svg(&(d, lang), "profiles")?);
    }
    Ok(out)
}

/// Build the page of a park run from its results and chart data, in `lang`, with the typical
/// days of each enterprise under the full stack where the run kept them (in roster order).
///
/// # Errors
/// [`HtmlReportError::Chart`] when a chart cannot be drawn.
pub fn page(
    r: &ParkResult,
    set: &ChartSet,
    typical_days: &[Option<TypicalDayChart>],
    lang: Lang,
) -> Result<Page, HtmlReportError> {
    let t = words::words(lang);
    let strategies: Vec<Strategy> = r
        .enterprises
        .first()
        .map(|e| e.outcomes.iter().map(|o| o.strategy).collect())
        .unwrap_or_default();
    let full = full_stack(&strategies);
    let pv_s = single(&strategies, 2);
    let st_s = single(&strategies, 3);
    // A park larger than the page holds: the enterprises with the largest saving under the
    // full stack, in roster order, and no per-enterprise sections (every enterprise is in
    // enterprises.csv).
    let shown: Vec<usize> = if r.enterprises.len() > PAGE_MAX_ENTERPRISES {
        let saving = |e: &EnterpriseResult| {
            outcome(e, full).map_or(0.0, |o| e.baseline().cost_yuan - o.cost_yuan)
        };
        let mut idx: Vec<usize> = (0..r.enterprises.len()).collect();
        idx.sort_by(|&a, &b| {
            saving(&r.enterprises[b])
                .total_cmp(&saving(&r.enterprises[a]))
                .then(a.cmp(&b))
        });
        idx.truncate(PAGE_MAX_ENTERPRISES);
        idx.sort_unstable();
        idx
    } else {
        (0..r.enterprises.len()).collect()
    };
    let shown_note = (shown.len() < r.enterprises.len()).then(|| {
        format!(
            "{} {} / {}: {}",
            shown.len(),
            t["enterprises_n"],
            r.enterprises.len(),
            t["shown_largest_saving"]
        )
    });
    let rows: Vec<EnterpriseRow> = shown
        .iter()
        .map(|&i| enterprise_row(i, &r.enterprises[i], [full, pv_s, st_s], lang))
        .collect();
    let pv_emc = r
        .enterprises
        .iter()
        .filter_map(|e| outcome(e, pv_s).and_then(|o| o.pv.as_ref()))
        .any(|p| p.emc_owned);
    let mut sections = Vec::with_capacity(r.enterprises.len());
    // Past this many enterprises the page would grow by tens of MB of typical-day charts:
    // they stay in chart-data.json (`parkenergy plot --enterprise NAME` draws one).
    let days = if r.enterprises.len() <= TYPICAL_DAYS_MAX {
        typical_days
    } else {
        &[]
    };
    let with_sections = shown.len() == r.enterprises.len();
    for (i, e) in r.enterprises.iter().enumerate().filter(|_| with_sections) {
        let svg = match days.get(i).and_then(Option::as_ref) {
            Some(d) => Some(inline_svg(&(d, lang), t["typical_day"])?),
            None => None,
        };
        sections.push(section(i, e, full, svg, lang));
    }
    let monthly_t = full
        .and_then(|s| r.totals.iter().find(|t| t.strategy == s.to_string()))
        .or(r.totals.first());
    let monthly = monthly_t.map_or(Vec::new(), |t| {
        t.monthly_components_yuan
            .iter()
            .enumerate()
            .map(|(m, c)| MonthRow {
                month: m + 1,
                components: c.iter().map(|x| Num::money(Some(*x), lang)).collect(),
                total: Num::money(Some(c.iter().sum()), lang),
            })
            .collect()
    });
    let account = crate::report::tables::savings_account(r)
        .iter()
        .map(|m| AccountRow {
            measure: m.measure.to_string(),
            framing: t[if m.framing == "alone" {
                "alone"
            } else {
                "step"
            }]
            .to_string(),
            strategy: m.strategy.clone(),
            reference: m.reference.clone(),
            saving: Num::money(Some(m.saving_yuan), lang),
            saving_pct: Num::pct(Some(m.saving_fraction)),
            components: m
                .by_component_yuan
                .iter()
                .map(|x| Num::money(Some(*x), lang))
                .collect(),
            losing: m.enterprises_losing,
            worst: m
                .worst
                .iter()
                .map(|(n, d)| format!("{n} ({})", money(*d, lang)))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let pv_first = pv_first(r, &rows, pv_s, &t, lang);
    Ok(Page {
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        money_unit: t["yuan_per_year"],
        scenario: r.scenario.clone(),
        n_enterprises: r.enterprises.len(),
        font_css: super::FONT_SLOT.to_string(),
        claims: r.claims.iter().map(|c| claim_row(c, lang)).collect(),
        tariff_claims: r
            .claims_by_tariff
            .iter()
            .map(|tc| TariffClaimsRow {
                title: format!("{}: {}", tc.version, tc.title),
                claims: tc.claims.iter().map(|c| claim_row(c, lang)).collect(),
            })
            .collect(),
        strategies: strategy_rows(r, lang),
        charts: chart_svgs(set, lang)?,
        monthly_components: MONTHLY_ORDER
            .iter()
            .map(|k| component_names(lang)[*k].clone())
            .collect(),
        components: component_names(lang),
        account,
        monthly_strategy: monthly_t.map_or(String::new(), |t| t.strategy.clone()),
        monthly,
        pv_emc,
        pv_alt: false,
        enterprises: rows,
        shown_note,
        pv_first,
        sections,
        t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_columns_are_named_after_the_totals_components() {
        // The totals' monthly order, as documented on `monthly_components_yuan`.
        let monthly = [
            "energy_yuan",
            "basic_yuan",
            "power_factor_yuan",
            "funds_yuan",
            "deviation_yuan",
            "emc_payment_yuan",
            "compensation_yuan",
            "shared_savings_yuan",
            "export_credit_yuan",
        ];
        for (k, name) in MONTHLY_ORDER.iter().zip(monthly) {
            assert_eq!(PAYMENT_COMPONENTS[*k], name);
        }
    }
}

//! The charts of a park run: their data, taken from the results (no metric is computed here
//! beyond selecting, averaging for display and ordering), written to `charts/chart-data.json`
//! so that `parkenergy plot` can redraw them, and drawn as PNG and SVG.

use super::charts::{
    self, Format, Label, Lang, Text, distribution, monthly_bill, payback, profiles, pv_savings,
    typical_day, waterfall,
};
use crate::park::RunOutput;
use crate::scenario::Plan;
use crate::strategy::Strategy;
use std::path::Path;

/// Every chart's data of a run.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ChartSet {
    /// Savings waterfall, baseline to all measures.
    pub waterfall: Option<waterfall::WaterfallChart>,
    /// PV savings against the claim.
    pub pv_savings: Option<pv_savings::PvSavingsChart>,
    /// Per-enterprise saving distribution.
    pub distribution: Option<distribution::DistributionChart>,
    /// Monthly park bill by component.
    pub monthly_bill: Option<monthly_bill::MonthlyBillChart>,
    /// Typical summer and winter day of one enterprise.
    pub typical_day: Option<typical_day::TypicalDayChart>,
    /// Payback of PV against its size.
    pub payback: Option<payback::PaybackChart>,
    /// Payback of storage against its energy capacity.
    #[serde(default)]
    pub payback_storage: Option<payback::PaybackChart>,
    /// Typical load profiles per archetype.
    pub profiles: Option<profiles::ProfilesChart>,
    /// The typical days of every enterprise, in roster order, under the strategy with the most
    /// measures (`None` where its series were not kept): report.html shows each, and
    /// `plot --enterprise NAME` draws one as `typical_day`.
    #[serde(default)]
    pub typical_days: Vec<Option<typical_day::TypicalDayChart>>,
}

impl ChartSet {
    /// Make the typical-day chart that of enterprise `name` (whose typical days the set holds).
    ///
    /// # Errors
    /// A message for the user naming the enterprise and a few the set holds.
    pub fn choose_enterprise(&mut self, name: &str) -> Result<(), String> {
        let prefix = format!("{name} (");
        let found = self.typical_days.iter().flatten().find(|d| {
            let t = d.enterprise.get(Lang::En);
            t == name || t.starts_with(&prefix)
        });
        match found {
            Some(d) => {
                self.typical_day = Some(d.clone());
                Ok(())
            }
            None => {
                let known: Vec<String> = self
                    .typical_days
                    .iter()
                    .flatten()
                    .take(5)
                    .map(|d| {
                        let t = d.enterprise.get(Lang::En);
                        t.split(" (").next().unwrap_or(&t).to_string()
                    })
                    .collect();
                Err(format!(
                    "--enterprise {name}: no typical days of this enterprise in the chart data (known: {}{})",
                    known.join(", "),
                    if self.typical_days.iter().flatten().count() > known.len() {
                        ", ..."
                    } else {
                        ""
                    }
                ))
            }
        }
    }
}

fn label_of(s: Strategy) -> Text {
    if s.is_baseline() {
        return Text::Label(Label::Baseline);
    }
    let flags = s.flags();
    if flags.iter().filter(|f| **f).count() == 1 {
        let l = [Label::Tariff, Label::Market, Label::Pv, Label::Storage];
        let i = flags.iter().position(|f| *f).unwrap_or(0);
        return Text::Label(l[i]);
    }
    Text::Plain(s.to_string())
}

/// Build the chart data of a run.
pub fn chart_set(plan: &Plan, out: &RunOutput) -> ChartSet {
    let r = &out.result;
    let total = |s: Strategy| r.totals.iter().find(|t| t.strategy == s.to_string());
    let stack = [
        Strategy::BASELINE,
        Strategy {
            tariff: true,
            ..Strategy::BASELINE
        },
        Strategy {
            tariff: true,
            market: true,
            ..Strategy::BASELINE
        },
        Strategy {
            tariff: true,
            market: true,
            pv: true,
            ..Strategy::BASELINE
        },
        Strategy::ALL,
    ];
    let step_labels = [
        Label::Baseline,
        Label::Tariff,
        Label::Market,
        Label::Pv,
        Label::Storage,
    ];
    let present: Vec<(usize, &crate::park::StrategyTotals)> = stack
        .iter()
        .enumerate()
        .filter_map(|(i, s)| total(*s).map(|t| (i, t)))
        .collect();
    let waterfall = (present.len() >= 2).then(|| {
        let steps = present
            .windows(2)
            .map(|w| waterfall::WaterfallStep {
                // A step that skips a missing strategy of the stack adds several measures.
                label: if w[1].0 == w[0].0 + 1 {
                    Text::Label(step_labels[w[1].0])
                } else {
                    Text::Plain(w[1].1.strategy.clone())
                },
                saving_yuan: w[0].1.bill_yuan - w[1].1.bill_yuan,
            })
            .collect();
        waterfall::WaterfallChart {
            baseline_bill_yuan: present[0].1.bill_yuan,
            steps,
            all_measures_bill_yuan: present[present.len() - 1].1.bill_yuan,
            claim_reduction_fraction: plan.claims.cost_reduction_fraction,
            other_tariffs: r
                .claims_by_tariff
                .iter()
                .filter(|t| t.version != plan.tariff.version)
                .filter_map(|t| {
                    let name = &present[present.len() - 1].1.strategy;
                    let f = t.saving_fraction.iter().find(|(s, _)| s == name)?.1;
                    Some((t.version.clone(), f))
                })
                .collect(),
        }
    });
    let last = present.last().map(|(_, t)| *t);
    let pv_cases: Vec<pv_savings::PvCase> = r
        .totals
        .iter()
        .filter(|t| Strategy::parse(&t.strategy).is_ok_and(|s| s.pv && !s.storage))
        .filter_map(|t| {
            let s = Strategy::parse(&t.strategy).ok()?;
            let without = total(Strategy { pv: false, ..s })?;
            Some(pv_savings::PvCase {
                label: if s.tariff || s.market {
                    Text::Plain(format!("{} − {}", s, without.strategy))
                } else {
                    label_of(s)
                },
                saving_yuan_per_year: without.bill_yuan - t.bill_yuan,
            })
        })
        .collect();
    // The PV claim under each other tariff version of `claims.tariff_versions`, beside the
    // main run's cases.
    let mut pv_cases = pv_cases;
    for t in r
        .claims_by_tariff
        .iter()
        .filter(|t| t.version != plan.tariff.version)
    {
        if let Some(c) = t.claims.iter().find(|c| c.key == "pv_saving_yuan_per_year") {
            pv_cases.push(pv_savings::PvCase {
                label: Text::Plain(format!("{} ({})", c.strategy, t.version)),
                saving_yuan_per_year: c.simulated,
            });
        }
    }
    let pv_savings = (!pv_cases.is_empty()).then_some(pv_savings::PvSavingsChart {
        cases: pv_cases,
        claim_yuan_per_year: plan.claims.pv_saving_yuan_per_year,
    });
    let distribution = last.and_then(|t| {
        let k = r.totals.iter().position(|x| x.strategy == t.strategy)?;
        let savings: Vec<f64> = r
            .enterprises
            .iter()
            .filter_map(|e| {
                let base = e.baseline().cost_yuan;
                (base > 0.0).then(|| (base - e.outcomes[k].cost_yuan) / base)
            })
            .collect();
        (k > 0 && !savings.is_empty()).then_some(distribution::DistributionChart {
            base_fraction: None,
            savings_fraction: savings,
            kind: distribution::DistributionKind::Histogram,
            bins: Vec::new(),
            claim_fraction: Some(plan.claims.cost_reduction_fraction),
        })
    });
    let monthly = |t: &crate::park::StrategyTotals| -> Vec<monthly_bill::BillComponents> {
        t.monthly_components_yuan
            .iter()
            .map(|c| monthly_bill::BillComponents {
                energy_yuan: c[0],
                basic_yuan: c[1],
                power_factor_yuan: c[2],
                funds_yuan: c[3],
                market_deviation_yuan: c[4],
                emc_payment_yuan: c[5],
                compensation_yuan: c[6],
                shared_savings_yuan: c[7],
                export_credit_yuan: c[8],
            })
            .collect()
    };
    let monthly_bill = match (r.totals.first(), last) {
        (Some(b), Some(l)) if b.strategy != l.strategy => Some(monthly_bill::MonthlyBillChart {
            baseline: monthly(b),
            all_measures: monthly(l),
        }),
        _ => None,
    };
    ChartSet {
        waterfall,
        pv_savings,
        distribution,
        monthly_bill,
        typical_day: typical_day_chart(out, plan),
        typical_days: typical_days(out, plan),
        payback: payback_chart(out, plan),
        payback_storage: storage_payback_chart(out, plan),
        profiles: profiles_chart(out),
    }
}

/// The typical days of the chart: of the strategy with the most measures among those whose
/// series were kept (the full stack, so that PV and battery show), and of its largest
/// enterprise by consumption (the first on a tie).
fn typical_day_chart(out: &RunOutput, plan: &Plan) -> Option<typical_day::TypicalDayChart> {
    let measures = |s: Strategy| s.flags().iter().filter(|f| **f).count();
    let mut best: Option<(usize, usize)> = None;
    for (i, per) in out.series.iter().enumerate() {
        for (k, s) in per.iter().enumerate() {
            if s.is_none() {
                continue;
            }
            let better = best.is_none_or(|(bi, bk)| {
                let (a, b) = (&out.result.enterprises[i], &out.result.enterprises[bi]);
                let (ma, mb) = (
                    measures(a.outcomes[k].strategy),
                    measures(b.outcomes[bk].strategy),
                );
                ma > mb || (ma == mb && a.annual_kwh > b.annual_kwh)
            });
            if better {
                best = Some((i, k));
            }
        }
    }
    let (i, k) = best?;
    typical_day_of(out, plan, i, k)
}

/// Every enterprise's typical days under the strategy with the most measures whose series
/// were kept, in roster order.
fn typical_days(out: &RunOutput, plan: &Plan) -> Vec<Option<typical_day::TypicalDayChart>> {
    let Some(full) = crate::report::html::full_stack(&plan.strategies) else {
        return Vec::new();
    };
    (0..out.result.enterprises.len())
        .map(|i| {
            let k = out.result.enterprises[i]
                .outcomes
                .iter()
                .position(|o| o.strategy == full)?;
            typical_day_of(out, plan, i, k)
        })
        .collect()
}

/// Mean day of the working days of July and of January for enterprise `i` under its `k`-th
/// strategy, or `None` when its series were not kept.
pub fn typical_day_of(
    out: &RunOutput,
    plan: &Plan,
    i: usize,
    k: usize,
) -> Option<typical_day::TypicalDayChart> {
    let s = out.series.get(i)?.get(k)?.as_ref()?;
    let load = &out.loads.get(i)?.as_ref()?.p_kw;
    let e = &out.result.enterprises[i];
    let title = format!("{} ({})", e.name, e.outcomes[k].strategy);
    Some(typical_day_from(&out.calendar, load, s, plan, title))
}

/// Every enterprise's typical days in a chunk of a streaming run, under `strategy` (`None`
/// where its series were not kept), in roster order: computed as the chunk passes, so that no
/// series outlives its chunk.
pub fn typical_days_of_chunk(
    c: &crate::park::Chunk<'_>,
    plan: &Plan,
    strategy: Strategy,
) -> Vec<Option<typical_day::TypicalDayChart>> {
    c.enterprises
        .iter()
        .enumerate()
        .map(|(j, e)| {
            let k = e.outcomes.iter().position(|o| o.strategy == strategy)?;
            let s = c.series.get(j)?.get(k)?.as_ref()?;
            let load = &c.loads.get(j)?.p_kw;
            let title = format!("{} ({strategy})", e.name);
            Some(typical_day_from(c.calendar, load, s, plan, title))
        })
        .collect()
}

/// Put the typical days of every enterprise (roster order) into `set`, and make the chart's
/// typical day that of the largest enterprise by consumption (the first on a tie).
pub fn set_typical_days(
    set: &mut ChartSet,
    days: Vec<Option<typical_day::TypicalDayChart>>,
    r: &crate::park::ParkResult,
) {
    let mut best: Option<usize> = None;
    for (i, d) in days.iter().enumerate() {
        if d.is_some()
            && best.is_none_or(|b| r.enterprises[i].annual_kwh > r.enterprises[b].annual_kwh)
        {
            best = Some(i);
        }
    }
    if let Some(b) = best {
        set.typical_day = days[b].clone();
    }
    set.typical_days = days;
}

/// Mean day of the working days of July and of January of one enterprise's series.
fn typical_day_from(
    cal: &crate::calendar::Calendar,
    load: &[f64],
    s: &crate::park::simulate::Series,
    plan: &Plan,
    title: String,
) -> typical_day::TypicalDayChart {
    let spd = cal.steps_per_day();
    let day = |month: u8| -> typical_day::DayProfile {
        let mut acc = vec![[0.0f64; 4]; spd];
        let mut n = 0.0f64;
        for d in 0..cal.n_days() {
            if cal.date_of_day(d).month() != month || !cal.day_kind_of_day(d).is_working() {
                continue;
            }
            n += 1.0;
            for (j, a) in acc.iter_mut().enumerate() {
                let t = d * spd + j;
                a[0] += load[t];
                a[1] += s.pv_kw.get(t).copied().unwrap_or(0.0);
                a[2] += s.discharge_kw.get(t).copied().unwrap_or(0.0)
                    - s.charge_kw.get(t).copied().unwrap_or(0.0);
                a[3] += s.import_kw.get(t).copied().unwrap_or(0.0);
            }
        }
        let n = n.max(1.0);
        let first = cal.month_steps(month).start;
        let tou = (0..spd)
            .map(|j| plan.tariff_model.period(month, cal.hour(first + j)))
            .collect();
        typical_day::DayProfile {
            load_kw: acc.iter().map(|a| a[0] / n).collect(),
            pv_kw: acc.iter().map(|a| a[1] / n).collect(),
            battery_kw: acc.iter().map(|a| a[2] / n).collect(),
            grid_import_kw: acc.iter().map(|a| a[3] / n).collect(),
            tou,
        }
    };
    typical_day::TypicalDayChart {
        enterprise: Text::Plain(title),
        summer: day(7),
        winter: day(1),
    }
}

/// Payback against size of each enterprise's investment in the single-measure strategy
/// `strategy`: the investor's payback where a third party invests (EMC, shared savings), else
/// the enterprise's. `size_of` gives the size of the investment of an outcome.
fn payback_points(
    out: &RunOutput,
    strategy: Strategy,
    size_of: impl Fn(&crate::park::Outcome) -> Option<f64>,
) -> Vec<(f64, Option<f64>)> {
    let mut points: Vec<(f64, Option<f64>)> = Vec::new();
    for e in &out.result.enterprises {
        for o in e.outcomes.iter().filter(|o| o.strategy == strategy) {
            if let (Some(size), Some(m)) = (size_of(o), &o.money) {
                let payback = if m.investor_investment_yuan.is_some() {
                    m.investor_payback_years
                } else {
                    m.payback_years
                };
                points.push((size, payback));
            }
        }
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// A payback chart of one series, or `None` without points.
fn payback_of(
    points: &[(f64, Option<f64>)],
    size_kind: payback::SizeKind,
    label: Text,
    lifetime_years: Option<f64>,
) -> Option<payback::PaybackChart> {
    (!points.is_empty()).then(|| payback::PaybackChart {
        size_kind,
        series: vec![payback::PaybackSeries {
            label,
            sizes: points.iter().map(|x| x.0).collect(),
            payback_years: points.iter().map(|x| x.1).collect(),
        }],
        lifetime_years,
        // One point per enterprise: never joined by a line.
        scatter: true,
    })
}

/// Payback of each enterprise's PV array in the `pv` strategy against its size.
fn payback_chart(out: &RunOutput, plan: &Plan) -> Option<payback::PaybackChart> {
    let pv_only = Strategy {
        pv: true,
        ..Strategy::BASELINE
    };
    let points = payback_points(out, pv_only, |o| o.pv.as_ref().map(|p| p.dc_kw));
    let label = if plan.pv.ownership == crate::scenario::choice::PvOwnership::Emc {
        Text::Both {
            en: "PV (EMC investor)".into(),
            zh: "光伏(投资方)".into(),
        }
    } else {
        Text::Label(Label::Pv)
    };
    payback_of(
        &points,
        payback::SizeKind::PvKw,
        label,
        Some(f64::from(plan.pv.life_years)),
    )
}

/// Payback of each enterprise's battery in the `storage` strategy against its energy capacity.
fn storage_payback_chart(out: &RunOutput, plan: &Plan) -> Option<payback::PaybackChart> {
    let storage_only = Strategy {
        storage: true,
        ..Strategy::BASELINE
    };
    let points = payback_points(out, storage_only, |o| o.storage.as_ref().map(|s| s.kwh));
    let label =
        if plan.storage.ownership == crate::scenario::choice::StorageOwnership::SharedSavings {
            Text::Both {
                en: "Storage (shared-savings investor)".into(),
                zh: "储能(收益分成投资方)".into(),
            }
        } else {
            Text::Label(Label::Storage)
        };
    let life = out.result.enterprises.iter().find_map(|e| {
        e.outcomes
            .iter()
            .find_map(|o| o.storage.as_ref().map(|s| s.life_years))
    });
    payback_of(&points, payback::SizeKind::StorageKwh, label, life)
}

fn profiles_chart(out: &RunOutput) -> Option<profiles::ProfilesChart> {
    let mut by: Vec<(String, [Vec<f64>; 3], f64)> = Vec::new();
    for (e, td) in out.result.enterprises.iter().zip(&out.typical_days) {
        let Some(td) = td else {
            continue;
        };
        let peak = e.peak_kw.max(1e-9);
        let norm = |v: &[f64]| v.iter().map(|x| x / peak).collect::<Vec<f64>>();
        let parts = [
            norm(&td.workday_kw),
            norm(&td.weekend_kw),
            norm(&td.holiday_kw),
        ];
        match by.iter_mut().find(|(a, _, _)| *a == e.archetype) {
            Some((_, acc, n)) => {
                for (a, p) in acc.iter_mut().zip(parts) {
                    for (x, y) in a.iter_mut().zip(p) {
                        *x += y;
                    }
                }
                *n += 1.0;
            }
            None => by.push((e.archetype.clone(), parts, 1.0)),
        }
    }
    (!by.is_empty()).then(|| profiles::ProfilesChart {
        archetypes: by
            .into_iter()
            .map(|(a, [w, we, h], n)| profiles::ArchetypeProfile {
                archetype: archetype_text(&a),
                workday_kw: w.iter().map(|x| x / n).collect(),
                weekend_kw: we.iter().map(|x| x / n).collect(),
                holiday_kw: h.iter().map(|x| x / n).collect(),
            })
            .collect(),
        per_unit: true,
    })
}

/// An archetype's name in both languages (`name_zh` of the archetype library, e.g.
/// 电池及新能源材料); a name the library does not know (`meter`) stays as it is.
pub fn archetype_text(name: &str) -> Text {
    static LIBRARY: std::sync::OnceLock<crate::load::ArchetypeLibrary> = std::sync::OnceLock::new();
    match LIBRARY
        .get_or_init(crate::load::ArchetypeLibrary::embedded)
        .get(name)
    {
        Ok(a) if !a.params().name_zh.is_empty() => Text::Both {
            en: name.to_string(),
            zh: a.params().name_zh.clone(),
        },
        _ => Text::Plain(name.to_string()),
    }
}

/// Draw every chart of a set into `dir` as PNG and SVG; returns the files written.
///
/// # Errors
/// The first chart that cannot be drawn or written.
pub fn draw_all(set: &ChartSet, dir: &Path, lang: Lang) -> Result<Vec<String>, charts::ChartError> {
    let mut written = Vec::new();
    macro_rules! draw {
        ($field:ident, $module:ident) => {
            if let Some(d) = &set.$field {
                for fmt in Format::ALL {
                    let name = charts::file_name(stringify!($field), lang, fmt);
                    charts::$module::draw(d, lang, &dir.join(&name), fmt)?;
                    written.push(name);
                }
            }
        };
    }
    draw!(waterfall, waterfall);
    draw!(pv_savings, pv_savings);
    draw!(distribution, distribution);
    draw!(monthly_bill, monthly_bill);
    draw!(typical_day, typical_day);
    draw!(payback, payback);
    draw!(payback_storage, payback);
    draw!(profiles, profiles);
    Ok(written)
}

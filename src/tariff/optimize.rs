//! Tariff category optimization (分类优化): the cheapest legal billing option per choice period,
//! the optimal declared demand, and the reactive-compensation (无功补偿) study.
//!
//! Owns the search over [`BillingOption`]s. Works on a [`YearUsage`] measured once, so every
//! option costs O(1) per month. Must not know how the load was made.
//!
//! # Method
//! Within a choice period (a month, a quarter or the year) the option is fixed. The candidates
//! are: single-part (if the capacity allows it), and, if two-part is allowed, capacity, actual
//! maximum demand, and declared demand D. The period cost as a function of D is
//! `Σ_m (1 + a_m) (E_m + p D + k p max(0, M_m − t D)) + const` (a_m the power-factor fraction,
//! M_m the month's maximum demand, t = 1.05, k = 2, p the demand price): convex and piecewise
//! linear with kinks only at D = M_m / t. Its minimum over [40 % × kVA, kVA] is therefore at a
//! bound or at one of the kinks, and the optimizer evaluates exactly those points with the full
//! bill. For one month the optimum is `D* = clamp(M / 1.05, 0.4 kVA, kVA)`.
//!
//! # Baseline
//! The stated default option: two-part with capacity billing for customers at or above the
//! compulsory two-part threshold (315 kVA), single-part below it. This is the option a customer
//! gets without choosing (容量 is the historical default of 大工业; single-part is the default
//! of 一般工商业).

use super::bill::{
    AnnualBill, BasicCharge, BillingOption, Customer, MonthUsage, YearUsage, allowed_energy_rates,
    bill_month, bill_usage_unchecked, check_option, check_voltage, measure_usage,
};
use super::data::Confidence;
use super::signal::{PriceSignal, check_series};
use super::{Reactive, TariffError};
use serde::Deserialize;

/// The embedded reactive-compensation cost assumptions, `data/tariffs/reactive_compensation.toml`.
pub const REACTIVE_COMPENSATION_TOML: &str =
    include_str!("../../data/tariffs/reactive_compensation.toml");

/// How long a billing option stays fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChoicePeriod {
    /// Monthly (allowed since 发改价格〔2018〕732号 for the basic-charge method).
    Monthly,
    /// Quarterly (发改办价格〔2016〕1583号).
    Quarterly,
    /// Yearly.
    Yearly,
}

impl ChoicePeriod {
    /// The periods as (first month, last month), months 1-12.
    pub fn periods(self) -> Vec<(u8, u8)> {
        match self {
            ChoicePeriod::Monthly => (1..=12).map(|m| (m, m)).collect(),
            ChoicePeriod::Quarterly => vec![(1, 3), (4, 6), (7, 9), (10, 12)],
            ChoicePeriod::Yearly => vec![(1, 12)],
        }
    }
}

/// The option chosen for one choice period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeriodChoice {
    /// First month (1-12).
    pub first_month: u8,
    /// Last month (1-12), inclusive.
    pub last_month: u8,
    /// The cheapest legal option.
    pub option: BillingOption,
    /// Net bill of the period under it [yuan].
    pub cost_yuan: f64,
}

/// The result of [`optimize`].
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizationResult {
    /// One choice per period.
    pub choices: Vec<PeriodChoice>,
    /// The annual bill under the chosen options.
    pub bill: AnnualBill,
    /// The default option (see the module docs).
    pub baseline_option: BillingOption,
    /// The annual bill under the default option.
    pub baseline_bill: AnnualBill,
    /// baseline total − optimized total, >= 0 [yuan].
    pub saving_yuan: f64,
}

/// The stated default option: two-part with capacity billing from the compulsory threshold
/// (315 kVA) up, single-part below.
pub fn baseline_option(signal: &PriceSignal, customer: &Customer) -> BillingOption {
    let (single, _) = allowed_energy_rates(signal, customer.transformer_kva);
    if single {
        BillingOption::SinglePart
    } else {
        BillingOption::TwoPart(BasicCharge::Capacity)
    }
}

/// The candidate declared-demand values of a period: the floor, the capacity and every kink
/// `M_m / threshold` inside them [kW], sorted and deduplicated.
///
/// # Arguments
/// * `max_demand_kw` - maximum demand of each month of the period [kW]
/// * `floor_kw` - lowest legal declared value (40 % of capacity) [kW]
/// * `cap_kw` - highest legal declared value (the capacity) [kW]
/// * `threshold_fraction` - the excess threshold (1.05)
pub fn declared_demand_candidates_kw(
    max_demand_kw: &[f64],
    floor_kw: f64,
    cap_kw: f64,
    threshold_fraction: f64,
) -> Vec<f64> {
    let mut c: Vec<f64> = max_demand_kw
        .iter()
        .map(|m| (m / threshold_fraction).clamp(floor_kw, cap_kw))
        .chain([floor_kw, cap_kw])
        .collect();
    c.sort_by(f64::total_cmp);
    c.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    c
}

fn period_cost(
    signal: &PriceSignal,
    customer: &Customer,
    option: &BillingOption,
    months: &[MonthUsage],
    first: u8,
) -> f64 {
    months
        .iter()
        .enumerate()
        .map(|(k, u)| bill_month(signal, customer, option, first + k as u8, u).total_yuan)
        .sum()
}

/// The legal candidate options of a period (single-part first, then capacity, actual demand and
/// the declared-demand kinks).
fn candidates(
    signal: &PriceSignal,
    customer: &Customer,
    months: &[MonthUsage],
) -> Vec<BillingOption> {
    let r = signal.tariff().rules();
    let kva = customer.transformer_kva;
    let (single, two) = allowed_energy_rates(signal, kva);
    let mut out = Vec::new();
    if single {
        out.push(BillingOption::SinglePart);
    }
    if two {
        out.push(BillingOption::TwoPart(BasicCharge::Capacity));
        out.push(BillingOption::TwoPart(BasicCharge::ActualDemand));
        let maxes: Vec<f64> = months.iter().map(|u| u.max_demand_kw).collect();
        for kw in declared_demand_candidates_kw(
            &maxes,
            r.declared_demand_floor_fraction * kva,
            kva,
            r.demand_excess_threshold_fraction,
        ) {
            out.push(BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }));
        }
    }
    out
}

/// The cheapest legal billing option per choice period, and its saving against the baseline.
///
/// # Arguments
/// * `signal` - price signal (the customer's voltage level)
/// * `customer` - capacity, voltage level, PF standard
/// * `usage` - the year's usage from [`measure_usage`]
/// * `period` - how long an option stays fixed
///
/// # Returns
/// Per-period choices, the optimized bill, the baseline bill and the saving [yuan]. Ties keep
/// the earlier candidate (single-part, capacity, actual demand, declared demand).
///
/// # Errors
/// [`TariffError::InvalidParameter`] for a bad capacity or a voltage level that differs from the
/// signal's.
pub fn optimize(
    signal: &PriceSignal,
    customer: &Customer,
    usage: &YearUsage,
    period: ChoicePeriod,
) -> Result<OptimizationResult, TariffError> {
    check_voltage(signal, customer)?;
    let baseline = baseline_option(signal, customer);
    check_option(signal, customer, &baseline)?;
    let mut options = [baseline; 12];
    let mut choices = Vec::new();
    for (first, last) in period.periods() {
        let months = &usage.months[usize::from(first) - 1..usize::from(last)];
        let mut best = (baseline, f64::INFINITY);
        for o in candidates(signal, customer, months) {
            let c = period_cost(signal, customer, &o, months, first);
            if c < best.1 {
                best = (o, c);
            }
        }
        for o in &mut options[usize::from(first) - 1..usize::from(last)] {
            *o = best.0;
        }
        choices.push(PeriodChoice {
            first_month: first,
            last_month: last,
            option: best.0,
            cost_yuan: best.1,
        });
    }
    let bill = bill_usage_unchecked(signal, customer, &options, usage);
    let baseline_bill = bill_usage_unchecked(signal, customer, &[baseline; 12], usage);
    Ok(OptimizationResult {
        saving_yuan: baseline_bill.total_yuan - bill.total_yuan,
        choices,
        bill,
        baseline_option: baseline,
        baseline_bill,
    })
}

/// [`measure_usage`] then [`optimize`], from series.
///
/// # Errors
/// As [`measure_usage`] and [`optimize`].
pub fn optimize_year(
    signal: &PriceSignal,
    customer: &Customer,
    import_kw: &[f64],
    export_kw: Option<&[f64]>,
    reactive: Reactive<'_>,
    period: ChoicePeriod,
) -> Result<OptimizationResult, TariffError> {
    let usage = measure_usage(signal, import_kw, export_kw, reactive)?;
    optimize(signal, customer, &usage, period)
}

/// Cost assumptions for capacitor banks (电容器补偿). All EST; see the data file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompensationCosts {
    /// Installed cost [yuan/kvar].
    pub capex_yuan_per_kvar: f64,
    /// Economic life [years].
    pub life_years: f64,
    /// Discount rate for the annuity [fraction/year].
    pub discount_rate_fraction: f64,
    /// Operation and maintenance [fraction of capex per year].
    pub om_fraction_per_year: f64,
    /// Bank size increment scanned [kvar].
    pub bank_step_kvar: f64,
    /// Largest bank scanned [kvar per kVA of transformer].
    pub max_kvar_per_kva: f64,
    /// Confidence of the numbers.
    pub confidence: Confidence,
    /// Where the numbers come from.
    pub source: String,
    /// Date of the numbers.
    pub date: String,
}

impl CompensationCosts {
    /// The embedded assumptions (`data/tariffs/reactive_compensation.toml`).
    pub fn builtin() -> CompensationCosts {
        CompensationCosts::from_toml_str(REACTIVE_COMPENSATION_TOML)
            .expect("embedded reactive_compensation.toml is checked by a unit test")
    }

    /// Parse and check assumptions in the layout of `data/tariffs/reactive_compensation.toml`.
    ///
    /// # Errors
    /// [`TariffError::Parse`] for bad TOML or unknown keys; [`TariffError::OutOfRange`] for a
    /// negative cost, a life or step <= 0.
    pub fn from_toml_str(text: &str) -> Result<CompensationCosts, TariffError> {
        let c: CompensationCosts = toml::from_str(text).map_err(|e| TariffError::Parse {
            file: "reactive_compensation.toml".into(),
            message: e.to_string(),
        })?;
        let check = |key: &str, v: f64, positive: bool| {
            let ok = v.is_finite() && if positive { v > 0.0 } else { v >= 0.0 };
            if ok {
                Ok(())
            } else {
                Err(TariffError::OutOfRange {
                    key: key.to_string(),
                    value: v,
                    unit: "",
                    range: if positive {
                        "finite and > 0"
                    } else {
                        "finite and >= 0"
                    },
                })
            }
        };
        check("capex_yuan_per_kvar", c.capex_yuan_per_kvar, false)?;
        check("life_years", c.life_years, true)?;
        check("discount_rate_fraction", c.discount_rate_fraction, false)?;
        check("om_fraction_per_year", c.om_fraction_per_year, false)?;
        check("bank_step_kvar", c.bank_step_kvar, true)?;
        check("max_kvar_per_kva", c.max_kvar_per_kva, false)?;
        Ok(c)
    }

    /// Annualised cost of one kvar: capex × (capital recovery factor + O&M fraction)
    /// [yuan/kvar-year]. CRF = r / (1 − (1 + r)^−n), or 1/n when r = 0.
    pub fn annual_cost_yuan_per_kvar(&self) -> f64 {
        let (r, n) = (self.discount_rate_fraction, self.life_years);
        let crf = if r > 0.0 {
            r / (1.0 - (1.0 + r).powf(-n))
        } else {
            1.0 / n
        };
        self.capex_yuan_per_kvar * (crf + self.om_fraction_per_year)
    }
}

/// The result of [`reactive_compensation`].
#[derive(Debug, Clone, PartialEq)]
pub struct CompensationResult {
    /// The bank size with the largest net saving (0 if none pays) [kvar].
    pub bank_kvar: f64,
    /// Annualised cost of that bank [yuan/year].
    pub annual_cost_yuan: f64,
    /// Reduction of the annual bill from the better power factor [yuan/year].
    pub pf_saving_yuan: f64,
    /// pf_saving − annual cost [yuan/year].
    pub net_saving_yuan: f64,
    /// Whether a bank pays (net saving > 0).
    pub pays: bool,
    /// Monthly power factor without compensation.
    pub power_factor_before: [Option<f64>; 12],
    /// Monthly power factor with the chosen bank.
    pub power_factor_after: [Option<f64>; 12],
}

/// Size an automatically switched capacitor bank against the power-factor adjustment.
///
/// A bank of C kvar lowers the reactive power of each step to `max(q − C, 0)` (automatic
/// switching, no over-compensation). Sizes 0, step, 2 step, … up to `max_kvar_per_kva × kVA`
/// (or until all reactive power is compensated) are priced with the same billing options; the
/// size with the largest `PF saving − annualised cost` is reported.
///
/// # Arguments
/// * `signal`, `customer` - as for billing (no saving without a PF standard)
/// * `options` - billing option per month (e.g. the optimizer's)
/// * `import_kw` - grid import per step [kW]
/// * `reactive_kvar` - reactive power per step before compensation [kvar]
/// * `costs` - bank cost assumptions
///
/// # Errors
/// Series and option errors as in billing.
pub fn reactive_compensation(
    signal: &PriceSignal,
    customer: &Customer,
    options: &[BillingOption; 12],
    import_kw: &[f64],
    reactive_kvar: &[f64],
    costs: &CompensationCosts,
) -> Result<CompensationResult, TariffError> {
    reactive_compensation_with(
        signal,
        customer,
        options,
        (import_kw, reactive_kvar),
        costs,
        None,
    )
}

/// The reactive energy left per month after each capacitor bank size the scan of
/// [`reactive_compensation`] can reach, for one reactive series: it does not depend on the
/// grid import, so the choices of every strategy and sweep sample of an enterprise share it.
#[derive(Debug, Clone, PartialEq)]
pub struct BankKvarh {
    step_kvar: f64,
    /// Row `k − 1`: each month's reactive energy with a bank of `k × step_kvar` [kvarh].
    by_bank: Vec<[f64; 12]>,
}

impl BankKvarh {
    /// The table of `reactive_kvar` on `signal`'s months for banks in steps of `step_kvar`, up
    /// to the largest the scan can reach (the series' peak plus one step).
    ///
    /// # Arguments
    /// * `signal` - the price signal (months and step length)
    /// * `reactive_kvar` - reactive power per step before compensation [kvar]
    /// * `step_kvar` - bank size increment [kvar], > 0
    pub fn new(signal: &PriceSignal, reactive_kvar: &[f64], step_kvar: f64) -> Self {
        let h = signal.step_hours();
        let q_max = reactive_kvar.iter().copied().fold(0.0, f64::max);
        let reach = q_max + step_kvar;
        let mut by_bank = Vec::new();
        let mut k = 1u32;
        while step_kvar > 0.0 && f64::from(k) * step_kvar <= reach {
            let c = f64::from(k) * step_kvar;
            by_bank.push(std::array::from_fn(|m| {
                let (a, b) = signal.month_range(m as u8 + 1);
                left_kvarh(&reactive_kvar[a..b], c, h)
            }));
            k += 1;
        }
        BankKvarh { step_kvar, by_bank }
    }

    /// Each month's reactive energy with a bank of `k × step` [kvarh], when the table was made
    /// with this step and reaches `k`.
    fn row(&self, step_kvar: f64, k: u32) -> Option<&[f64; 12]> {
        if self.step_kvar.to_bits() != step_kvar.to_bits() {
            return None;
        }
        self.by_bank.get(k.checked_sub(1)? as usize)
    }
}

/// Reactive energy of a month's steps with a bank of `c` kvar in service [kvarh].
fn left_kvarh(month_kvar: &[f64], c: f64, step_hours: f64) -> f64 {
    month_kvar.iter().map(|q| (q - c).max(0.0)).sum::<f64>() * step_hours
}

/// [`reactive_compensation`], with the reactive energy after each bank size from `table`
/// when given (the same numbers, computed once per reactive series).
///
/// # Errors
/// As [`reactive_compensation`].
pub fn reactive_compensation_with(
    signal: &PriceSignal,
    customer: &Customer,
    options: &[BillingOption; 12],
    (import_kw, reactive_kvar): (&[f64], &[f64]),
    costs: &CompensationCosts,
    table: Option<&BankKvarh>,
) -> Result<CompensationResult, TariffError> {
    check_voltage(signal, customer)?;
    for o in options {
        check_option(signal, customer, o)?;
    }
    check_series("reactive_kvar", "kvar", reactive_kvar, signal.n_steps())?;
    let mut usage = measure_usage(signal, import_kw, None, Reactive::SeriesKvar(reactive_kvar))?;
    let before = bill_usage_unchecked(signal, customer, options, &usage);
    let pf_before: [Option<f64>; 12] = std::array::from_fn(|m| before.months[m].power_factor);
    let h = signal.step_hours();
    let q_max = reactive_kvar.iter().copied().fold(0.0, f64::max);
    let c_max =
        (costs.max_kvar_per_kva * customer.transformer_kva).min(q_max + costs.bank_step_kvar);
    let per_kvar = costs.annual_cost_yuan_per_kvar();
    let mut best = (0.0, 0.0, 0.0, pf_before);
    let mut k = 1u32;
    while customer.pf_standard.is_some() && f64::from(k) * costs.bank_step_kvar <= c_max {
        let c = f64::from(k) * costs.bank_step_kvar;
        let row = table.and_then(|t| t.row(costs.bank_step_kvar, k));
        for m in 0..12 {
            usage.months[m].kvarh = Some(match row {
                Some(r) => r[m],
                None => {
                    let (a, b) = signal.month_range(m as u8 + 1);
                    left_kvarh(&reactive_kvar[a..b], c, h)
                }
            });
        }
        let after = bill_usage_unchecked(signal, customer, options, &usage);
        let saving = before.total_yuan - after.total_yuan;
        let net = saving - c * per_kvar;
        if net > best.2 {
            best = (
                c,
                saving,
                net,
                std::array::from_fn(|m| after.months[m].power_factor),
            );
        }
        k += 1;
    }
    Ok(CompensationResult {
        bank_kvar: best.0,
        annual_cost_yuan: best.0 * per_kvar,
        pf_saving_yuan: best.1,
        net_saving_yuan: best.2,
        pays: best.0 > 0.0 && best.2 > 0.0,
        power_factor_before: pf_before,
        power_factor_after: best.3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::StepLength;
    use crate::tariff::bill::bill_usage;
    use crate::tariff::bill::tests::{month_load, round_signal, year_load};
    use crate::tariff::data::VoltageLevel;
    use crate::tariff::pf_coefficients::PfStandard;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    const FEN: f64 = 1e-4;

    fn customer(kva: f64, pf: Option<PfStandard>) -> Customer {
        Customer {
            transformer_kva: kva,
            voltage_level: VoltageLevel::Kv1To10,
            pf_standard: pf,
        }
    }

    fn declared(o: &BillingOption) -> Option<f64> {
        match o {
            BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }) => Some(*kw),
            _ => None,
        }
    }

    #[test]
    fn monthly_choice_at_the_capacity_demand_crossover() {
        // 1000 kVA, March load flat at M kW (round prices: capacity 22, demand 35).
        // M = 600: capacity 22000, actual 21000, declared D* = 600/1.05 = 571.43 -> 20000
        //   (floor 400 would cost 14000 + (600-420)*70 = 26600): declared wins.
        // M = 700: D* = 666.67 -> 23333.33 > capacity 22000 < actual 24500: capacity wins.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, None);
        let u = measure_usage(&s, &month_load(&s, 3, 600.0), None, Reactive::None).unwrap();
        let r = optimize(&s, &c, &u, ChoicePeriod::Monthly).unwrap();
        let mar = r.choices[2];
        assert_relative_eq!(declared(&mar.option).unwrap(), 600.0 / 1.05, epsilon = 1e-9);
        assert_relative_eq!(r.bill.months[2].basic_yuan, 20000.0, epsilon = FEN);
        let u = measure_usage(&s, &month_load(&s, 3, 700.0), None, Reactive::None).unwrap();
        let r = optimize(&s, &c, &u, ChoicePeriod::Monthly).unwrap();
        assert_eq!(
            r.choices[2].option,
            BillingOption::TwoPart(BasicCharge::Capacity)
        );
        // Months without load: actual demand 0 -> no basic charge.
        assert_eq!(
            r.choices[0].option,
            BillingOption::TwoPart(BasicCharge::ActualDemand)
        );
        assert_relative_eq!(r.bill.months[0].basic_yuan, 0.0);
        // Baseline for 1000 kVA: two-part capacity every month, 12*22000 basic.
        assert_eq!(
            r.baseline_option,
            BillingOption::TwoPart(BasicCharge::Capacity)
        );
        assert_relative_eq!(r.baseline_bill.basic_yuan, 264000.0, epsilon = FEN);
        assert_relative_eq!(r.saving_yuan, 264000.0 - 22000.0, epsilon = FEN);
    }

    fn quarter_load(s: &PriceSignal, kws: [f64; 3]) -> Vec<f64> {
        let mut v = vec![0.0; s.n_steps()];
        for (k, kw) in kws.iter().enumerate() {
            let l = month_load(s, k as u8 + 1, *kw);
            v.iter_mut().zip(l).for_each(|(a, b)| *a += b);
        }
        v
    }

    #[test]
    fn quarterly_declared_demand_scans_the_breakpoints() {
        // Q1 max demands 600, 600, 610 kW, 1000 kVA, demand price 35, excess x2 above 1.05 D.
        // Kinks 571.43 and 580.95:
        //   D = 571.43: 3*20000 + (610 - 600)*70 = 60700
        //   D = 580.95: 3*20333.33 = 61000
        //   floor 400: 3*14000 + 70*(180+180+190) = 80500
        // actual demand: 35*1810 = 63350; capacity: 66000. Declared 571.43 wins.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, None);
        let u = measure_usage(
            &s,
            &quarter_load(&s, [600.0, 600.0, 610.0]),
            None,
            Reactive::None,
        )
        .unwrap();
        let r = optimize(&s, &c, &u, ChoicePeriod::Quarterly).unwrap();
        assert_relative_eq!(
            declared(&r.choices[0].option).unwrap(),
            600.0 / 1.05,
            epsilon = 1e-9
        );
        let basic: f64 = r.bill.months[..3].iter().map(|m| m.basic_yuan).sum();
        assert_relative_eq!(basic, 60700.0, epsilon = FEN);
        // Q1 max demands 500, 600, 700: declared best is D = 571.43 -> 67000, but actual
        // demand costs 35*1800 = 63000 and capacity 66000: actual demand wins.
        let u = measure_usage(
            &s,
            &quarter_load(&s, [500.0, 600.0, 700.0]),
            None,
            Reactive::None,
        )
        .unwrap();
        let r = optimize(&s, &c, &u, ChoicePeriod::Quarterly).unwrap();
        assert_eq!(
            r.choices[0].option,
            BillingOption::TwoPart(BasicCharge::ActualDemand)
        );
        let basic: f64 = r.bill.months[..3].iter().map(|m| m.basic_yuan).sum();
        assert_relative_eq!(basic, 63000.0, epsilon = FEN);
    }

    #[test]
    fn small_customers_follow_the_legal_options() {
        // 80 kVA: single-part only. 200 kVA at 100 kW flat: two-part actual demand
        // (energy 0.60 + 3500 basic per 74400 kWh) beats single-part (0.70).
        let s = round_signal(StepLength::Hourly);
        let load = vec![50.0; 8760];
        let u = measure_usage(&s, &load, None, Reactive::None).unwrap();
        let r = optimize(&s, &customer(80.0, None), &u, ChoicePeriod::Yearly).unwrap();
        assert_eq!(r.choices[0].option, BillingOption::SinglePart);
        assert_relative_eq!(r.saving_yuan, 0.0);
        let u = measure_usage(&s, &month_load(&s, 3, 100.0), None, Reactive::None).unwrap();
        let r = optimize(&s, &customer(200.0, None), &u, ChoicePeriod::Monthly).unwrap();
        assert_eq!(r.baseline_option, BillingOption::SinglePart);
        assert!(matches!(r.choices[2].option, BillingOption::TwoPart(_)));
        // Single 52080; two-part declared D* = max(100/1.05, 80 floor) = 95.24 -> 3333.33:
        // 44640 + 3333.33 = 47973.33; saving 4106.67.
        assert_relative_eq!(
            r.saving_yuan,
            52080.0 - 44640.0 - 100.0 / 1.05 * 35.0,
            epsilon = FEN
        );
    }

    /// The table of reactive energy per bank size gives the scan's numbers exactly, for any
    /// transformer (the scan stops at its own largest bank), and a table made with another
    /// step is not used.
    #[test]
    fn a_bank_table_gives_the_scan_its_exact_numbers() {
        let s = round_signal(StepLength::Hourly);
        let costs = CompensationCosts::builtin();
        let load: Vec<f64> = (0..8760).map(|t| 300.0 + (t % 24) as f64 * 20.0).collect();
        let q: Vec<f64> = load.iter().map(|p| 0.6 * p + (p % 7.0)).collect();
        let opts = [BillingOption::TwoPart(BasicCharge::Capacity); 12];
        let table = BankKvarh::new(&s, &q, costs.bank_step_kvar);
        let other = BankKvarh::new(&s, &q, 2.0 * costs.bank_step_kvar);
        for kva in [315.0, 1000.0, 4000.0] {
            let c = customer(kva, Some(PfStandard::Pf090));
            let scan = reactive_compensation(&s, &c, &opts, &load, &q, &costs).unwrap();
            for t in [&table, &other] {
                let with = reactive_compensation_with(&s, &c, &opts, (&load, &q), &costs, Some(t))
                    .unwrap();
                assert_eq!(with, scan, "{kva} kVA");
            }
        }
        assert!(table.row(costs.bank_step_kvar, 1).is_some());
        assert!(other.row(costs.bank_step_kvar, 1).is_none());
    }

    #[test]
    fn capacitor_bank_pays_for_a_poor_power_factor() {
        // 1000 kVA, standard 0.90, 500 kW and 375 kvar all year (PF 0.80: +5 %).
        // A bank of C kvar leaves 375 - C. PF rounds to 0.95 (maximum bonus) from
        // q/p <= tan(acos 0.945) = 0.3460, i.e. q <= 173.0 -> C >= 202 -> C = 210 in 10-kvar
        // steps (C = 200 gives PF 0.9439 -> 0.94). Cost 120*(CRF(6 %, 10 y) 0.135868 + 0.02)
        // = 18.704 yuan/kvar-year, far below the 5.75 % swing on a ~3 M yuan bill.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, Some(PfStandard::Pf090));
        let costs = CompensationCosts::builtin();
        assert_relative_eq!(costs.annual_cost_yuan_per_kvar(), 18.7042, epsilon = 1e-3);
        let load = vec![500.0; 8760];
        let q = vec![375.0; 8760];
        let opts = [BillingOption::TwoPart(BasicCharge::Capacity); 12];
        let r = reactive_compensation(&s, &c, &opts, &load, &q, &costs).unwrap();
        assert_relative_eq!(r.bank_kvar, 210.0);
        assert!(r.pays);
        assert_relative_eq!(r.power_factor_before[0].unwrap(), 0.8, epsilon = 1e-12);
        assert_relative_eq!(
            r.power_factor_after[0].unwrap(),
            500.0 / 500f64.hypot(165.0),
            epsilon = 1e-12
        );
        // Saving = 5.75 % of the year's energy + basic.
        let u = measure_usage(&s, &load, None, Reactive::None).unwrap();
        let b = bill_usage(&s, &c, &opts, &u).unwrap();
        assert_relative_eq!(
            r.pf_saving_yuan,
            0.0575 * (b.energy_yuan + b.basic_yuan),
            epsilon = 1e-3
        );
        // Without a PF standard nothing pays.
        let r =
            reactive_compensation(&s, &customer(1000.0, None), &opts, &load, &q, &costs).unwrap();
        assert!(!r.pays);
        assert_relative_eq!(r.bank_kvar, 0.0);
    }

    #[test]
    fn compensation_costs_are_checked() {
        let bad = REACTIVE_COMPENSATION_TOML.replace("life_years = 10.0", "life_years = 0.0");
        let e = CompensationCosts::from_toml_str(&bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("life_years") && e.contains("> 0"), "{e}");
        let typo = format!("{REACTIVE_COMPENSATION_TOML}\ncapex_typo = 1.0\n");
        let e = CompensationCosts::from_toml_str(&typo)
            .unwrap_err()
            .to_string();
        assert!(e.contains("capex_typo"), "{e}");
    }

    fn all_uniform_options(kva: f64, s: &PriceSignal) -> Vec<BillingOption> {
        let (single, two) = allowed_energy_rates(s, kva);
        let mut v = Vec::new();
        if single {
            v.push(BillingOption::SinglePart);
        }
        if two {
            v.push(BillingOption::TwoPart(BasicCharge::Capacity));
            v.push(BillingOption::TwoPart(BasicCharge::ActualDemand));
            for k in 0..=40 {
                let kw = kva * f64::from(k) / 40.0;
                v.push(BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }));
            }
        }
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn optimizer_is_never_beaten_by_a_legal_option(
            shape in prop::collection::vec(0.0..1.0f64, 24),
            scale in prop::collection::vec(0.0..1.0f64, 12),
            kva in prop_oneof![Just(80.0), Just(250.0), Just(630.0)],
            pf in 0.6..1.0f64,
            picks in prop::collection::vec(0usize..1000, 12),
        ) {
            let s = round_signal(StepLength::Hourly);
            let c = customer(kva, Some(PfStandard::Pf090));
            let load: Vec<f64> = year_load(&s, &shape, &scale).iter().map(|x| x * kva).collect();
            let q: Vec<f64> = load.iter().map(|x| x * (1.0 - pf * pf).sqrt() / pf).collect();
            let u = measure_usage(&s, &load, None, Reactive::SeriesKvar(&q)).unwrap();
            let opts = all_uniform_options(kva, &s);
            let tol = 1e-6;
            let mut totals = Vec::new();
            for period in [ChoicePeriod::Monthly, ChoicePeriod::Quarterly, ChoicePeriod::Yearly] {
                let r = optimize(&s, &c, &u, period).unwrap();
                prop_assert!(r.saving_yuan >= -tol);
                for o in &opts {
                    let b = bill_usage(&s, &c, &[*o; 12], &u).unwrap();
                    prop_assert!(r.bill.total_yuan <= b.total_yuan + tol,
                        "{:?}: {} > {} under {:?}", period, r.bill.total_yuan, b.total_yuan, o);
                }
                totals.push(r.bill.total_yuan);
            }
            // A free choice each month is never worse than a fixed one per quarter or year.
            prop_assert!(totals[0] <= totals[1] + tol && totals[1] <= totals[2] + tol);
            // Any month-by-month combination of legal options costs at least the monthly optimum.
            let mixed: [BillingOption; 12] = std::array::from_fn(|m| opts[picks[m] % opts.len()]);
            let b = bill_usage(&s, &c, &mixed, &u).unwrap();
            prop_assert!(totals[0] <= b.total_yuan + tol);
        }
    }
}

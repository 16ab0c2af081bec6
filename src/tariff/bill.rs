//! The monthly electricity bill (电费账单) of an industrial & commercial customer: energy charge
//! by TOU period and component, basic charge (基本电费), power-factor adjustment (力调电费),
//! government funds (政府性基金及附加) and the export credit for PV surplus.
//!
//! Owns the billing rules. Billing is two steps so that many options can be priced from one pass
//! over the series: [`measure_usage`] reduces the series to per-month, per-period sums
//! ([`YearUsage`]); [`bill_usage`] prices a [`YearUsage`] under a billing option per month. Must
//! not know how the series were made.
//!
//! # Rules implemented (sources in `docs/tariffs.md`)
//! * Energy charge: for each TOU period, kWh × Σ component prices; purchase is summed step by
//!   step (so a market price per step is honoured), the other components are monthly constants
//!   times the period multiplier when they float.
//! * Single-part (单一制) or two-part (两部制): two-part is compulsory from 315 kVA, optional for
//!   100-315 kVA, and not available below 100 kVA (thresholds from the tariff's `[rules]`;
//!   发改价格〔2023〕526号). Two-part uses the lower two-part T&D energy rate plus a basic charge.
//! * Basic charge, one of:
//!   - capacity (按容量): transformer kVA × capacity price [yuan/kVA-month];
//!   - actual maximum demand (按实际最大需量): the month's maximum demand × demand price, at
//!     least `actual_demand_floor_fraction` × kVA (0 in the shipped files: no floor);
//!   - declared (contract) demand (按合同最大需量), 发改办价格〔2016〕1583号: the declared value D is
//!     raised to `declared_demand_floor_fraction` (40 %) of kVA if below it; the charge is
//!     `D × price` when the maximum demand M ≤ 1.05 D, and
//!     `D × price + (M − 1.05 D) × 2 × price` when M > 1.05 D: only the part of the demand above
//!     105 % of the declared value is billed at double price, the band D..1.05 D is free.
//! * Maximum demand is the largest mean import power over one step of the data: the 15-min
//!   demand on quarter-hourly data (as metered in China), the hourly mean on hourly data (which
//!   understates a 15-min demand meter when load varies within the hour).
//! * Power-factor adjustment (83)水电财字第215号: the monthly power factor
//!   `kWh / sqrt(kWh² + kvarh²)` (import kWh, reactive energy as given), rounded half-up to 0.01,
//!   gives a fraction from [`super::pf_coefficients`]; it multiplies energy + basic charges,
//!   never funds. Without reactive data or without a standard there is no adjustment.
//! * Funds: import kWh × funds price, outside TOU and outside the adjustment.
//! * Export: exported kWh × export price, credited; import and export are metered separately in
//!   each step (no netting within a step).
//! * `charges_yuan = energy + basic + pf_adjust + funds` (the bill for grid electricity) and
//!   `total_yuan = charges_yuan − export_credit_yuan` (net payment). Amounts are not rounded to
//!   the fen; round when printing.
//!
//! Not modelled: the TOU scope limit (customers below 100 kVA are billed on TOU here too), the
//! 260 kWh/kVA-month demand-price discount of 发改价格〔2018〕732号, partial months
//! (减容/暂停), several incoming feeders, and the 1.5× agency price for users who leave the market.
//!
//! # References
//! [1] 国家发展改革委, "关于第三监管周期省级电网输配电价及有关事项的通知," 发改价格〔2023〕526号,
//!     May 2023. <https://zfxxgk.ndrc.gov.cn/wap/iteminfo.jsp?id=20233>
//! [2] 国家发展改革委办公厅, "关于完善两部制电价用户基本电价执行方式的通知,"
//!     发改办价格〔2016〕1583号, Jul. 2016.
//! [3] 湖南省发展和改革委员会, "关于优化我省分时电价政策有关事项的通知," 湘发改价调〔2025〕385号,
//!     Jul. 2025.
//! [4] 水利电力部, 国家物价局, 《功率因数调整电费办法》, (83)水电财字第215号, 1983.

use super::TariffError;
use super::data::{Component, TouPeriod, VoltageLevel};
use super::pf_coefficients::{PfStandard, adjustment_fraction, power_factor};
use super::signal::{EnergyRate, PriceSignal, check_series};

/// A customer as the tariff sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Customer {
    /// Transformer (and high-voltage motor) capacity 变压器容量 [kVA], > 0.
    pub transformer_kva: f64,
    /// Supply voltage level.
    pub voltage_level: VoltageLevel,
    /// Power-factor standard 力调考核标准, or `None` if the customer is not assessed.
    pub pf_standard: Option<PfStandard>,
}

/// How the basic charge (基本电费) of a two-part customer is computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BasicCharge {
    /// By transformer capacity (按容量) [kVA].
    Capacity,
    /// By the month's actual maximum demand (按实际最大需量).
    ActualDemand,
    /// By a declared (contract) maximum demand (按合同最大需量).
    DeclaredDemand {
        /// Declared demand [kW], in 0..=transformer kVA; raised to the 40 % floor if below.
        kw: f64,
    },
}

/// A billing option (电价执行方式).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BillingOption {
    /// Single-part tariff 单一制.
    SinglePart,
    /// Two-part tariff 两部制 with its basic-charge method.
    TwoPart(BasicCharge),
}

impl BillingOption {
    /// The T&D energy rate this option uses.
    pub fn energy_rate(&self) -> EnergyRate {
        match self {
            BillingOption::SinglePart => EnergyRate::SinglePart,
            BillingOption::TwoPart(_) => EnergyRate::TwoPart,
        }
    }
    /// Short description, e.g. `two-part, declared demand 500 kW`.
    pub fn describe(&self) -> String {
        match self {
            BillingOption::SinglePart => "single-part".into(),
            BillingOption::TwoPart(BasicCharge::Capacity) => "two-part, capacity".into(),
            BillingOption::TwoPart(BasicCharge::ActualDemand) => {
                "two-part, actual maximum demand".into()
            }
            BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }) => {
                format!("two-part, declared demand {kw} kW")
            }
        }
    }
}

/// Reactive-energy input for the power-factor adjustment.
#[derive(Debug, Clone, Copy)]
pub enum Reactive<'a> {
    /// No reactive data: no power-factor adjustment.
    None,
    /// Reactive power per step [kvar], magnitude (inductive and capacitive both counted).
    SeriesKvar(&'a [f64]),
    /// Reactive energy per month, January..December [kvarh].
    MonthlyKvarh([f64; 12]),
}

/// One month's metered quantities, independent of the billing option.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MonthUsage {
    /// Imported energy per TOU period (critical, peak, flat, valley) [kWh].
    pub kwh: [f64; 4],
    /// Purchase-energy cost per TOU period, Σ import × purchase price [yuan].
    pub purchase_yuan: [f64; 4],
    /// Exported energy [kWh].
    pub export_kwh: f64,
    /// Maximum mean import power over one step [kW].
    pub max_demand_kw: f64,
    /// Reactive energy [kvarh], if known.
    pub kvarh: Option<f64>,
}

impl MonthUsage {
    /// Imported energy of the month [kWh].
    pub fn import_kwh(&self) -> f64 {
        self.kwh.iter().sum()
    }
}

/// A year of monthly usage.
#[derive(Debug, Clone, PartialEq)]
pub struct YearUsage {
    /// January..December.
    pub months: [MonthUsage; 12],
}

/// One month's bill [yuan].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthBill {
    /// Month (1-12).
    pub month: u8,
    /// The billing option applied.
    pub option: BillingOption,
    /// Imported energy in the critical peak 尖峰 [kWh].
    pub kwh_critical: f64,
    /// Imported energy in the peak 高峰 [kWh].
    pub kwh_peak: f64,
    /// Imported energy in the flat period 平段 [kWh].
    pub kwh_flat: f64,
    /// Imported energy in the valley 低谷 [kWh].
    pub kwh_valley: f64,
    /// Total imported energy [kWh].
    pub kwh_import: f64,
    /// Exported energy [kWh].
    pub kwh_export: f64,
    /// Energy charge per period (critical, peak, flat, valley), without funds [yuan].
    pub energy_by_period_yuan: [f64; 4],
    /// Energy charge per component (purchase, line loss, T&D, system operation) [yuan].
    pub energy_by_component_yuan: [f64; 4],
    /// Energy charge 电度电费, without funds [yuan].
    pub energy_yuan: f64,
    /// Basic charge 基本电费 [yuan].
    pub basic_yuan: f64,
    /// Quantity the basic charge was billed on: kVA for capacity, kW for demand (0 single-part).
    pub basic_billed_quantity: f64,
    /// Demand above the 105 % threshold, billed at double price [kW] (declared demand only).
    pub demand_excess_kw: f64,
    /// Maximum demand of the month [kW].
    pub max_demand_kw: f64,
    /// Monthly power factor [-], if reactive data was given and energy was imported.
    pub power_factor: Option<f64>,
    /// Power-factor adjustment as a fraction of energy + basic (+ = surcharge).
    pub pf_adjust_fraction: f64,
    /// Power-factor adjustment 力调电费 [yuan].
    pub pf_adjust_yuan: f64,
    /// Government funds and surcharges [yuan].
    pub funds_yuan: f64,
    /// Credit for exported energy [yuan].
    pub export_credit_yuan: f64,
    /// energy + basic + pf_adjust + funds [yuan].
    pub charges_yuan: f64,
    /// charges − export credit, the net payment [yuan].
    pub total_yuan: f64,
}

/// A year of monthly bills with totals.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualBill {
    /// January..December.
    pub months: Vec<MonthBill>,
    /// Imported energy [kWh].
    pub kwh_import: f64,
    /// Exported energy [kWh].
    pub kwh_export: f64,
    /// Energy charges [yuan].
    pub energy_yuan: f64,
    /// Basic charges [yuan].
    pub basic_yuan: f64,
    /// Power-factor adjustments [yuan].
    pub pf_adjust_yuan: f64,
    /// Funds [yuan].
    pub funds_yuan: f64,
    /// Export credit [yuan].
    pub export_credit_yuan: f64,
    /// Σ charges (energy + basic + pf_adjust + funds) [yuan].
    pub charges_yuan: f64,
    /// Σ total (charges − export credit) [yuan].
    pub total_yuan: f64,
    /// Comprehensive average price 综合平均电价 = charges / imported kWh (0 without import)
    /// [yuan/kWh].
    pub average_price_yuan_per_kwh: f64,
}

impl AnnualBill {
    /// Sum monthly bills into an annual bill.
    pub fn from_months(months: Vec<MonthBill>) -> AnnualBill {
        let s = |f: fn(&MonthBill) -> f64| months.iter().map(f).sum::<f64>();
        let kwh_import = s(|m| m.kwh_import);
        let charges_yuan = s(|m| m.charges_yuan);
        AnnualBill {
            kwh_import,
            kwh_export: s(|m| m.kwh_export),
            energy_yuan: s(|m| m.energy_yuan),
            basic_yuan: s(|m| m.basic_yuan),
            pf_adjust_yuan: s(|m| m.pf_adjust_yuan),
            funds_yuan: s(|m| m.funds_yuan),
            export_credit_yuan: s(|m| m.export_credit_yuan),
            charges_yuan,
            total_yuan: s(|m| m.total_yuan),
            average_price_yuan_per_kwh: if kwh_import > 0.0 {
                charges_yuan / kwh_import
            } else {
                0.0
            },
            months,
        }
    }
}

/// Reduce import, export and reactive series to monthly per-period sums, in one pass.
///
/// # Arguments
/// * `signal` - the price signal on the calendar of the series
/// * `import_kw` - grid import per step [kW], finite and >= 0
/// * `export_kw` - grid export per step [kW], finite and >= 0, or `None`
/// * `reactive` - reactive data for the power factor
///
/// # Errors
/// [`TariffError::SeriesLength`] or [`TariffError::BadSeriesValue`] for a bad series.
pub fn measure_usage(
    signal: &PriceSignal,
    import_kw: &[f64],
    export_kw: Option<&[f64]>,
    reactive: Reactive<'_>,
) -> Result<YearUsage, TariffError> {
    let n = signal.n_steps();
    check_lengths(n, import_kw, export_kw, reactive)?;
    let h = signal.step_hours();
    let purchase = signal.purchase_yuan_per_kwh();
    let mut months = [MonthUsage::default(); 12];
    // Values are checked through the sums: a negative value lowers the minimum, a NaN or an
    // infinity makes the sum non-finite. The slow check runs only to name the bad step.
    let mut ok = true;
    for (m, mu) in months.iter_mut().enumerate() {
        let (a, b) = signal.month_range(m as u8 + 1);
        let (mut kwh, mut pur, mx, mn) = month_sums(
            &import_kw[a..b],
            &signal.period_indices()[a..b],
            &purchase[a..b],
            signal.steps_per_day(),
        );
        ok &= mn >= 0.0 && kwh.iter().sum::<f64>().is_finite();
        for p in 0..4 {
            kwh[p] *= h;
            pur[p] *= h;
        }
        mu.kwh = kwh;
        mu.purchase_yuan = pur;
        mu.max_demand_kw = mx;
        mu.export_kwh = match export_kw {
            Some(e) => {
                let (s, lo) = sum_min(&e[a..b]);
                ok &= lo >= 0.0 && s.is_finite();
                s * h
            }
            None => 0.0,
        };
        mu.kvarh = match reactive {
            Reactive::None => None,
            Reactive::SeriesKvar(q) => {
                let (s, lo) = sum_min(&q[a..b]);
                ok &= lo >= 0.0 && s.is_finite();
                Some(s * h)
            }
            Reactive::MonthlyKvarh(q) => Some(q[m]),
        };
    }
    if !ok {
        check_series("import_kw", "kW", import_kw, n)?;
        if let Some(e) = export_kw {
            check_series("export_kw", "kW", e, n)?;
        }
        if let Reactive::SeriesKvar(q) = reactive {
            check_series("reactive_kvar", "kvar", q, n)?;
        }
    }
    Ok(YearUsage { months })
}

/// Check series lengths and monthly reactive values (series values are checked in the pass).
fn check_lengths(
    n: usize,
    import_kw: &[f64],
    export_kw: Option<&[f64]>,
    reactive: Reactive<'_>,
) -> Result<(), TariffError> {
    for (name, unit, series) in [
        ("import_kw", "kW", Some(import_kw)),
        ("export_kw", "kW", export_kw),
        (
            "reactive_kvar",
            "kvar",
            match reactive {
                Reactive::SeriesKvar(q) => Some(q),
                _ => None,
            },
        ),
    ] {
        if let Some(x) = series
            && x.len() != n
        {
            check_series(name, unit, x, n)?;
        }
    }
    if let Reactive::MonthlyKvarh(q) = reactive
        && let Some(m) = q.iter().position(|v| !(v.is_finite() && *v >= 0.0))
    {
        return Err(TariffError::BadSeriesValue {
            name: "monthly_kvarh",
            step: m,
            value: q[m],
            unit: "kvarh",
        });
    }
    Ok(())
}

/// Per-period sums of import [kW·steps] and import × purchase price, maximum and minimum of
/// import, over one month of whole days.
///
/// The TOU period of a step depends only on the month and the step of the day (as built by
/// [`PriceSignal::new`]; a test checks it), and months are whole days, so the month is
/// first folded onto the steps of a day (`spd` accumulators per quantity, one vector add per
/// day: no dependency chain between steps, vectorisable), then each step of the day is added to
/// its period. A NaN or infinity makes the sums non-finite.
fn month_sums(imp: &[f64], per: &[u8], pur: &[f64], spd: usize) -> ([f64; 4], [f64; 4], f64, f64) {
    const MAX_SPD: usize = 96;
    let spd = spd.clamp(1, MAX_SPD);
    let (mut hs, mut hc) = ([0.0; MAX_SPD], [0.0; MAX_SPD]);
    let (mut hmx, mut hmn) = ([0.0_f64; MAX_SPD], [0.0_f64; MAX_SPD]);
    let days = imp.chunks_exact(spd).zip(pur.chunks_exact(spd));
    for (e, c) in days {
        let acc = hs[..spd]
            .iter_mut()
            .zip(&mut hc[..spd])
            .zip(hmx[..spd].iter_mut().zip(&mut hmn[..spd]));
        for (((s, sc), (mx, mn)), (&e, &c)) in acc.zip(e.iter().zip(c)) {
            *s += e;
            *sc += e * c;
            *mx = if e > *mx { e } else { *mx };
            *mn = if e < *mn { e } else { *mn };
        }
    }
    let (mut kwh, mut cost, mut mx, mut mn) = ([0.0; 4], [0.0; 4], 0.0_f64, 0.0_f64);
    for k in 0..spd.min(per.len()) {
        let p = usize::from(per[k] & 3);
        kwh[p] += hs[k];
        cost[p] += hc[k];
        mx = if hmx[k] > mx { hmx[k] } else { mx };
        mn = if hmn[k] < mn { hmn[k] } else { mn };
    }
    (kwh, cost, mx, mn)
}

/// Sum and minimum of a slice with four independent lanes (vectorisable).
fn sum_min(x: &[f64]) -> (f64, f64) {
    let mut s = [0.0; 4];
    let mut lo = [0.0_f64; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for k in 0..4 {
            s[k] += c[k];
            lo[k] = if c[k] < lo[k] { c[k] } else { lo[k] };
        }
    }
    for &v in rest {
        s[0] += v;
        lo[0] = if v < lo[0] { v } else { lo[0] };
    }
    (
        s[0] + s[1] + s[2] + s[3],
        lo[0].min(lo[1]).min(lo[2]).min(lo[3]),
    )
}

/// Whether single-part and two-part are allowed for a transformer capacity, under a tariff's
/// rules: `(single_part_allowed, two_part_allowed)`.
pub fn allowed_energy_rates(signal: &PriceSignal, transformer_kva: f64) -> (bool, bool) {
    let r = signal.tariff().rules();
    (
        transformer_kva < r.two_part_mandatory_from_kva,
        transformer_kva >= r.two_part_optional_from_kva,
    )
}

fn check_customer(c: &Customer) -> Result<(), TariffError> {
    if c.transformer_kva.is_finite() && c.transformer_kva > 0.0 {
        Ok(())
    } else {
        Err(TariffError::InvalidParameter {
            name: "customer.transformer_kva",
            value: c.transformer_kva,
            unit: "kVA",
            range: "finite and > 0".into(),
        })
    }
}

/// Check that a billing option is legal for a customer under the signal's tariff rules.
///
/// # Errors
/// [`TariffError::IllegalOption`] when the energy rate is not allowed for the capacity;
/// [`TariffError::InvalidParameter`] for a declared demand outside 0..=transformer kVA or a bad
/// capacity.
pub fn check_option(
    signal: &PriceSignal,
    customer: &Customer,
    option: &BillingOption,
) -> Result<(), TariffError> {
    check_customer(customer)?;
    let r = signal.tariff().rules();
    let (single, two) = allowed_energy_rates(signal, customer.transformer_kva);
    let illegal = |reason| TariffError::IllegalOption {
        option: option.describe(),
        kva: customer.transformer_kva,
        reason,
        optional_kva: r.two_part_optional_from_kva,
        mandatory_kva: r.two_part_mandatory_from_kva,
    };
    match option {
        BillingOption::SinglePart if !single => {
            Err(illegal("two-part is compulsory at this capacity"))
        }
        BillingOption::TwoPart(_) if !two => Err(illegal(
            "two-part is not available below the optional threshold",
        )),
        BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw })
            if !(kw.is_finite() && *kw >= 0.0 && *kw <= customer.transformer_kva) =>
        {
            Err(TariffError::InvalidParameter {
                name: "declared_demand_kw",
                value: *kw,
                unit: "kW",
                range: format!(
                    "in 0..={} (the transformer capacity)",
                    customer.transformer_kva
                ),
            })
        }
        _ => Ok(()),
    }
}

/// Price one month's usage under an option. The option is assumed legal (see [`check_option`]).
///
/// # Arguments
/// * `signal` - the signal the usage was measured on (its tariff and voltage level are used;
///   the T&D energy rate follows `option`, not the signal)
/// * `customer` - capacity and power-factor standard
/// * `option` - the billing option of the month
/// * `month` - 1-12
/// * `usage` - the month's usage
pub fn bill_month(
    signal: &PriceSignal,
    customer: &Customer,
    option: &BillingOption,
    month: u8,
    usage: &MonthUsage,
) -> MonthBill {
    let t = signal.tariff();
    let vp = signal.voltage_prices();
    let r = t.rules();
    let two = matches!(option, BillingOption::TwoPart(_));
    let mut by_period = [0.0; 4];
    let mut by_comp = [0.0; 4];
    for p in TouPeriod::ALL {
        let i = p.index();
        let kwh = usage.kwh[i];
        by_comp[0] += usage.purchase_yuan[i];
        by_period[i] += usage.purchase_yuan[i];
        for c in &Component::ALL[1..] {
            let base = t.base_price(*c, month, vp, two);
            let price = if t.floats(*c) {
                base * t.multiplier(p)
            } else {
                base
            };
            by_comp[*c as usize] += kwh * price;
            by_period[i] += kwh * price;
        }
    }
    let energy_yuan: f64 = by_period.iter().sum();
    let kva = customer.transformer_kva;
    let dp = vp.demand_yuan_per_kw_month;
    let m = usage.max_demand_kw;
    let (basic_yuan, basic_billed_quantity, demand_excess_kw) = match option {
        BillingOption::SinglePart => (0.0, 0.0, 0.0),
        BillingOption::TwoPart(BasicCharge::Capacity) => {
            (kva * vp.capacity_yuan_per_kva_month, kva, 0.0)
        }
        BillingOption::TwoPart(BasicCharge::ActualDemand) => {
            let q = m.max(r.actual_demand_floor_fraction * kva);
            (q * dp, q, 0.0)
        }
        BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw }) => {
            let d = kw.max(r.declared_demand_floor_fraction * kva);
            let excess = (m - r.demand_excess_threshold_fraction * d).max(0.0);
            (
                d * dp + excess * r.demand_excess_price_multiplier * dp,
                d,
                excess,
            )
        }
    };
    let kwh_import = usage.import_kwh();
    let pf = usage.kvarh.and_then(|q| power_factor(kwh_import, q));
    let pf_adjust_fraction = match (customer.pf_standard, pf) {
        (Some(s), Some(pf)) => adjustment_fraction(s, pf),
        _ => 0.0,
    };
    let pf_adjust_yuan = (energy_yuan + basic_yuan) * pf_adjust_fraction;
    let funds_yuan = kwh_import * t.funds_yuan_per_kwh();
    let export_credit_yuan = usage.export_kwh * t.export_yuan_per_kwh();
    let charges_yuan = energy_yuan + basic_yuan + pf_adjust_yuan + funds_yuan;
    MonthBill {
        month,
        option: *option,
        kwh_critical: usage.kwh[0],
        kwh_peak: usage.kwh[1],
        kwh_flat: usage.kwh[2],
        kwh_valley: usage.kwh[3],
        kwh_import,
        kwh_export: usage.export_kwh,
        energy_by_period_yuan: by_period,
        energy_by_component_yuan: by_comp,
        energy_yuan,
        basic_yuan,
        basic_billed_quantity,
        demand_excess_kw,
        max_demand_kw: m,
        power_factor: pf,
        pf_adjust_fraction,
        pf_adjust_yuan,
        funds_yuan,
        export_credit_yuan,
        charges_yuan,
        total_yuan: charges_yuan - export_credit_yuan,
    }
}

/// Price a year of usage with one billing option per month.
///
/// # Errors
/// As [`check_option`], for any month's option; [`TariffError::InvalidParameter`] when the
/// customer's voltage level differs from the signal's.
pub fn bill_usage(
    signal: &PriceSignal,
    customer: &Customer,
    options: &[BillingOption; 12],
    usage: &YearUsage,
) -> Result<AnnualBill, TariffError> {
    check_voltage(signal, customer)?;
    for o in options {
        check_option(signal, customer, o)?;
    }
    Ok(bill_usage_unchecked(signal, customer, options, usage))
}

pub(crate) fn bill_usage_unchecked(
    signal: &PriceSignal,
    customer: &Customer,
    options: &[BillingOption; 12],
    usage: &YearUsage,
) -> AnnualBill {
    let months = (0..12)
        .map(|m| bill_month(signal, customer, &options[m], m as u8 + 1, &usage.months[m]))
        .collect();
    AnnualBill::from_months(months)
}

/// Bill a year of series under one billing option: [`measure_usage`] then [`bill_usage`].
///
/// # Arguments
/// * `signal` - price signal on the series' calendar
/// * `customer` - capacity, voltage level (must match the signal's) and PF standard
/// * `option` - billing option for every month
/// * `import_kw`, `export_kw`, `reactive` - as in [`measure_usage`]
///
/// # Errors
/// Series errors of [`measure_usage`], option errors of [`check_option`], and
/// [`TariffError::InvalidParameter`] when the customer's voltage level differs from the signal's.
pub fn bill_year(
    signal: &PriceSignal,
    customer: &Customer,
    option: BillingOption,
    import_kw: &[f64],
    export_kw: Option<&[f64]>,
    reactive: Reactive<'_>,
) -> Result<AnnualBill, TariffError> {
    check_voltage(signal, customer)?;
    let usage = measure_usage(signal, import_kw, export_kw, reactive)?;
    bill_usage(signal, customer, &[option; 12], &usage)
}

pub(crate) fn check_voltage(signal: &PriceSignal, customer: &Customer) -> Result<(), TariffError> {
    if signal.voltage_level() == customer.voltage_level {
        return Ok(());
    }
    Err(TariffError::InvalidParameter {
        name: "customer.voltage_level",
        value: f64::NAN,
        unit: "",
        range: format!(
            "the signal's level `{}` (got `{}`); build the signal for the customer's level",
            signal.voltage_level().key(),
            customer.voltage_level.key()
        ),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::calendar::{Calendar, StepLength};
    use crate::tariff::data::{builtin_value, from_toml_value, merge_override};
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    /// Tolerance for hand-computed bills: well under one fen [yuan].
    const FEN: f64 = 1e-4;

    /// hunan-2025 hours and ratios with round prices: purchase 0.40, line loss 0.02, system
    /// operation 0.03, funds 0.05; kv1_10 T&D 0.25 single / 0.15 two-part, capacity 22, demand 35.
    pub(crate) fn round_signal(step: StepLength) -> PriceSignal {
        let mut v = builtin_value("hunan-2025").unwrap();
        let o = r#"
            [energy.purchase]
            yuan_per_kwh = [0.40,0.40,0.40,0.40,0.40,0.40,0.40,0.40,0.40,0.40,0.40,0.40]
            [energy.line_loss]
            yuan_per_kwh = [0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02,0.02]
            [energy.system_operation]
            yuan_per_kwh = [0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03,0.03]
            [energy.funds]
            yuan_per_kwh = 0.05
            [voltage.kv1_10]
            single_part_yuan_per_kwh = 0.25
            two_part_yuan_per_kwh = 0.15
            capacity_yuan_per_kva_month = 22.0
            demand_yuan_per_kw_month = 35.0
        "#;
        merge_override(&mut v, &toml::Value::Table(o.parse().unwrap()));
        let t = from_toml_value(v).unwrap();
        let cal = Calendar::without_holidays(2025, step, 8.0);
        PriceSignal::new(&cal, &t, EnergyRate::SinglePart, VoltageLevel::Kv1To10).unwrap()
    }

    /// `kw` in every step of `month`, zero elsewhere.
    pub(crate) fn month_load(s: &PriceSignal, month: u8, kw: f64) -> Vec<f64> {
        let mut v = vec![0.0; s.n_steps()];
        let (a, b) = s.month_range(month);
        v[a..b].iter_mut().for_each(|x| *x = kw);
        v
    }

    fn customer(kva: f64, pf: Option<PfStandard>) -> Customer {
        Customer {
            transformer_kva: kva,
            voltage_level: VoltageLevel::Kv1To10,
            pf_standard: pf,
        }
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "predates the six-parameter limit of clippy.toml"
    )]
    fn bill1(
        s: &PriceSignal,
        c: &Customer,
        o: BillingOption,
        load: &[f64],
        export: Option<&[f64]>,
        q: Reactive<'_>,
        month: u8,
    ) -> MonthBill {
        bill_year(s, c, o, load, export, q).unwrap().months[usize::from(month) - 1]
    }

    const CAP: BillingOption = BillingOption::TwoPart(BasicCharge::Capacity);
    const ACT: BillingOption = BillingOption::TwoPart(BasicCharge::ActualDemand);

    #[test]
    fn critical_peak_month_single_part() {
        // July 2025, 31 days, 100 kW flat, single-part, 200 kVA, no reactive data.
        // Hours per day: V 8, F 8, P 4 (16-20), C 4 (20-24).
        // kWh: V = F = 31*8*100 = 24800; P = C = 31*4*100 = 12400; total 74400.
        // Floating price base: 0.40 + 0.02 + 0.25 = 0.67; system operation 0.03 flat.
        // Weighted kWh: 24800*0.4 + 24800*1 + 12400*1.6 + 12400*1.92 = 78368.
        // Energy = 0.67*78368 + 0.03*74400 = 52506.56 + 2232 = 54738.56
        // Critical part = 12400*(0.67*1.92 + 0.03) = 12400*1.3164 = 16323.36
        // Funds = 74400*0.05 = 3720; total = 58458.56
        let s = round_signal(StepLength::Hourly);
        let b = bill1(
            &s,
            &customer(200.0, None),
            BillingOption::SinglePart,
            &month_load(&s, 7, 100.0),
            None,
            Reactive::None,
            7,
        );
        assert_relative_eq!(b.kwh_critical, 12400.0, epsilon = FEN);
        assert_relative_eq!(b.kwh_peak, 12400.0, epsilon = FEN);
        assert_relative_eq!(b.kwh_valley, 24800.0, epsilon = FEN);
        assert_relative_eq!(b.energy_yuan, 54738.56, epsilon = FEN);
        assert_relative_eq!(b.energy_by_period_yuan[0], 16323.36, epsilon = FEN);
        assert_relative_eq!(b.funds_yuan, 3720.0, epsilon = FEN);
        assert_relative_eq!(b.total_yuan, 58458.56, epsilon = FEN);
        assert_relative_eq!(b.basic_yuan, 0.0);
    }

    #[test]
    fn single_versus_two_part() {
        // March 2025, 31 days, 100 kW flat, 200 kVA (both allowed). Mean multiplier 1.0:
        // weighted kWh = 3100*(8*0.4 + 8 + 8*1.6) = 74400.
        // Single: 74400*(0.40+0.02+0.25+0.03) = 74400*0.70 = 52080.
        // Two-part energy: 74400*(0.40+0.02+0.15+0.03) = 74400*0.60 = 44640;
        //   capacity basic 200*22 = 4400 -> 49040; actual demand 100*35 = 3500 -> 48140.
        let s = round_signal(StepLength::Hourly);
        let load = month_load(&s, 3, 100.0);
        let c = customer(200.0, None);
        let single = bill1(
            &s,
            &c,
            BillingOption::SinglePart,
            &load,
            None,
            Reactive::None,
            3,
        );
        let cap = bill1(&s, &c, CAP, &load, None, Reactive::None, 3);
        let act = bill1(&s, &c, ACT, &load, None, Reactive::None, 3);
        assert_relative_eq!(single.energy_yuan, 52080.0, epsilon = FEN);
        assert_relative_eq!(cap.energy_yuan, 44640.0, epsilon = FEN);
        assert_relative_eq!(cap.basic_yuan, 4400.0, epsilon = FEN);
        assert_relative_eq!(cap.total_yuan, 49040.0 + 3720.0, epsilon = FEN);
        assert_relative_eq!(act.basic_yuan, 3500.0, epsilon = FEN);
        assert_relative_eq!(
            act.energy_by_component_yuan[2],
            74400.0 * 0.15,
            epsilon = FEN
        );
        // The option's T&D rate is used even though the signal was built single-part.
        assert_eq!(s.energy_rate(), EnergyRate::SinglePart);
    }

    #[test]
    fn capacity_versus_actual_demand_crossover() {
        // 1000 kVA: capacity basic = 1000*22 = 22000 whatever the load.
        // Actual demand: 600 kW -> 21000 (cheaper); 700 kW -> 24500 (dearer);
        // break-even at 22000/35 = 628.571... kW.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, None);
        for (kw, act_basic) in [
            (600.0, 21000.0),
            (700.0, 24500.0),
            (22000.0 / 35.0, 22000.0),
        ] {
            let load = month_load(&s, 3, kw);
            let cap = bill1(&s, &c, CAP, &load, None, Reactive::None, 3);
            let act = bill1(&s, &c, ACT, &load, None, Reactive::None, 3);
            assert_relative_eq!(cap.basic_yuan, 22000.0, epsilon = FEN);
            assert_relative_eq!(act.basic_yuan, act_basic, epsilon = FEN);
            assert_relative_eq!(act.max_demand_kw, kw, epsilon = 1e-9);
        }
    }

    #[test]
    fn declared_demand_105_percent_penalty() {
        // 1000 kVA, declared 500 kW (above the 400 kW floor). Threshold 1.05*500 = 525 kW.
        // Max demand 600: excess 75 kW; basic = 500*35 + 75*2*35 = 17500 + 5250 = 22750.
        // Max demand 520 (inside 500..525): basic = 500*35 = 17500, no excess.
        // Max demand 300 (below declared): still 17500.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, None);
        let o = BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw: 500.0 });
        for (kw, basic, excess) in [
            (600.0, 22750.0, 75.0),
            (520.0, 17500.0, 0.0),
            (300.0, 17500.0, 0.0),
        ] {
            let b = bill1(&s, &c, o, &month_load(&s, 3, kw), None, Reactive::None, 3);
            assert_relative_eq!(b.basic_yuan, basic, epsilon = FEN);
            assert_relative_eq!(b.demand_excess_kw, excess, epsilon = 1e-9);
        }
    }

    #[test]
    fn declared_demand_40_percent_floor() {
        // 1000 kVA, declared 300 kW < 40 % floor -> billed on 400 kW; threshold 420 kW.
        // Max 350: basic = 400*35 = 14000. Max 450: 14000 + (450-420)*2*35 = 14000 + 2100 = 16100.
        let s = round_signal(StepLength::Hourly);
        let c = customer(1000.0, None);
        let o = BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw: 300.0 });
        let b = bill1(
            &s,
            &c,
            o,
            &month_load(&s, 3, 350.0),
            None,
            Reactive::None,
            3,
        );
        assert_relative_eq!(b.basic_yuan, 14000.0, epsilon = FEN);
        assert_relative_eq!(b.basic_billed_quantity, 400.0, epsilon = 1e-9);
        let b = bill1(
            &s,
            &c,
            o,
            &month_load(&s, 3, 450.0),
            None,
            Reactive::None,
            3,
        );
        assert_relative_eq!(b.basic_yuan, 16100.0, epsilon = FEN);
    }

    fn kvarh_for_pf(kwh: f64, pf: f64) -> [f64; 12] {
        // Q = P * tan(acos(pf)) = P * sqrt(1 - pf^2) / pf
        let mut q = [0.0; 12];
        q[2] = kwh * (1.0 - pf * pf).sqrt() / pf;
        q
    }

    #[test]
    fn power_factor_standard_0_90_penalty_and_bonus() {
        // March, single-part, 200 kVA, 100 kW: energy 52080, funds 3720 (see single_versus_two_part).
        // PF 0.80 (Q = 0.75 P = 55800 kvarh): +0.5 % x 10 = +5 % -> +2604.0; total 58404.0.
        // PF 0.96 (Q = P*0.28/0.96 = 21700 kvarh): -0.75 % -> -390.6; total 55409.4.
        // Funds are not adjusted.
        let s = round_signal(StepLength::Hourly);
        let c = customer(200.0, Some(PfStandard::Pf090));
        let load = month_load(&s, 3, 100.0);
        let b = bill1(
            &s,
            &c,
            BillingOption::SinglePart,
            &load,
            None,
            Reactive::MonthlyKvarh(kvarh_for_pf(74400.0, 0.80)),
            3,
        );
        assert_relative_eq!(b.power_factor.unwrap(), 0.80, epsilon = 1e-12);
        assert_relative_eq!(b.pf_adjust_yuan, 2604.0, epsilon = FEN);
        assert_relative_eq!(b.total_yuan, 58404.0, epsilon = FEN);
        let b = bill1(
            &s,
            &c,
            BillingOption::SinglePart,
            &load,
            None,
            Reactive::MonthlyKvarh(kvarh_for_pf(74400.0, 0.96)),
            3,
        );
        assert_relative_eq!(b.pf_adjust_yuan, -390.6, epsilon = FEN);
        assert_relative_eq!(b.total_yuan, 55409.4, epsilon = FEN);
    }

    #[test]
    fn power_factor_standard_0_85_penalty_and_bonus_on_two_part() {
        // March, two-part capacity, 200 kVA, 100 kW: energy 44640 + basic 4400 = 49040.
        // PF 0.80 under 0.85: +0.5 % x 5 = +2.5 % -> 1226.0.
        // PF 0.96 under 0.85: -1.1 % (maximum) -> -539.44.
        let s = round_signal(StepLength::Hourly);
        let c = customer(200.0, Some(PfStandard::Pf085));
        let load = month_load(&s, 3, 100.0);
        let b = bill1(
            &s,
            &c,
            CAP,
            &load,
            None,
            Reactive::MonthlyKvarh(kvarh_for_pf(74400.0, 0.80)),
            3,
        );
        assert_relative_eq!(b.pf_adjust_yuan, 1226.0, epsilon = FEN);
        assert_relative_eq!(b.total_yuan, 49040.0 + 1226.0 + 3720.0, epsilon = FEN);
        let b = bill1(
            &s,
            &c,
            CAP,
            &load,
            None,
            Reactive::MonthlyKvarh(kvarh_for_pf(74400.0, 0.96)),
            3,
        );
        assert_relative_eq!(b.pf_adjust_yuan, -539.44, epsilon = FEN);
    }

    #[test]
    fn power_factor_standard_0_80_penalty_and_bonus() {
        // March, single-part, energy 52080.
        // PF 0.75 under 0.80: +2.5 % -> 1302.0. PF 0.96: -1.3 % -> -677.04. PF 0.80: 0.
        let s = round_signal(StepLength::Hourly);
        let c = customer(200.0, Some(PfStandard::Pf080));
        let load = month_load(&s, 3, 100.0);
        for (pf, adj) in [(0.75, 1302.0), (0.96, -677.04), (0.80, 0.0)] {
            let b = bill1(
                &s,
                &c,
                BillingOption::SinglePart,
                &load,
                None,
                Reactive::MonthlyKvarh(kvarh_for_pf(74400.0, pf)),
                3,
            );
            assert_relative_eq!(b.pf_adjust_yuan, adj, epsilon = FEN);
        }
    }

    #[test]
    fn funds_and_export_credit() {
        // March, single-part, 200 kVA, import 100 kW all month, export 20 kW at 10, 11, 12 h
        // every day (metered separately, not netted). Export kWh = 31*3*20 = 1860;
        // credit = 1860*0.45 = 837. Funds on import only: 74400*0.05 = 3720.
        // total = 52080 + 3720 - 837 = 54963.
        let s = round_signal(StepLength::Hourly);
        let load = month_load(&s, 3, 100.0);
        let mut exp = vec![0.0; s.n_steps()];
        let (a, b) = s.month_range(3);
        for (i, x) in exp[a..b].iter_mut().enumerate() {
            if (10..13).contains(&(i % 24)) {
                *x = 20.0;
            }
        }
        let m = bill1(
            &s,
            &customer(200.0, None),
            BillingOption::SinglePart,
            &load,
            Some(&exp),
            Reactive::None,
            3,
        );
        assert_relative_eq!(m.kwh_export, 1860.0, epsilon = FEN);
        assert_relative_eq!(m.export_credit_yuan, 837.0, epsilon = FEN);
        assert_relative_eq!(m.funds_yuan, 3720.0, epsilon = FEN);
        assert_relative_eq!(m.charges_yuan, 55800.0, epsilon = FEN);
        assert_relative_eq!(m.total_yuan, 54963.0, epsilon = FEN);
    }

    #[test]
    fn quarter_hour_demand_and_market_purchase_price() {
        // Quarter-hourly March, 100 kW with one 15-min spike of 400 kW: max demand 400 kW
        // (an hourly mean would give 175). Actual-demand basic = 400*35 = 14000.
        let s = round_signal(StepLength::QuarterHourly);
        let mut load = month_load(&s, 3, 100.0);
        let (a, _) = s.month_range(3);
        load[a + 50] = 400.0;
        let m = bill1(
            &s,
            &customer(200.0, None),
            ACT,
            &load,
            None,
            Reactive::None,
            3,
        );
        assert_relative_eq!(m.max_demand_kw, 400.0);
        assert_relative_eq!(m.basic_yuan, 14000.0, epsilon = FEN);
        // Market purchase price 0.30 flat (no TOU on it): purchase part = 74400*0.30 = 22320
        // (+ the spike's extra 300 kW * 0.25 h = 75 kWh * 0.30 = 22.5).
        let s = s.with_purchase_price(&vec![0.30; 35040]).unwrap();
        let m = bill1(
            &s,
            &customer(200.0, None),
            ACT,
            &load,
            None,
            Reactive::None,
            3,
        );
        assert_relative_eq!(m.energy_by_component_yuan[0], 22320.0 + 22.5, epsilon = FEN);
    }

    #[test]
    fn illegal_options_are_refused() {
        let s = round_signal(StepLength::Hourly);
        let load = month_load(&s, 3, 10.0);
        let r = bill_year(&s, &customer(50.0, None), CAP, &load, None, Reactive::None);
        assert!(matches!(r, Err(TariffError::IllegalOption { .. })));
        let r = bill_year(
            &s,
            &customer(400.0, None),
            BillingOption::SinglePart,
            &load,
            None,
            Reactive::None,
        );
        assert!(r.unwrap_err().to_string().contains("compulsory"));
        let o = BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw: 500.0 });
        let r = bill_year(&s, &customer(400.0, None), o, &load, None, Reactive::None);
        assert!(matches!(
            r,
            Err(TariffError::InvalidParameter {
                name: "declared_demand_kw",
                ..
            })
        ));
        let mut bad = load.clone();
        bad[7] = -1.0;
        let r = bill_year(&s, &customer(400.0, None), CAP, &bad, None, Reactive::None);
        assert!(matches!(
            r,
            Err(TariffError::BadSeriesValue { step: 7, .. })
        ));
        let r = bill_year(
            &s,
            &customer(400.0, None),
            CAP,
            &load[1..],
            None,
            Reactive::None,
        );
        assert!(matches!(r, Err(TariffError::SeriesLength { .. })));
        let mut c = customer(400.0, None);
        c.voltage_level = VoltageLevel::Kv35;
        assert!(bill_year(&s, &c, CAP, &load, None, Reactive::None).is_err());
    }

    #[test]
    fn annual_totals_and_average_price() {
        // 100 kW all year, single-part: Σ kWh = 876000; months without critical peak cost
        // 0.70 per kWh; Jan, Jul, Aug, Dec add 0.67*0.32*4 h*100 kW per day (critical uplift).
        // Jan/Dec/Jul/Aug have 31 days; the 4 critical hours replace peak hours, so the uplift is
        // 0.67*(1.92-1.6) = 0.2144 yuan/kWh on 4*31*100 = 12400 kWh per month -> 2658.56 per month.
        // energy = 876000*0.70 + 4*2658.56 = 613200 + 10634.24 = 623834.24
        // funds = 876000*0.05 = 43800; charges = 667634.24; average = 0.762139...
        let s = round_signal(StepLength::Hourly);
        let b = bill_year(
            &s,
            &customer(200.0, None),
            BillingOption::SinglePart,
            &vec![100.0; 8760],
            None,
            Reactive::None,
        )
        .unwrap();
        assert_relative_eq!(b.kwh_import, 876000.0, epsilon = FEN);
        assert_relative_eq!(b.energy_yuan, 623834.24, epsilon = FEN);
        assert_relative_eq!(b.charges_yuan, 667634.24, epsilon = FEN);
        assert_relative_eq!(
            b.average_price_yuan_per_kwh,
            667634.24 / 876000.0,
            epsilon = 1e-12
        );
    }

    fn arb_option() -> impl Strategy<Value = BillingOption> {
        prop_oneof![
            Just(BillingOption::SinglePart),
            Just(CAP),
            Just(ACT),
            (0.0..200.0f64)
                .prop_map(|kw| BillingOption::TwoPart(BasicCharge::DeclaredDemand { kw })),
        ]
    }

    /// A year from 24 hourly shape values and 12 monthly scales [kW].
    pub(crate) fn year_load(s: &PriceSignal, shape: &[f64], scale: &[f64]) -> Vec<f64> {
        let mut v = vec![0.0; s.n_steps()];
        for m in 1..=12u8 {
            let (a, b) = s.month_range(m);
            for (i, x) in v[a..b].iter_mut().enumerate() {
                *x = shape[i % 24] * scale[usize::from(m) - 1];
            }
        }
        v
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn adding_load_never_lowers_the_bill(
            // At least 0.01 kW every step: with zero energy a month has no power factor and no
            // adjustment, so a first kWh with a bonus power factor may lower a capacity bill.
            shape in prop::collection::vec(1.0..100.0f64, 24),
            scale in prop::collection::vec(0.01..2.0f64, 12),
            extra in prop::collection::vec(0.0..50.0f64, 24),
            at in 0usize..8760,
            option in arb_option(),
            pf in prop::option::of(0.5..1.0f64),
            std in prop_oneof![Just(PfStandard::Pf090), Just(PfStandard::Pf085), Just(PfStandard::Pf080)],
        ) {
            let s = round_signal(StepLength::Hourly);
            let c = customer(200.0, Some(std));
            let load = year_load(&s, &shape, &scale);
            let mut more = load.clone();
            for (k, e) in extra.iter().enumerate() {
                more[(at + k * 97) % 8760] += e;
            }
            // Reactive power proportional to load: the power factor stays fixed, so the bill
            // must rise with load (a better power factor could lower it, which is not "load").
            let ratio = pf.map(|p| (1.0 - p * p).sqrt() / p);
            let q: Vec<f64> = load.iter().map(|x| x * ratio.unwrap_or(0.0)).collect();
            let q2: Vec<f64> = more.iter().map(|x| x * ratio.unwrap_or(0.0)).collect();
            let (r1, r2) = match ratio {
                Some(_) => (Reactive::SeriesKvar(&q), Reactive::SeriesKvar(&q2)),
                None => (Reactive::None, Reactive::None),
            };
            let b1 = bill_year(&s, &c, option, &load, None, r1).unwrap();
            let b2 = bill_year(&s, &c, option, &more, None, r2).unwrap();
            prop_assert!(b2.total_yuan >= b1.total_yuan - 1e-6);
            for m in 0..12 {
                prop_assert!(b2.months[m].total_yuan >= b1.months[m].total_yuan - 1e-6);
            }
        }

        #[test]
        fn total_is_the_sum_of_its_parts(
            shape in prop::collection::vec(0.0..100.0f64, 24),
            scale in prop::collection::vec(0.0..2.0f64, 12),
            export in prop::collection::vec(0.0..30.0f64, 24),
            option in arb_option(),
            pf in 0.5..1.0f64,
        ) {
            let s = round_signal(StepLength::Hourly);
            let c = customer(200.0, Some(PfStandard::Pf090));
            let load = year_load(&s, &shape, &scale);
            let exp = year_load(&s, &export, &[1.0; 12]);
            let q: Vec<f64> = load.iter().map(|x| x * (1.0 - pf * pf).sqrt() / pf).collect();
            let b = bill_year(&s, &c, option, &load, Some(&exp), Reactive::SeriesKvar(&q)).unwrap();
            let tol = 1e-6 * (1.0 + b.charges_yuan.abs());
            for m in &b.months {
                prop_assert!((m.total_yuan - (m.energy_yuan + m.basic_yuan + m.pf_adjust_yuan
                    + m.funds_yuan - m.export_credit_yuan)).abs() < tol);
                prop_assert!((m.energy_yuan - m.energy_by_period_yuan.iter().sum::<f64>()).abs() < tol);
                prop_assert!((m.energy_yuan - m.energy_by_component_yuan.iter().sum::<f64>()).abs() < tol);
                prop_assert!((m.kwh_import - (m.kwh_critical + m.kwh_peak + m.kwh_flat + m.kwh_valley)).abs() < 1e-6);
            }
            prop_assert!((b.total_yuan - b.months.iter().map(|m| m.total_yuan).sum::<f64>()).abs() < tol);
            prop_assert!((b.total_yuan - (b.energy_yuan + b.basic_yuan + b.pf_adjust_yuan
                + b.funds_yuan - b.export_credit_yuan)).abs() < tol);
        }
    }
}

//! The per-step price signal of a tariff on a calendar: the TOU period of every step and the price
//! of every per-kWh component (purchase, line loss, T&D, system operation, funds) and their sum.
//!
//! Owns the expansion of a [`Tariff`] onto the steps of a [`Calendar`], once per (calendar,
//! tariff, energy rate, voltage level); storage dispatch reads it, and billing reads its period
//! indices and purchase prices. Must not know load or storage.

use super::TariffError;
use super::data::{Component, Tariff, TouPeriod, VoltageLevel, VoltagePrices};
use crate::calendar::Calendar;

/// Which T&D energy rate applies (电度电价 of the single- or two-part tariff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnergyRate {
    /// Single-part tariff 单一制电价 (energy charge only).
    SinglePart,
    /// Two-part tariff 两部制电价 (energy charge plus basic charge).
    TwoPart,
}

/// Per-step prices of one tariff on one calendar [yuan/kWh], and what billing needs beside them.
#[derive(Debug, Clone)]
pub struct PriceSignal {
    tariff: Tariff,
    rate: EnergyRate,
    voltage_level: VoltageLevel,
    voltage: VoltagePrices,
    step_hours: f64,
    steps_per_day: usize,
    month_ranges: [(usize, usize); 12],
    /// Runs of consecutive steps with the same period inside one month: (start, end, period).
    segments: Vec<(u32, u32, u8)>,
    /// For each month, the range of its runs in `segments`.
    month_segments: [(usize, usize); 12],
    period: Vec<u8>,
    purchase: Vec<f64>,
    line_loss: Vec<f64>,
    transmission: Vec<f64>,
    system_operation: Vec<f64>,
    funds: Vec<f64>,
    total: Vec<f64>,
    purchase_replaced: bool,
}

impl PriceSignal {
    /// Expand `tariff` onto the steps of `calendar` for an energy rate and a voltage level.
    ///
    /// A step takes the TOU period of the clock hour it starts in (15-min steps inherit their
    /// hour's period). The price of a component in a step is its flat-period base price of the
    /// step's month times the period multiplier when the tariff says the component floats
    /// (`tou.applies_to`), else the base price. Funds never float.
    ///
    /// # Errors
    /// [`TariffError::MissingVoltage`] when the tariff has no prices for `voltage`.
    pub fn new(
        calendar: &Calendar,
        tariff: &Tariff,
        rate: EnergyRate,
        voltage: VoltageLevel,
    ) -> Result<PriceSignal, TariffError> {
        let vp = *tariff.voltage(voltage)?;
        let two_part = rate == EnergyRate::TwoPart;
        let n = calendar.n_steps();
        let mut month_ranges = [(0, 0); 12];
        for (m, r) in month_ranges.iter_mut().enumerate() {
            let rg = calendar.month_steps(m as u8 + 1);
            *r = (rg.start, rg.end);
        }
        let mut s = PriceSignal {
            tariff: tariff.clone(),
            rate,
            voltage_level: voltage,
            voltage: vp,
            step_hours: calendar.step_hours(),
            steps_per_day: calendar.steps_per_day(),
            month_ranges,
            segments: Vec::new(),
            month_segments: [(0, 0); 12],
            period: Vec::with_capacity(n),
            purchase: Vec::with_capacity(n),
            line_loss: Vec::with_capacity(n),
            transmission: Vec::with_capacity(n),
            system_operation: Vec::with_capacity(n),
            funds: vec![tariff.funds_yuan_per_kwh(); n],
            total: Vec::with_capacity(n),
            purchase_replaced: false,
        };
        let months = calendar.months();
        let hours = calendar.hours();
        for i in 0..n {
            let (m, h) = (months[i], hours[i]);
            let p = tariff.period(m, h);
            let price = |c: Component| {
                let base = tariff.base_price(c, m, &vp, two_part);
                if tariff.floats(c) {
                    base * tariff.multiplier(p)
                } else {
                    base
                }
            };
            s.period.push(p as u8);
            s.purchase.push(price(Component::Purchase));
            s.line_loss.push(price(Component::LineLoss));
            s.transmission.push(price(Component::Transmission));
            s.system_operation.push(price(Component::SystemOperation));
        }
        s.recompute_total();
        s.build_segments();
        Ok(s)
    }

    fn build_segments(&mut self) {
        for m in 0..12 {
            let (a, b) = self.month_ranges[m];
            let first = self.segments.len();
            let mut start = a;
            for i in a..b {
                if i + 1 == b || self.period[i + 1] != self.period[start] {
                    self.segments
                        .push((start as u32, (i + 1) as u32, self.period[start]));
                    start = i + 1;
                }
            }
            self.month_segments[m] = (first, self.segments.len());
        }
    }

    /// Runs of consecutive steps of one TOU period inside a month (1-12), as
    /// (first step, one-past-last step, period index), e.g. for dispatch loops.
    pub fn month_segments(&self, month: u8) -> &[(u32, u32, u8)] {
        let (a, b) = self.month_segments[usize::from(month.clamp(1, 12)) - 1];
        &self.segments[a..b]
    }

    fn recompute_total(&mut self) {
        self.total.clear();
        for i in 0..self.period.len() {
            self.total.push(
                self.purchase[i]
                    + self.line_loss[i]
                    + self.transmission[i]
                    + self.system_operation[i]
                    + self.funds[i],
            );
        }
    }

    /// Replace the purchase-energy component by a per-step price, e.g. the market model's
    /// contract or spot price. The price is used as given: no TOU multiplier is applied to it
    /// (the market model owns its time shape). Line loss, T&D, system operation and funds keep
    /// the tariff's values. The bill then charges `import × price` step by step for purchase.
    ///
    /// # Arguments
    /// * `price_yuan_per_kwh` - one price per calendar step [yuan/kWh], finite and >= 0
    ///
    /// # Errors
    /// [`TariffError::SeriesLength`] or [`TariffError::BadSeriesValue`].
    pub fn with_purchase_price(
        mut self,
        price_yuan_per_kwh: &[f64],
    ) -> Result<PriceSignal, TariffError> {
        check_series(
            "purchase_yuan_per_kwh",
            "yuan/kWh",
            price_yuan_per_kwh,
            self.n_steps(),
        )?;
        self.purchase.copy_from_slice(price_yuan_per_kwh);
        self.purchase_replaced = true;
        self.recompute_total();
        Ok(self)
    }

    /// Number of steps.
    pub fn n_steps(&self) -> usize {
        self.period.len()
    }
    /// Length of a step [h].
    pub fn step_hours(&self) -> f64 {
        self.step_hours
    }
    /// Steps per day (24 or 96).
    pub fn steps_per_day(&self) -> usize {
        self.steps_per_day
    }
    /// The tariff this signal was built from.
    pub fn tariff(&self) -> &Tariff {
        &self.tariff
    }
    /// The energy rate (single- or two-part) of the T&D component.
    pub fn energy_rate(&self) -> EnergyRate {
        self.rate
    }
    /// The voltage level.
    pub fn voltage_level(&self) -> VoltageLevel {
        self.voltage_level
    }
    /// T&D and basic-charge prices of the voltage level.
    pub fn voltage_prices(&self) -> &VoltagePrices {
        &self.voltage
    }
    /// Whether the purchase component was replaced by [`PriceSignal::with_purchase_price`].
    pub fn purchase_replaced(&self) -> bool {
        self.purchase_replaced
    }
    /// First and one-past-last step of a month (1-12).
    pub fn month_range(&self, month: u8) -> (usize, usize) {
        self.month_ranges[usize::from(month.clamp(1, 12)) - 1]
    }
    /// TOU period of a step.
    pub fn period(&self, step: usize) -> TouPeriod {
        TouPeriod::ALL[usize::from(self.period[step])]
    }
    /// TOU period index of every step (0 critical, 1 peak, 2 flat, 3 valley).
    pub fn period_indices(&self) -> &[u8] {
        &self.period
    }
    /// Purchase-energy price per step [yuan/kWh].
    pub fn purchase_yuan_per_kwh(&self) -> &[f64] {
        &self.purchase
    }
    /// Line-loss fee per step [yuan/kWh].
    pub fn line_loss_yuan_per_kwh(&self) -> &[f64] {
        &self.line_loss
    }
    /// T&D energy rate per step [yuan/kWh].
    pub fn transmission_yuan_per_kwh(&self) -> &[f64] {
        &self.transmission
    }
    /// System operation fee per step [yuan/kWh].
    pub fn system_operation_yuan_per_kwh(&self) -> &[f64] {
        &self.system_operation
    }
    /// Government funds and surcharges per step [yuan/kWh] (constant; outside TOU).
    pub fn funds_yuan_per_kwh(&self) -> &[f64] {
        &self.funds
    }
    /// Sum of all per-kWh components per step [yuan/kWh]: the marginal price of imported energy
    /// (before the power-factor adjustment, which the dispatch may ignore).
    pub fn total_yuan_per_kwh(&self) -> &[f64] {
        &self.total
    }
    /// Price of exported energy [yuan/kWh].
    pub fn export_yuan_per_kwh(&self) -> f64 {
        self.tariff.export_yuan_per_kwh()
    }

    /// The per-kWh components other than the purchase price (line loss, T&D, system operation,
    /// funds) of one month and TOU period at an energy rate, whatever rate the signal was built
    /// for [yuan/kWh]. Equal to `total − purchase` of every step of that month and period when
    /// `rate` is the signal's.
    ///
    /// # Arguments
    /// * `month` - 1-12
    /// * `period` - the TOU period
    /// * `rate` - the T&D energy rate of the billing option (single- or two-part)
    pub fn other_than_purchase_yuan_per_kwh(
        &self,
        month: u8,
        period: TouPeriod,
        rate: EnergyRate,
    ) -> f64 {
        let t = &self.tariff;
        let two_part = rate == EnergyRate::TwoPart;
        let mut sum = 0.0;
        for c in [
            Component::LineLoss,
            Component::Transmission,
            Component::SystemOperation,
        ] {
            let base = t.base_price(c, month, &self.voltage, two_part);
            sum += if t.floats(c) {
                base * t.multiplier(period)
            } else {
                base
            };
        }
        sum + t.funds_yuan_per_kwh()
    }
}

/// Check a series has one finite, non-negative value per step.
pub(crate) fn check_series(
    name: &'static str,
    unit: &'static str,
    s: &[f64],
    n: usize,
) -> Result<(), TariffError> {
    if s.len() != n {
        return Err(TariffError::SeriesLength {
            name,
            len: s.len(),
            expected: n,
        });
    }
    match s.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(step) => Err(TariffError::BadSeriesValue {
            name,
            step,
            value: s[step],
            unit,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::StepLength;
    use crate::tariff::data::builtin;
    use approx::assert_relative_eq;

    #[test]
    fn hourly_2025_signal_prices() {
        let cal = Calendar::without_holidays(2025, StepLength::Hourly, 8.0);
        let t = builtin("hunan-2025").unwrap();
        let s = PriceSignal::new(&cal, &t, EnergyRate::TwoPart, VoltageLevel::Kv1To10).unwrap();
        assert_eq!(s.n_steps(), 8760);
        // 2025-01-01 19:00 is critical; purchase floats: 0.4525 x 1.92.
        assert_eq!(s.period(19), TouPeriod::Critical);
        assert_relative_eq!(
            s.purchase_yuan_per_kwh()[19],
            0.4525 * 1.92,
            epsilon = 1e-12
        );
        assert_relative_eq!(
            s.transmission_yuan_per_kwh()[19],
            0.1394 * 1.92,
            epsilon = 1e-12
        );
        // System operation does not float.
        assert_relative_eq!(s.system_operation_yuan_per_kwh()[19], 0.035);
        // Total at 03:00 (valley): (0.4525 + 0.0224 + 0.1394) x 0.4 + 0.035 + 0.04625.
        assert_relative_eq!(
            s.total_yuan_per_kwh()[3],
            (0.4525 + 0.0224 + 0.1394) * 0.4 + 0.035 + 0.04625,
            epsilon = 1e-12
        );
        assert_eq!(s.month_range(2), (31 * 24, 59 * 24));
    }

    #[test]
    fn segments_cover_each_month_in_runs_of_one_period() {
        let cal = Calendar::without_holidays(2024, StepLength::QuarterHourly, 8.0);
        let t = builtin("hunan-2025").unwrap();
        let s = PriceSignal::new(&cal, &t, EnergyRate::TwoPart, VoltageLevel::Kv35).unwrap();
        for m in 1..=12u8 {
            let (a, b) = s.month_range(m);
            let mut next = a;
            for &(s0, s1, p) in s.month_segments(m) {
                assert_eq!(s0 as usize, next);
                assert!(s1 > s0);
                assert!((s0 as usize..s1 as usize).all(|i| s.period_indices()[i] == p));
                next = s1 as usize;
            }
            assert_eq!(next, b);
            // Billing folds a month onto the steps of a day: the period must depend only on the
            // step of the day within a month, and months must be whole days.
            let spd = s.steps_per_day();
            assert_eq!((b - a) % spd, 0);
            assert!((a..b).all(|i| s.period_indices()[i] == s.period_indices()[a + (i - a) % spd]));
        }
        // March: per day V F V F P = 5 runs, the last P run meets the next day's V run.
        assert_eq!(s.month_segments(3).len(), 31 * 5);
        // July: V F V F P C = 6 runs per day.
        assert_eq!(s.month_segments(7).len(), 31 * 6);
    }

    #[test]
    fn quarter_hourly_steps_take_their_hours_period() {
        let cal = Calendar::without_holidays(2025, StepLength::QuarterHourly, 8.0);
        let t = builtin("hunan-2025").unwrap();
        let s = PriceSignal::new(&cal, &t, EnergyRate::SinglePart, VoltageLevel::Kv35).unwrap();
        // July 1 is day 181; 20:45 is step 181*96 + 83.
        let i = 181 * 96 + 83;
        assert_eq!(cal.month(i), 7);
        assert_eq!(s.period(i), TouPeriod::Critical);
        assert_eq!(s.period(i - 4), TouPeriod::Peak);
    }

    #[test]
    fn purchase_can_be_replaced() {
        let cal = Calendar::without_holidays(2025, StepLength::Hourly, 8.0);
        let t = builtin("hunan-2025").unwrap();
        let s = PriceSignal::new(&cal, &t, EnergyRate::SinglePart, VoltageLevel::Kv1To10).unwrap();
        let before = s.total_yuan_per_kwh()[19];
        let old = s.purchase_yuan_per_kwh()[19];
        let s = s.with_purchase_price(&vec![0.3; 8760]).unwrap();
        assert!(s.purchase_replaced());
        assert_relative_eq!(
            s.total_yuan_per_kwh()[19],
            before - old + 0.3,
            epsilon = 1e-12
        );
        let cal2 = Calendar::without_holidays(2025, StepLength::Hourly, 8.0);
        let s2 =
            PriceSignal::new(&cal2, &t, EnergyRate::SinglePart, VoltageLevel::Kv1To10).unwrap();
        assert!(matches!(
            s2.clone().with_purchase_price(&[0.3; 10]),
            Err(TariffError::SeriesLength { .. })
        ));
        let mut bad = vec![0.3; 8760];
        bad[5] = f64::NAN;
        assert!(matches!(
            s2.with_purchase_price(&bad),
            Err(TariffError::BadSeriesValue { step: 5, .. })
        ));
    }
}

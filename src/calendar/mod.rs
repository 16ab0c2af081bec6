//! The steps of a simulated year: 60- or 15-minute intervals in local standard time, with the
//! month, day, weekday, hour and day type (workday, weekend, public holiday, adjusted working day)
//! of each step.
//!
//! Owns the time axis every series in parkenergy shares: step `i` covers
//! `[start + i*Δt, start + (i+1)*Δt)` where `start` is January 1, 00:00 local standard time and
//! `Δt` is the step length. Must not know prices or physics.
//!
//! Time is local *standard* time (China has no daylight saving time); the offset from UTC is
//! `utc_offset_hours` (+8 for China Standard Time unless a weather file says otherwise).

pub mod date;
pub mod holidays;
pub mod stamp;

pub use date::{Date, Weekday, days_in_month, is_leap_year};
pub use holidays::{HolidayError, HolidayTable, HolidayYear};

/// What kind of day a calendar day is, for load shapes and tariffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Monday to Friday, not a holiday (工作日).
    Workday,
    /// Saturday or Sunday, not a holiday nor an adjusted working day (周末).
    Weekend,
    /// A public holiday day off (法定节假日), including the weekend days inside a holiday block.
    Holiday,
    /// A Saturday or Sunday that is a working day because of a holiday swap (调休上班).
    AdjustedWorkday,
}

impl DayKind {
    /// True for days on which a normal five-day-week enterprise works.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday)
    }

    /// Short lower-case name used in CSV output.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Workday => "workday",
            DayKind::Weekend => "weekend",
            DayKind::Holiday => "holiday",
            DayKind::AdjustedWorkday => "adjusted_workday",
        }
    }
}

/// The step lengths parkenergy supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepLength {
    /// One hour.
    Hourly,
    /// Fifteen minutes, the interval of Chinese demand metering (96 points a day).
    QuarterHourly,
}

impl StepLength {
    /// From minutes; `None` unless 60 or 15.
    pub fn from_minutes(minutes: u32) -> Option<StepLength> {
        match minutes {
            60 => Some(StepLength::Hourly),
            15 => Some(StepLength::QuarterHourly),
            _ => None,
        }
    }
    /// Length of a step [min].
    pub fn minutes(self) -> u32 {
        match self {
            StepLength::Hourly => 60,
            StepLength::QuarterHourly => 15,
        }
    }
    /// Length of a step [h]; energy in a step is `power_kw * hours()`.
    pub fn hours(self) -> f64 {
        f64::from(self.minutes()) / 60.0
    }
    /// Steps in one day.
    pub fn steps_per_day(self) -> usize {
        (24 * 60 / self.minutes()) as usize
    }
}

/// Errors building a calendar.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The holiday table has no entry for the requested year.
    #[error(
        "no public-holiday data for year {year} (the table covers {covered}); give a holiday file for that year or pick a covered year"
    )]
    NoHolidayData {
        /// Requested year.
        year: i32,
        /// Years the table covers, as text.
        covered: String,
    },
}

#[derive(Debug, Clone)]
struct DayInfo {
    date: Date,
    weekday: Weekday,
    kind: DayKind,
    holiday: Option<u8>,
}

/// The time axis of one simulated year.
#[derive(Debug, Clone)]
pub struct Calendar {
    year: i32,
    step: StepLength,
    utc_offset_hours: f64,
    days: Vec<DayInfo>,
    holiday_names: Vec<(String, String)>,
    step_month: Vec<u8>,
    step_hour: Vec<u8>,
}

impl Calendar {
    /// The calendar of `year` at the given step, with holidays from `table`.
    ///
    /// # Arguments
    /// * `year` - calendar year, must be covered by `table`
    /// * `step` - step length
    /// * `utc_offset_hours` - offset of local standard time from UTC [h], +8 for China
    /// * `table` - public holidays and adjusted working days
    ///
    /// # Errors
    /// [`CalendarError::NoHolidayData`] when `table` lacks `year`.
    pub fn new(
        year: i32,
        step: StepLength,
        utc_offset_hours: f64,
        table: &HolidayTable,
    ) -> Result<Calendar, CalendarError> {
        let hy = table
            .year(year)
            .ok_or_else(|| CalendarError::NoHolidayData {
                year,
                covered: table
                    .years()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        Ok(Calendar::from_holiday_year(
            year,
            step,
            utc_offset_hours,
            Some(hy),
        ))
    }

    /// A calendar without public holidays: weekends only. For tests and for years without data.
    pub fn without_holidays(year: i32, step: StepLength, utc_offset_hours: f64) -> Calendar {
        Calendar::from_holiday_year(year, step, utc_offset_hours, None)
    }

    fn from_holiday_year(
        year: i32,
        step: StepLength,
        utc_offset_hours: f64,
        hy: Option<&HolidayYear>,
    ) -> Calendar {
        let jan1 = Date::new(year, 1, 1).expect("January 1 exists");
        let n_days = if is_leap_year(year) { 366 } else { 365 };
        let mut holiday_names = Vec::new();
        let mut days: Vec<DayInfo> = (0..n_days)
            .map(|i| {
                let date = Date::from_days_since_epoch(jan1.days_since_epoch() + i);
                let weekday = date.weekday();
                let kind = if weekday.is_weekend() {
                    DayKind::Weekend
                } else {
                    DayKind::Workday
                };
                DayInfo {
                    date,
                    weekday,
                    kind,
                    holiday: None,
                }
            })
            .collect();
        if let Some(hy) = hy {
            for (k, h) in hy.holidays.iter().enumerate() {
                holiday_names.push((h.name.clone(), h.name_zh.clone()));
                for d in &h.days {
                    let di = &mut days[usize::from(d.ordinal0())];
                    di.kind = DayKind::Holiday;
                    di.holiday = Some(k as u8);
                }
            }
            for d in &hy.adjusted_working_days {
                days[usize::from(d.ordinal0())].kind = DayKind::AdjustedWorkday;
            }
        }
        let spd = step.steps_per_day();
        let n_steps = days.len() * spd;
        let mut step_month = Vec::with_capacity(n_steps);
        let mut step_hour = Vec::with_capacity(n_steps);
        for d in &days {
            for s in 0..spd {
                step_month.push(d.date.month());
                step_hour.push((s * step.minutes() as usize / 60) as u8);
            }
        }
        Calendar {
            year,
            step,
            utc_offset_hours,
            days,
            holiday_names,
            step_month,
            step_hour,
        }
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The step length.
    pub fn step(&self) -> StepLength {
        self.step
    }
    /// Length of a step [h].
    pub fn step_hours(&self) -> f64 {
        self.step.hours()
    }
    /// Offset of local standard time from UTC [h].
    pub fn utc_offset_hours(&self) -> f64 {
        self.utc_offset_hours
    }
    /// Number of steps in the year (8760, 8784, 35040 or 35136).
    pub fn n_steps(&self) -> usize {
        self.step_month.len()
    }
    /// Number of days in the year.
    pub fn n_days(&self) -> usize {
        self.days.len()
    }
    /// Steps per day (24 or 96).
    pub fn steps_per_day(&self) -> usize {
        self.step.steps_per_day()
    }
    /// Day of year (0-based) of a step.
    pub fn day_index(&self, step: usize) -> usize {
        step / self.steps_per_day()
    }
    /// Civil date of a step.
    pub fn date(&self, step: usize) -> Date {
        self.days[self.day_index(step)].date
    }
    /// Month (1-12) of a step.
    pub fn month(&self, step: usize) -> u8 {
        self.step_month[step]
    }
    /// Hour of day (0-23) at the start of a step.
    pub fn hour(&self, step: usize) -> u8 {
        self.step_hour[step]
    }
    /// Minute of the hour (0, 15, 30, 45) at the start of a step.
    pub fn minute(&self, step: usize) -> u8 {
        ((step % self.steps_per_day()) * self.step.minutes() as usize % 60) as u8
    }
    /// Hour of day at the start of a step, with its fraction (e.g. 13.25) [h].
    pub fn hour_of_day(&self, step: usize) -> f64 {
        (step % self.steps_per_day()) as f64 * self.step_hours()
    }
    /// Weekday of a step.
    pub fn weekday(&self, step: usize) -> Weekday {
        self.days[self.day_index(step)].weekday
    }
    /// Day kind of a step.
    pub fn day_kind(&self, step: usize) -> DayKind {
        self.days[self.day_index(step)].kind
    }
    /// Day kind of a day of the year (0-based).
    pub fn day_kind_of_day(&self, day: usize) -> DayKind {
        self.days[day].kind
    }
    /// Date of a day of the year (0-based).
    pub fn date_of_day(&self, day: usize) -> Date {
        self.days[day].date
    }
    /// Name and Chinese name of the holiday a step falls in, if any.
    pub fn holiday(&self, step: usize) -> Option<(&str, &str)> {
        self.days[self.day_index(step)]
            .holiday
            .map(|k| &self.holiday_names[usize::from(k)])
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }
    /// Name of the holiday of a day of the year (0-based), if any.
    pub fn holiday_of_day(&self, day: usize) -> Option<&str> {
        self.days[day]
            .holiday
            .map(|k| self.holiday_names[usize::from(k)].0.as_str())
    }
    /// Month (1-12) of every step, for vectorised billing.
    pub fn months(&self) -> &[u8] {
        &self.step_month
    }
    /// Hour of day of every step.
    pub fn hours(&self) -> &[u8] {
        &self.step_hour
    }
    /// The range of steps of a month (1-12).
    pub fn month_steps(&self, month: u8) -> std::ops::Range<usize> {
        let spd = self.steps_per_day();
        let first = Date::new(self.year, month, 1).map_or(0, |d| usize::from(d.ordinal0()));
        let n = usize::from(days_in_month(self.year, month));
        first * spd..(first + n) * spd
    }
    /// ISO 8601 local timestamp of the start of a step, e.g. `2024-02-29T13:15+08:00`.
    pub fn timestamp(&self, step: usize) -> String {
        let off = self.utc_offset_hours;
        let sign = if off < 0.0 { '-' } else { '+' };
        let off_min = (off.abs() * 60.0).round() as i64;
        format!(
            "{}T{:02}:{:02}{}{:02}:{:02}",
            self.date(step),
            self.hour(step),
            self.minute(step),
            sign,
            off_min / 60,
            off_min % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(year: i32, step: StepLength) -> Calendar {
        Calendar::new(year, step, 8.0, &HolidayTable::embedded()).unwrap()
    }

    #[test]
    fn step_counts() {
        assert_eq!(cal(2023, StepLength::Hourly).n_steps(), 8760);
        assert_eq!(cal(2024, StepLength::Hourly).n_steps(), 8784);
        assert_eq!(cal(2023, StepLength::QuarterHourly).n_steps(), 35040);
        assert_eq!(cal(2024, StepLength::QuarterHourly).n_steps(), 35136);
    }

    #[test]
    fn leap_day_2024() {
        let c = cal(2024, StepLength::Hourly);
        // Feb 29 is day 59 (0-based): steps 59*24 .. 60*24.
        let s = 59 * 24 + 13;
        assert_eq!(c.date(s), Date::new(2024, 2, 29).unwrap());
        assert_eq!(c.month(s), 2);
        assert_eq!(c.hour(s), 13);
        assert_eq!(c.weekday(s), Weekday::Thu);
        assert_eq!(c.timestamp(s), "2024-02-29T13:00+08:00");
        assert_eq!(c.month_steps(2).len(), 29 * 24);
        assert_eq!(c.date(60 * 24), Date::new(2024, 3, 1).unwrap());
        let q = cal(2024, StepLength::QuarterHourly);
        assert_eq!(q.timestamp(59 * 96 + 4 * 13 + 3), "2024-02-29T13:45+08:00");
    }

    #[test]
    fn spring_festival_2023_and_its_adjusted_working_days() {
        let c = cal(2023, StepLength::Hourly);
        let day = |m, d| usize::from(Date::new(2023, m, d).unwrap().ordinal0());
        // 春节 2023: 21-27 January off; 28 (Sat) and 29 (Sun) January are working days.
        for d in 21..=27 {
            assert_eq!(c.day_kind_of_day(day(1, d)), DayKind::Holiday, "Jan {d}");
            assert_eq!(c.holiday_of_day(day(1, d)), Some("spring_festival"));
        }
        assert_eq!(c.day_kind_of_day(day(1, 28)), DayKind::AdjustedWorkday);
        assert_eq!(c.day_kind_of_day(day(1, 29)), DayKind::AdjustedWorkday);
        assert!(c.day_kind_of_day(day(1, 28)).is_working());
        // The Friday before and the Monday after are ordinary working days.
        assert_eq!(c.day_kind_of_day(day(1, 20)), DayKind::Workday);
        assert_eq!(c.day_kind_of_day(day(1, 30)), DayKind::Workday);
        // An ordinary weekend.
        assert_eq!(c.day_kind_of_day(day(2, 4)), DayKind::Weekend);
        let s = day(1, 23) * 24 + 10;
        assert_eq!(c.holiday(s), Some(("spring_festival", "春节")));
    }

    #[test]
    fn quarter_hour_steps_carry_minutes_and_months() {
        let c = cal(2025, StepLength::QuarterHourly);
        assert_eq!(c.minute(1), 15);
        assert_eq!(c.hour(4), 1);
        assert!((c.hour_of_day(6) - 1.5).abs() < 1e-12);
        let total: usize = (1..=12).map(|m| c.month_steps(m).len()).sum();
        assert_eq!(total, c.n_steps());
        assert!(
            c.months()[c.month_steps(12).start..]
                .iter()
                .all(|&m| m == 12)
        );
    }

    #[test]
    fn missing_year_is_an_error() {
        let e = Calendar::new(2019, StepLength::Hourly, 8.0, &HolidayTable::embedded());
        assert!(matches!(
            e,
            Err(CalendarError::NoHolidayData { year: 2019, .. })
        ));
    }
}

//! Proleptic Gregorian civil dates: the small amount of date arithmetic the calendar needs.
//!
//! Owns conversions between (year, month, day), day of year and weekday. Knows nothing of time
//! zones, holidays or prices.

use std::fmt;

/// A civil date in the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Day of the week, Monday first (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday (星期一).
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday (星期六).
    Sat,
    /// Sunday (星期日).
    Sun,
}

impl Weekday {
    /// True for Saturday and Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Sat | Weekday::Sun)
    }

    /// ISO number, Monday = 1 … Sunday = 7.
    pub fn number_from_monday(self) -> u8 {
        self as u8 + 1
    }

    fn from_index(i: i64) -> Weekday {
        const ALL: [Weekday; 7] = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        ALL[i.rem_euclid(7) as usize]
    }
}

/// True when `year` has 366 days.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date, or `None` when the month or day does not exist.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        Date::new(y, m, d)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }
    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    ///
    /// # References
    /// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil), 2013.
    /// <https://howardhinnant.github.io/date_algorithms.html>
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (civil_from_days, same reference).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3 from Monday).
        Weekday::from_index(self.days_since_epoch() + 3)
    }

    /// Day of the year, 0-based (January 1 = 0).
    pub fn ordinal0(self) -> u16 {
        let jan1 = Date {
            year: self.year,
            month: 1,
            day: 1,
        };
        (self.days_since_epoch() - jan1.days_since_epoch()) as u16
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_weekdays() {
        assert_eq!(Date::new(2023, 1, 22).unwrap().weekday(), Weekday::Sun);
        assert_eq!(Date::new(2024, 2, 29).unwrap().weekday(), Weekday::Thu);
        assert_eq!(Date::new(2025, 1, 1).unwrap().weekday(), Weekday::Wed);
        assert_eq!(Date::new(2000, 1, 1).unwrap().weekday(), Weekday::Sat);
    }

    #[test]
    fn round_trip_epoch_days() {
        for d in -800_000..800_000i64 {
            if d % 997 != 0 {
                continue;
            }
            let date = Date::from_days_since_epoch(d);
            assert_eq!(date.days_since_epoch(), d, "{date}");
        }
    }

    #[test]
    fn leap_rules() {
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2023));
        assert!(!is_leap_year(1900));
        assert!(is_leap_year(2000));
        assert!(Date::new(2023, 2, 29).is_none());
        assert_eq!(Date::new(2024, 12, 31).unwrap().ordinal0(), 365);
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("yesterday").is_none());
        assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
    }
}

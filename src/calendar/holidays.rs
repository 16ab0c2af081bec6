//! The Chinese public-holiday table (法定节假日 and 调休 adjusted working days), read from a data file.
//!
//! Owns parsing and checking `data/holidays/china.toml` (embedded) or a file with the same layout.
//! Knows nothing of steps or prices.

use super::date::Date;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The embedded holiday table, `data/holidays/china.toml`.
pub const EMBEDDED_HOLIDAYS_TOML: &str = include_str!("../../data/holidays/china.toml");

/// Errors in a holiday table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HolidayError {
    /// The file is not valid TOML or does not have the expected layout.
    #[error("holiday table: {0}")]
    Parse(String),
    /// A date string is not `YYYY-MM-DD` or does not exist.
    #[error("holiday table, year {year}: `{value}` is not a valid date (expected YYYY-MM-DD)")]
    BadDate {
        /// Year table the date was found in.
        year: i32,
        /// The text found.
        value: String,
    },
    /// A date was listed under a year it does not belong to.
    #[error("holiday table, year {year}: date {date} lies outside year {year}")]
    WrongYear {
        /// Year table the date was found in.
        year: i32,
        /// The date found.
        date: Date,
    },
    /// A day is listed both as a holiday and as an adjusted working day, or twice.
    #[error("holiday table, year {year}: date {date} is listed twice")]
    Duplicate {
        /// Year table.
        year: i32,
        /// The repeated date.
        date: Date,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    source: String,
    confidence: String,
    #[serde(default)]
    adjusted_working_days: Vec<String>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    name_zh: String,
    days: Vec<String>,
}

/// One named holiday block of a year (e.g. the Spring Festival, 春节).
#[derive(Debug, Clone, PartialEq)]
pub struct Holiday {
    /// Machine name, e.g. `spring_festival`.
    pub name: String,
    /// Chinese name, e.g. `春节`.
    pub name_zh: String,
    /// Every day off in the block, sorted.
    pub days: Vec<Date>,
}

/// The holidays and adjusted working days of one year, with the notice they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayYear {
    /// Calendar year.
    pub year: i32,
    /// The State Council notice (or other source) the year was transcribed from.
    pub source: String,
    /// HIGH, MED or EST, as explained in the data file.
    pub confidence: String,
    /// Weekend days that are working days (调休上班).
    pub adjusted_working_days: Vec<Date>,
    /// The holiday blocks.
    pub holidays: Vec<Holiday>,
}

/// Holiday data for several years.
#[derive(Debug, Clone, PartialEq)]
pub struct HolidayTable {
    years: BTreeMap<i32, HolidayYear>,
}

impl HolidayTable {
    /// The table shipped with parkenergy (`data/holidays/china.toml`).
    pub fn embedded() -> HolidayTable {
        HolidayTable::parse(EMBEDDED_HOLIDAYS_TOML)
            .expect("embedded holiday table is checked by a unit test")
    }

    /// Parse and check a holiday table in the layout of `data/holidays/china.toml`.
    ///
    /// # Errors
    /// [`HolidayError`] when the TOML is malformed, a date is invalid or in the wrong year, or a
    /// date is listed twice.
    pub fn parse(text: &str) -> Result<HolidayTable, HolidayError> {
        let raw: RawTable = toml::from_str(text).map_err(|e| HolidayError::Parse(e.to_string()))?;
        let mut years = BTreeMap::new();
        for ry in raw.year {
            let year = ry.year;
            let parse = |s: &String| -> Result<Date, HolidayError> {
                let d = Date::parse(s).ok_or_else(|| HolidayError::BadDate {
                    year,
                    value: s.clone(),
                })?;
                if d.year() != year {
                    return Err(HolidayError::WrongYear { year, date: d });
                }
                Ok(d)
            };
            let mut seen = std::collections::BTreeSet::new();
            let mut adjusted = Vec::new();
            for s in &ry.adjusted_working_days {
                let d = parse(s)?;
                if !seen.insert(d) {
                    return Err(HolidayError::Duplicate { year, date: d });
                }
                adjusted.push(d);
            }
            let mut holidays = Vec::new();
            for h in ry.holiday {
                let mut days = Vec::new();
                for s in &h.days {
                    let d = parse(s)?;
                    if !seen.insert(d) {
                        return Err(HolidayError::Duplicate { year, date: d });
                    }
                    days.push(d);
                }
                days.sort();
                holidays.push(Holiday {
                    name: h.name,
                    name_zh: h.name_zh,
                    days,
                });
            }
            adjusted.sort();
            if years.contains_key(&year) {
                return Err(HolidayError::Parse(format!("year {year} appears twice")));
            }
            years.insert(
                year,
                HolidayYear {
                    year,
                    source: ry.source,
                    confidence: ry.confidence,
                    adjusted_working_days: adjusted,
                    holidays,
                },
            );
        }
        Ok(HolidayTable { years })
    }

    /// The data of one year, if the table has it.
    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.get(&year)
    }

    /// The years covered, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_parses_and_covers_2023_to_2027() {
        let t = HolidayTable::embedded();
        assert_eq!(
            t.years().collect::<Vec<_>>(),
            vec![2023, 2024, 2025, 2026, 2027]
        );
        for y in t.years() {
            let hy = t.year(y).unwrap();
            assert!(!hy.source.is_empty());
            assert!(["HIGH", "MED", "EST"].contains(&hy.confidence.as_str()));
            assert!(hy.holidays.iter().any(|h| h.name == "spring_festival"));
            // Every adjusted working day is a weekend day: otherwise it would not need listing.
            for d in &hy.adjusted_working_days {
                assert!(d.weekday().is_weekend(), "{d} is not a weekend day");
            }
        }
    }

    #[test]
    fn rejects_bad_dates_and_duplicates() {
        let bad = "[[year]]\nyear=2023\nsource='x'\nconfidence='EST'\n[[year.holiday]]\nname='a'\nname_zh='a'\ndays=['2023-02-30']\n";
        assert!(matches!(
            HolidayTable::parse(bad),
            Err(HolidayError::BadDate { .. })
        ));
        let wrong = "[[year]]\nyear=2023\nsource='x'\nconfidence='EST'\nadjusted_working_days=['2024-01-06']\n";
        assert!(matches!(
            HolidayTable::parse(wrong),
            Err(HolidayError::WrongYear { .. })
        ));
        let dup = "[[year]]\nyear=2023\nsource='x'\nconfidence='EST'\nadjusted_working_days=['2023-01-28']\n[[year.holiday]]\nname='a'\nname_zh='a'\ndays=['2023-01-28']\n";
        assert!(matches!(
            HolidayTable::parse(dup),
            Err(HolidayError::Duplicate { .. })
        ));
    }
}

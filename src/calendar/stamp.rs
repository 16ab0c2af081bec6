//! Timestamps as users' files write them (时间戳): the one parser of dates and times of day for
//! meter exports, plain-CSV weather files, measured PV series and PVGIS's compact form.
//!
//! Accepted: `YYYY-MM-DD HH:MM[:SS]`, with `/` for `-` and `T` for the space, month and day with
//! or without a leading zero, `24:00` for the end of a day, seconds only when zero, and an
//! optional ISO 8601 offset (`Z`, `+08:00`, `+0800`). A timestamp without an offset is read as
//! local standard time of the zone it is parsed for; one with an offset is converted to it.
//! Results are minutes since 1970-01-01 00:00 of that zone's wall clock.

use super::Date;

/// A date `YYYY-MM-DD` or `YYYY/MM/DD` (leading zeros optional).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut it = s.split(sep);
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Date::new(y, m, d)
}

/// Minutes of a `HH:MM[:SS]` time of day, allowing `24:00`; seconds must be zero.
///
/// # Errors
/// A short reason that completes "the timestamp ...", e.g. "has no minute".
pub fn parse_time_of_day(s: &str) -> Result<i64, &'static str> {
    let mut it = s.trim().split(':');
    let h: i64 = it
        .next()
        .and_then(|x| x.trim().parse().ok())
        .ok_or("has no hour")?;
    let m: i64 = it
        .next()
        .and_then(|x| x.trim().parse().ok())
        .ok_or("has no minute")?;
    let sec: f64 = match it.next() {
        Some(x) => x.trim().parse().map_err(|_| "has unreadable seconds")?,
        None => 0.0,
    };
    if it.next().is_some() || !(0..=24).contains(&h) || !(0..60).contains(&m) {
        return Err("is not a valid time of day");
    }
    if h == 24 && m != 0 {
        return Err("is not a valid time of day");
    }
    if sec != 0.0 {
        return Err("is not on a whole minute");
    }
    Ok(h * 60 + m)
}

/// An ISO 8601 offset after the time: `Z`, `±HH:MM` or `±HHMM` [min east of UTC].
fn split_offset(time: &str) -> Result<(&str, Option<i64>), &'static str> {
    if let Some(t) = time.strip_suffix('Z') {
        return Ok((t, Some(0)));
    }
    let Some(i) = time.rfind(['+', '-']) else {
        return Ok((time, None));
    };
    let (t, off) = time.split_at(i);
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    // Four ASCII digits (a multi-byte character must not reach the byte slicing below).
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("has an offset that is not ±HH:MM");
    }
    let hh: i64 = digits[..2]
        .parse()
        .map_err(|_| "has an offset that is not ±HH:MM")?;
    let mm: i64 = digits[2..]
        .parse()
        .map_err(|_| "has an offset that is not ±HH:MM")?;
    Ok((t.trim_end(), Some(sign * (hh * 60 + mm))))
}

/// Minutes since 1970-01-01 00:00 on the wall clock of the zone `zone_offset_min` minutes east
/// of UTC (480 for China Standard Time). Surrounding quotes and blanks are ignored.
///
/// # Errors
/// A short reason that completes "the timestamp ...", e.g. "has no time (expected ...)".
pub fn parse_timestamp(s: &str, zone_offset_min: i64) -> Result<i64, &'static str> {
    let s = s.trim().trim_matches('"').trim();
    let split = s
        .find(['T', ' '])
        .ok_or("has no time (expected YYYY-MM-DD HH:MM)")?;
    let date =
        parse_date(&s[..split]).ok_or("has no valid date (expected YYYY-MM-DD or YYYY/MM/DD)")?;
    let (time, offset) = split_offset(s[split + 1..].trim())?;
    let local = date.days_since_epoch() * 1440 + parse_time_of_day(time)?;
    Ok(match offset {
        Some(off) => local - off + zone_offset_min,
        None => local,
    })
}

/// The date of a daily row: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by ` 00:00[:00]`.
pub fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim();
    match s.split_once([' ', 'T']) {
        Some((d, t)) if parse_time_of_day(t) == Ok(0) => parse_date(d),
        Some(_) => None,
        None => parse_date(s),
    }
}

/// PVGIS's compact `YYYYMMDD:HHMM` (minutes ignored: PVGIS states them apart as its irradiance
/// time offset): the date and the hour, 0-23.
pub fn parse_compact_hour(s: &str) -> Option<(Date, u8)> {
    let s = s.trim().trim_matches('"');
    let b = s.as_bytes();
    if s.len() < 13 || b[8] != b':' || !s.is_ascii() {
        return None;
    }
    let date = Date::new(
        s[0..4].parse().ok()?,
        s[4..6].parse().ok()?,
        s[6..8].parse().ok()?,
    )?;
    let hour: u8 = s[9..11].parse().ok()?;
    (hour < 24).then_some((date, hour))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_every_accepted_form() {
        let base = Date::new(2025, 3, 4).unwrap().days_since_epoch() * 1440 + 13 * 60 + 15;
        for s in [
            "2025-03-04 13:15",
            "2025-03-04 13:15:00",
            "2025-03-04T13:15",
            "2025-03-04T13:15:00+08:00",
            "2025-03-04T13:15:00+0800",
            "2025-03-04T05:15:00Z",
            "2025-03-04T00:15-05:00",
            "2025/03/04 13:15",
            "2025/3/4 13:15",
            "\"2025-03-04 13:15\"",
            " 2025-03-04 13:15 ",
        ] {
            assert_eq!(parse_timestamp(s, 480), Ok(base), "{s}");
        }
        assert_eq!(
            parse_timestamp("2025-03-04 24:00", 480),
            Ok(base - 13 * 60 - 15 + 1440)
        );
        // The same written instant on a UTC-5 clock is 13 h earlier.
        assert_eq!(
            parse_timestamp("2025-03-04T13:15+08:00", -300),
            Ok(base - 13 * 60)
        );
    }

    #[test]
    fn malformed_timestamps_say_what_is_wrong() {
        for (s, why) in [
            ("2025-03-04", "has no time (expected YYYY-MM-DD HH:MM)"),
            (
                "2025-02-30 10:00",
                "has no valid date (expected YYYY-MM-DD or YYYY/MM/DD)",
            ),
            ("2025-03-04 10:00:30", "is not on a whole minute"),
            ("2025-03-04 24:30", "is not a valid time of day"),
            ("2025-03-04 10:60", "is not a valid time of day"),
            ("2025-03-04 10", "has no minute"),
            ("2025-03-04 10:00:xx", "has unreadable seconds"),
            ("2025-03-04 10:00+8", "has an offset that is not ±HH:MM"),
        ] {
            assert_eq!(parse_timestamp(s, 480), Err(why), "{s}");
        }
    }

    #[test]
    fn a_non_ascii_offset_is_an_error_not_a_panic() {
        for bad in [
            "2025-01-01 07:00+1é1",
            "2025-01-01 07:00+é",
            "2025-01-01 07:00-0١:00",
        ] {
            assert_eq!(
                parse_timestamp(bad, 480),
                Err("has an offset that is not ±HH:MM"),
                "{bad}"
            );
        }
        assert!(parse_timestamp("2025-01-01 07:00+08:00", 480).is_ok());
    }

    #[test]
    fn days_and_compact_hours() {
        assert_eq!(parse_day("2025/3/4"), Date::new(2025, 3, 4));
        assert_eq!(parse_day("2025-03-04 00:00:00"), Date::new(2025, 3, 4));
        assert_eq!(parse_day("2025-03-04 01:00"), None);
        assert_eq!(
            parse_compact_hour("20070101:0010"),
            Some((Date::new(2007, 1, 1).unwrap(), 0))
        );
        assert_eq!(
            parse_compact_hour("\"20161231:2310\""),
            Some((Date::new(2016, 12, 31).unwrap(), 23))
        );
        assert_eq!(parse_compact_hour("20070101-0010"), None);
        assert_eq!(parse_compact_hour("20070230:0010"), None);
        assert_eq!(parse_compact_hour("20070101:2410"), None);
        assert_eq!(parse_compact_hour("2007é101:0010"), None);
    }
}

//! A value a swept key takes: a number, an integer, a choice or a flag, typed by the key.

use crate::scenario::schema::Kind;
use std::fmt;

/// One value of a swept key.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepValue {
    /// A number (keys of kind `Float` or `FloatOneOf`).
    Float(f64),
    /// An integer (keys of kind `Int` or `IntOneOf`; drawn numbers are rounded).
    Int(i64),
    /// A choice.
    Str(String),
    /// A flag.
    Bool(bool),
}

impl fmt::Display for SweepValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepValue::Float(x) => write!(f, "{x}"),
            SweepValue::Int(x) => write!(f, "{x}"),
            SweepValue::Str(s) => write!(f, "{s}"),
            SweepValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl SweepValue {
    /// A number for a key of this kind: integers are rounded to the nearest.
    pub fn number(x: f64, kind: Kind) -> SweepValue {
        match kind {
            Kind::Int { .. } | Kind::IntOneOf(_) => SweepValue::Int(x.round() as i64),
            _ => SweepValue::Float(x),
        }
    }

    /// A value of a `values` list for a key of this kind.
    ///
    /// # Errors
    /// What was expected, when the value's type does not fit the key.
    pub fn from_toml(v: &toml::Value, kind: Kind) -> Result<SweepValue, String> {
        let out = match (v, kind) {
            (toml::Value::Integer(i), Kind::Int { .. } | Kind::IntOneOf(_)) => SweepValue::Int(*i),
            (toml::Value::Float(x), Kind::Int { .. } | Kind::IntOneOf(_))
                if x.fract().abs() < 1e-12 && x.is_finite() =>
            {
                SweepValue::Int(*x as i64)
            }
            (
                toml::Value::Integer(i),
                Kind::Float { .. } | Kind::FloatOneOf(_) | Kind::FloatOrWord { .. },
            ) => SweepValue::Float(*i as f64),
            (
                toml::Value::Float(x),
                Kind::Float { .. } | Kind::FloatOneOf(_) | Kind::FloatOrWord { .. },
            ) => SweepValue::Float(*x),
            (toml::Value::String(s), Kind::FloatOrWord { word, .. }) if s == word => {
                SweepValue::Str(s.clone())
            }
            (toml::Value::String(s), Kind::Choice(_)) => SweepValue::Str(s.clone()),
            (toml::Value::Boolean(b), Kind::Bool) => SweepValue::Bool(*b),
            _ => return Err(format!("{v} is not {}", kind.describe(""))),
        };
        Ok(out)
    }

    /// Check the value against the key's type and range (the same rule as in a scenario file).
    ///
    /// # Errors
    /// What was expected, in words.
    pub fn check(&self, kind: Kind) -> Result<(), String> {
        let ok = match (self, kind) {
            (SweepValue::Float(x), Kind::Float { min, max }) => {
                x.is_finite() && (min..=max).contains(x)
            }
            (SweepValue::Float(x), Kind::FloatOneOf(set)) => {
                set.iter().any(|s| (s - x).abs() < 1e-9)
            }
            (SweepValue::Int(x), Kind::Int { min, max }) => (min..=max).contains(x),
            (SweepValue::Int(x), Kind::IntOneOf(set)) => set.contains(x),
            (SweepValue::Str(s), Kind::Choice(set)) => set.contains(&s.as_str()),
            (SweepValue::Float(x), Kind::FloatOrWord { min, max, .. }) => {
                x.is_finite() && (min..=max).contains(x)
            }
            (SweepValue::Str(s), Kind::FloatOrWord { word, .. }) => s == word,
            (SweepValue::Bool(_), Kind::Bool) => true,
            _ => false,
        };
        if ok { Ok(()) } else { Err(kind.describe("")) }
    }

    /// The value as a TOML value, to write into a scenario.
    pub fn to_toml_edit(&self) -> toml_edit::Value {
        match self {
            SweepValue::Float(x) => toml_edit::Value::from(*x),
            SweepValue::Int(x) => toml_edit::Value::from(*x),
            SweepValue::Str(s) => toml_edit::Value::from(s.as_str()),
            SweepValue::Bool(b) => toml_edit::Value::from(*b),
        }
    }

    /// The value as a CSV cell (quoted when it holds a comma or a quote).
    pub fn csv(&self) -> String {
        let s = self.to_string();
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_rounded_and_ranges_checked() {
        let k = Kind::Int { min: 1, max: 10 };
        assert_eq!(SweepValue::number(2.6, k), SweepValue::Int(3));
        assert!(SweepValue::Int(11).check(k).is_err());
        assert!(SweepValue::Int(10).check(k).is_ok());
        let f = Kind::Float { min: 0.0, max: 1.0 };
        assert!(SweepValue::Float(-0.01).check(f).is_err());
        assert!(SweepValue::Float(f64::NAN).check(f).is_err());
    }

    #[test]
    fn toml_values_take_the_key_type() {
        let k = Kind::Choice(&["a", "b"]);
        assert_eq!(
            SweepValue::from_toml(&toml::Value::String("a".into()), k),
            Ok(SweepValue::Str("a".into()))
        );
        assert!(SweepValue::from_toml(&toml::Value::Integer(1), k).is_err());
    }

    #[test]
    fn a_cap_or_none_sweeps_numbers_and_the_word() {
        let k = Kind::FloatOrWord {
            min: 0.01,
            max: 10.0,
            word: "none",
        };
        assert_eq!(
            SweepValue::from_toml(&toml::Value::Integer(2), k),
            Ok(SweepValue::Float(2.0))
        );
        let none = SweepValue::from_toml(&toml::Value::String("none".into()), k).unwrap();
        assert!(none.check(k).is_ok());
        assert!(SweepValue::from_toml(&toml::Value::String("nope".into()), k).is_err());
        assert!(SweepValue::Float(0.0).check(k).is_err());
        assert!(SweepValue::Float(1.5).check(k).is_ok());
    }
}

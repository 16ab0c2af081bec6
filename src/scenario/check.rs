//! First check of a scenario file, on its syntax tree with source positions: every key known,
//! every value of the right type and in range, every required key present. Driven by
//! [`super::schema::KEYS`].

use super::error::{ScenarioError, ScenarioErrorKind, SourceText};
use super::schema::{self, KeySpec, Kind, Presence};
use toml_edit::{Item, TableLike, Value};

/// Check a parsed document against the key table.
///
/// `require` enables the check for required keys (off for `defaults.toml`, which holds defaults
/// of array elements but not their required names).
pub fn check_document(
    src: &SourceText,
    root: &toml_edit::Table,
    require: bool,
) -> Result<(), ScenarioError> {
    let ck = Checker { src, require };
    ck.table(root, "", "", None)
}

struct Checker<'a> {
    src: &'a SourceText,
    require: bool,
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The closest known key to an unknown one: a sibling with a similar name, or the same name in
/// another section.
pub fn suggest(parent_pattern: &str, parent_concrete: &str, key: &str) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for s in schema::children(parent_pattern) {
        let cand = schema::leaf(s.path);
        let score = strsim::jaro_winkler(key, cand);
        let close = strsim::levenshtein(key, cand) <= 2.max(key.len() / 3);
        if (score >= 0.8 || close) && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, cand));
        }
    }
    if let Some((_, cand)) = best {
        return Some(join(parent_concrete, cand));
    }
    schema::KEYS
        .iter()
        .find(|s| schema::leaf(s.path) == key)
        .map(|s| s.path.replace("[]", "[0]"))
}

impl Checker<'_> {
    fn err(&self, span: Option<std::ops::Range<usize>>, kind: ScenarioErrorKind) -> ScenarioError {
        self.src.error(span.map(|s| s.start), kind)
    }

    fn table(
        &self,
        t: &dyn TableLike,
        pattern: &str,
        concrete: &str,
        header_span: Option<std::ops::Range<usize>>,
    ) -> Result<(), ScenarioError> {
        for (key, item) in t.iter() {
            let key_span = t.get_key_value(key).and_then(|(k, _)| k.span());
            let pat = join(pattern, key);
            let path = join(concrete, key);
            let Some(spec) = schema::spec(&pat) else {
                return Err(self.err(
                    key_span.or_else(|| item.span()),
                    ScenarioErrorKind::UnknownKey {
                        suggestion: suggest(pattern, concrete, key),
                        key: path,
                    },
                ));
            };
            self.item(spec, item, &pat, &path, key_span)?;
        }
        if self.require {
            for s in schema::children(pattern) {
                let leaf = schema::leaf(s.path);
                if s.presence == Presence::Required && !t.contains_key(leaf) {
                    return Err(self.err(
                        header_span.clone(),
                        ScenarioErrorKind::MissingKey {
                            key: join(concrete, leaf),
                            expected: s.kind.describe(s.unit),
                        },
                    ));
                }
            }
        }
        Ok(())
    }

    fn item(
        &self,
        spec: &KeySpec,
        item: &Item,
        pat: &str,
        path: &str,
        key_span: Option<std::ops::Range<usize>>,
    ) -> Result<(), ScenarioError> {
        let bad = |found: String, span: Option<std::ops::Range<usize>>| {
            self.err(
                span.or(key_span.clone()),
                ScenarioErrorKind::BadValue {
                    key: path.to_string(),
                    found,
                    expected: spec.kind.describe(spec.unit),
                },
            )
        };
        match spec.kind {
            Kind::Table | Kind::FreeTable => match item.as_table_like() {
                Some(t) if spec.kind == Kind::Table => self.table(t, pat, path, key_span),
                Some(_) => Ok(()),
                None => Err(bad(found_text(item), item.span())),
            },
            Kind::TableArray => {
                let elems: Vec<&dyn TableLike> = match item {
                    Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
                    Item::Value(Value::Array(a)) => {
                        let mut v = Vec::new();
                        for x in a.iter() {
                            match x.as_inline_table() {
                                Some(t) => v.push(t as &dyn TableLike),
                                None => return Err(bad(found_text(item), x.span())),
                            }
                        }
                        v
                    }
                    _ => return Err(bad(found_text(item), item.span())),
                };
                let arr_pat = format!("{pat}[]");
                for (i, t) in elems.into_iter().enumerate() {
                    let span = match item {
                        Item::ArrayOfTables(a) => a.get(i).and_then(|t| t.span()),
                        _ => None,
                    };
                    self.table(
                        t,
                        &arr_pat,
                        &format!("{path}[{i}]"),
                        span.or(key_span.clone()),
                    )?;
                }
                Ok(())
            }
            _ => {
                let Some(v) = item.as_value() else {
                    return Err(bad(found_text(item), item.span()));
                };
                if value_ok(&spec.kind, v) {
                    Ok(())
                } else {
                    Err(self.err(
                        offending_span(&spec.kind, v).or(key_span.clone()),
                        ScenarioErrorKind::BadValue {
                            key: path.to_string(),
                            found: found_value(v),
                            expected: expected_with_hint(spec, v),
                        },
                    ))
                }
            }
        }
    }
}

fn expected_with_hint(spec: &KeySpec, v: &Value) -> String {
    let base = spec.kind.describe(spec.unit);
    if let (Kind::Choice(choices), Some(s)) = (spec.kind, v.as_str()) {
        let best = choices
            .iter()
            .map(|c| (strsim::jaro_winkler(&s.to_lowercase(), c), c))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, c)) = best {
            return format!("{base} (did you mean \"{c}\"?)");
        }
    }
    base
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f.value()),
        Value::Integer(i) => Some(*i.value() as f64),
        _ => None,
    }
}

fn float_ok(v: &Value, min: f64, max: f64) -> bool {
    number(v).is_some_and(|x| x.is_finite() && x >= min && x <= max)
}

fn is_name(s: &str) -> bool {
    (1..=64).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.')
}

fn value_ok(kind: &Kind, v: &Value) -> bool {
    match kind {
        Kind::Str => v.is_str(),
        Kind::Path => v.as_str().is_some_and(|s| !s.trim().is_empty()),
        Kind::Name => v.as_str().is_some_and(is_name),
        Kind::Bool => v.is_bool(),
        Kind::Int { min, max } => v.as_integer().is_some_and(|i| i >= *min && i <= *max),
        Kind::IntOneOf(c) => v.as_integer().is_some_and(|i| c.contains(&i)),
        Kind::Float { min, max } => float_ok(v, *min, *max),
        Kind::FloatOneOf(c) => number(v).is_some_and(|x| c.iter().any(|&y| (x - y).abs() < 1e-9)),
        Kind::Choice(c) => v.as_str().is_some_and(|s| c.contains(&s)),
        Kind::Column => {
            v.as_str().is_some_and(|s| !s.trim().is_empty())
                || v.as_integer().is_some_and(|i| i >= 1)
        }
        Kind::FloatOrWord { min, max, word } => {
            v.as_str().is_some_and(|s| s == *word) || float_ok(v, *min, *max)
        }
        Kind::FloatList { min, max } => v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| float_ok(x, *min, *max))),
        Kind::ChoiceList(c) => v.as_array().is_some_and(|a| {
            a.iter()
                .all(|x| x.as_str().is_some_and(|s| c.is_empty() || c.contains(&s)))
        }),
        Kind::ScalarList => v.as_array().is_some_and(|a| {
            !a.is_empty()
                && a.iter()
                    .all(|x| x.is_str() || number(x).is_some_and(f64::is_finite))
        }),
        Kind::Table | Kind::TableArray | Kind::FreeTable => false,
    }
}

/// For lists, point at the first bad element rather than at the list.
fn offending_span(kind: &Kind, v: &Value) -> Option<std::ops::Range<usize>> {
    if let Some(a) = v.as_array() {
        let elem_kind = match kind {
            Kind::FloatList { min, max } => Kind::Float {
                min: *min,
                max: *max,
            },
            _ => return v.span(),
        };
        for x in a.iter() {
            if !value_ok(&elem_kind, x) {
                return x.span();
            }
        }
    }
    v.span()
}

fn found_value(v: &Value) -> String {
    let mut s = v.to_string().trim().to_string();
    if s.chars().count() > 60 {
        s = s.chars().take(57).collect::<String>() + "...";
    }
    let t = v.type_name();
    format!("{s} ({t})")
}

fn found_text(item: &Item) -> String {
    match item {
        Item::Value(v) => found_value(v),
        Item::Table(_) => "a table".into(),
        Item::ArrayOfTables(_) => "an array of tables".into(),
        Item::None => "nothing".into(),
    }
}

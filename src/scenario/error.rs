//! Scenario errors: what is wrong, where (file, line, column, key path), what was found and what
//! was expected, in words a planner understands.

use std::fmt;
use std::path::PathBuf;

/// Where in a scenario file an error was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// The text of that line, for display.
    pub source_line: Option<String>,
}

/// What is wrong with a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioErrorKind {
    /// The file cannot be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// The text is not valid TOML.
    #[error("invalid TOML{}: {message}", key.as_ref().map(|k| format!(" at `{k}`")).unwrap_or_default())]
    Syntax {
        /// The parser's message.
        message: String,
        /// The key being written where the error is, when one can be told.
        key: Option<String>,
    },
    /// A key the format does not have.
    #[error("unknown key `{key}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownKey {
        /// The key path found.
        key: String,
        /// The closest known key, if one is close.
        suggestion: Option<String>,
    },
    /// A required key is absent.
    #[error("missing key `{key}`: expected {expected}")]
    MissingKey {
        /// The key path that is missing.
        key: String,
        /// What it must be.
        expected: String,
    },
    /// A value of the wrong type or out of range.
    #[error("`{key}` = {found}: expected {expected}")]
    BadValue {
        /// The key path.
        key: String,
        /// The value found, as written.
        found: String,
        /// What was expected (type, unit, range).
        expected: String,
    },
    /// A rule across several keys is broken (duplicates, empty lists, inconsistent values).
    #[error("`{key}`: {message}")]
    Rule {
        /// The key path the rule is about.
        key: String,
        /// What is wrong and what would be right.
        message: String,
    },
    /// A file named in the scenario does not exist or cannot be used.
    #[error("`{key}` = \"{path}\": {message}")]
    File {
        /// The key path naming the file.
        key: String,
        /// The path as resolved.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A scenario error with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// Where (boxed: errors travel through many `Result`s).
    pub location: Box<Location>,
    /// What.
    pub kind: ScenarioErrorKind,
}

impl ScenarioError {
    /// The key path the error is about, if any.
    pub fn key(&self) -> Option<&str> {
        match &self.kind {
            ScenarioErrorKind::UnknownKey { key, .. }
            | ScenarioErrorKind::MissingKey { key, .. }
            | ScenarioErrorKind::BadValue { key, .. }
            | ScenarioErrorKind::Rule { key, .. }
            | ScenarioErrorKind::File { key, .. } => Some(key),
            ScenarioErrorKind::Syntax { key, .. } => key.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(f, "{}", loc.file.display())?;
        if let Some(line) = loc.line {
            write!(f, ":{line}")?;
            if let Some(col) = loc.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", clip_message(&self.kind.to_string()))?;
        if let (Some(line), Some(text)) = (loc.line, &loc.source_line) {
            let gutter = line.to_string();
            let (window, col) = source_window(text.trim_end(), loc.column);
            write!(f, "\n {gutter} | {window}")?;
            if let Some(col) = col {
                let pad: String = window
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {} | {pad}^", " ".repeat(gutter.len()))?;
            }
        }
        Ok(())
    }
}

/// Most characters of the input a message echoes.
const ECHO_CHARS: usize = 200;

/// A message shortened to its first and last characters when it echoes a long input (a key
/// path thousands of tables deep, a huge value).
fn clip_message(m: &str) -> String {
    let n = m.chars().count();
    if n <= ECHO_CHARS + 100 {
        return m.to_string();
    }
    let head: String = m.chars().take(ECHO_CHARS).collect();
    let tail: String = m.chars().skip(n - 60).collect();
    format!("{head}… ({} characters cut) …{tail}", n - ECHO_CHARS - 60)
}

/// At most [`ECHO_CHARS`] characters of a source line around `column` (1-based), and the
/// column within that window.
fn source_window(text: &str, column: Option<usize>) -> (String, Option<usize>) {
    let n = text.chars().count();
    if n <= ECHO_CHARS {
        return (text.to_string(), column);
    }
    let col = column.unwrap_or(1).max(1);
    let start = col.saturating_sub(ECHO_CHARS / 2 + 1).min(n - ECHO_CHARS);
    let window: String = text.chars().skip(start).take(ECHO_CHARS).collect();
    let lead = if start > 0 { "…" } else { "" };
    let trail = if start + ECHO_CHARS < n { "…" } else { "" };
    (
        format!("{lead}{window}{trail}"),
        column.map(|c| c - start + lead.chars().count()),
    )
}

impl std::error::Error for ScenarioError {}

/// Maps byte offsets of a text to lines and columns.
#[derive(Debug, Clone)]
pub struct SourceText {
    file: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceText {
    /// Index a text read from `file`.
    pub fn new(file: PathBuf, text: String) -> SourceText {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceText {
            file,
            text,
            line_starts,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file name.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }

    /// A location for a byte offset (or for the file as a whole when `None`).
    pub fn locate(&self, offset: Option<usize>) -> Location {
        let Some(off) = offset else {
            return Location {
                file: self.file.clone(),
                ..Location::default()
            };
        };
        let off = off.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx];
        let end = self
            .line_starts
            .get(line_idx + 1)
            .map_or(self.text.len(), |&e| e.saturating_sub(1));
        let line_text = self.text.get(start..end).unwrap_or("").to_string();
        let column = self
            .text
            .get(start..off)
            .map_or(1, |s| s.chars().count() + 1);
        Location {
            file: self.file.clone(),
            line: Some(line_idx + 1),
            column: Some(column),
            source_line: Some(line_text.trim_end_matches('\r').to_string()),
        }
    }

    /// The key being written at a byte offset, told from the text alone (for syntax errors,
    /// where no syntax tree exists): the last `[section]` header above and the `key =` of the
    /// line, e.g. `pv.tilt_deg`.
    pub fn key_context(&self, offset: usize) -> Option<String> {
        let upto = self.text.get(..offset.min(self.text.len()))?;
        let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let line = &self.text[line_start..line_end];
        let section = upto[..line_start].lines().rev().find_map(|l| {
            let t = l.trim();
            t.starts_with('[').then(|| {
                t.trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            })
        });
        let key = line
            .split_once('=')
            .map(|(k, _)| k.trim().to_string())
            .filter(|k| !k.is_empty() && !k.starts_with('[') && !k.starts_with('#'));
        match (section, key) {
            (Some(s), Some(k)) => Some(format!("{s}.{k}")),
            (None, Some(k)) => Some(k),
            (Some(s), None) if !line.trim_start().starts_with('[') => Some(s),
            _ => None,
        }
    }

    /// An error at a byte offset.
    pub fn error(&self, offset: Option<usize>, kind: ScenarioErrorKind) -> ScenarioError {
        ScenarioError {
            location: Box::new(self.locate(offset)),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let s = SourceText::new("a.toml".into(), "x = 1\n[pv]\ntilt = 2\n".into());
        let l = s.locate(Some(11));
        assert_eq!((l.line, l.column), (Some(3), Some(1)));
        let l = s.locate(Some(18));
        assert_eq!((l.line, l.column), (Some(3), Some(8)));
        assert_eq!(l.source_line.as_deref(), Some("tilt = 2"));
        let e = s.error(
            Some(11),
            ScenarioErrorKind::UnknownKey {
                key: "pv.tilt".into(),
                suggestion: Some("pv.tilt_deg".into()),
            },
        );
        let text = e.to_string();
        assert!(
            text.starts_with("a.toml:3:1: unknown key `pv.tilt`; did you mean `pv.tilt_deg`?"),
            "{text}"
        );
        assert!(text.contains(" 3 | tilt = 2"), "{text}");
    }

    #[test]
    fn messages_echo_at_most_200_characters_of_input() {
        // A header 20,000 tables deep: the message stays short and still names the line.
        let deep = format!("[{}]\n", vec!["a"; 20_000].join("."));
        let text = format!("{deep}[scenario]\nname = \"t\"\n");
        let e = crate::scenario::load_str(&text, std::path::Path::new("deep.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.len() < 1200,
            "{} bytes: {}",
            e.len(),
            &e[..300.min(e.len())]
        );
        assert!(e.starts_with("deep.toml:1"), "{e}");
        // A long line: the caret still points at the column inside the window.
        let (w, c) = source_window(
            &format!("{}X{}", "a".repeat(500), "b".repeat(500)),
            Some(501),
        );
        assert!(w.chars().count() <= ECHO_CHARS + 2);
        assert_eq!(w.chars().nth(c.unwrap() - 1), Some('X'));
        assert_eq!(
            source_window("short", Some(3)),
            ("short".to_string(), Some(3))
        );
        assert!(clip_message(&"k".repeat(10_000)).chars().count() < 300);
    }
}

//! The rows of a meter file as text cells, whatever its container: a CSV file (any single-byte
//! delimiter, UTF-8 or GBK/GB18030 text, quoted fields per RFC 4180, read with the `csv` crate)
//! or a spreadsheet (`.xlsx`, `.xlsm`, `.xls`, `.ods`, read with `calamine`; first sheet or a
//! named one). Row numbers are the file's own: the CSV line or the spreadsheet row (1-based),
//! so that errors point where a planner looks.
//!
//! Owns decoding and cell text only; what the cells mean is [`super::meter`]'s business.

use super::error::LoadError;
use std::path::Path;

/// The text encoding of a CSV meter file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8; a byte-order mark is accepted.
    #[default]
    Utf8,
    /// GBK or its superset GB18030, as Chinese Excel and utility portals export CSV.
    Gb18030,
}

/// A column of a meter file: by its header text, or by its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// The header cell's text (surrounding spaces ignored).
    Name(String),
    /// Position from the left, 1-based.
    Position(usize),
}

impl From<&str> for Column {
    fn from(s: &str) -> Column {
        Column::Name(s.to_string())
    }
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Column::Name(n) => f.write_str(n),
            Column::Position(p) => write!(f, "#{p}"),
        }
    }
}

/// A meter file's header and data rows as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Header cells.
    pub header: Vec<String>,
    /// Line (CSV) or row (spreadsheet) of the header, 1-based.
    pub header_line: usize,
    /// Data rows with their line or row number; blank rows are left out.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The index of a column in the header.
    ///
    /// # Errors
    /// [`LoadError::MissingColumn`] naming the header's columns.
    pub fn index(&self, path: &Path, column: &Column) -> Result<usize, LoadError> {
        let found = match column {
            Column::Name(n) => self.header.iter().position(|h| h.trim() == n.trim()),
            Column::Position(p) => (*p >= 1 && *p <= self.header.len()).then(|| p - 1),
        };
        // A header read as one cell that holds another delimiter: the file is split with
        // another character than `meter_delimiter` says.
        let hint = match self.header.as_slice() {
            [one] => [(';', ";"), ('\t', "\\t"), ('|', "|"), (',', ",")]
                .iter()
                .find(|(c, _)| one.contains(*c))
                .map_or(String::new(), |(_, shown)| {
                    format!(
                        "; the header reads as one column whose cells look separated by `{shown}`: set `meter_delimiter = \"{shown}\"`"
                    )
                }),
            _ => String::new(),
        };
        found.ok_or_else(|| LoadError::MissingColumn {
            path: path.to_path_buf(),
            line: self.header_line,
            column: column.to_string(),
            found: self.header.join(", ") + &hint,
        })
    }
}

/// Whether a path names a spreadsheet (by its extension).
pub fn is_spreadsheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xls", "xlsb", "ods"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Read a meter file into text rows.
///
/// # Arguments
/// * `path` - a CSV file, or a spreadsheet by its extension (see [`is_spreadsheet`])
/// * `delimiter` - field delimiter of a CSV file (one byte: `,`, `;`, tab, `|`)
/// * `encoding` - text encoding of a CSV file
/// * `sheet` - the sheet of a spreadsheet; `None` for the first
///
/// # Errors
/// [`LoadError::Io`], [`LoadError::NotUtf8`] (naming the line and the encoding key),
/// [`LoadError::BadEncoding`], [`LoadError::Spreadsheet`], [`LoadError::EmptyFile`].
pub fn read_table(
    path: &Path,
    delimiter: u8,
    encoding: Encoding,
    sheet: Option<&str>,
) -> Result<Table, LoadError> {
    let (rows, place) = if is_spreadsheet(path) {
        spreadsheet_rows(path, sheet)?
    } else {
        (csv_rows(path, delimiter, encoding)?, String::new())
    };
    let mut it = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_line, header)) = it.next() else {
        return Err(LoadError::EmptyFile {
            path: path.to_path_buf(),
            what: format!("no header line{place}"),
        });
    };
    let rows: Vec<(usize, Vec<String>)> = it.collect();
    if rows.is_empty() {
        return Err(LoadError::EmptyFile {
            path: path.to_path_buf(),
            what: format!("a header but no data rows{place}"),
        });
    }
    Ok(Table {
        header,
        header_line,
        rows,
    })
}

fn decode(path: &Path, bytes: &[u8], encoding: Encoding) -> Result<String, LoadError> {
    let line_at = |upto: usize| bytes[..upto].iter().filter(|&&b| b == b'\n').count() + 1;
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
            Err(e) => Err(LoadError::NotUtf8 {
                path: path.to_path_buf(),
                line: line_at(e.valid_up_to()),
            }),
        },
        Encoding::Gb18030 => {
            // Chinese text in UTF-8 is almost never valid GBK read as a whole and vice versa: a
            // file that is valid UTF-8 with non-ASCII bytes was declared wrongly.
            if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return Err(LoadError::DeclaredGbkIsUtf8 {
                    path: path.to_path_buf(),
                });
            }
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                // Find the first line that does not decode, for the message.
                let mut start = 0;
                let mut line = 1;
                for (i, &b) in bytes.iter().enumerate() {
                    if b == b'\n' {
                        let (_, bad) =
                            encoding_rs::GB18030.decode_without_bom_handling(&bytes[start..i]);
                        if bad {
                            break;
                        }
                        start = i + 1;
                        line += 1;
                    }
                }
                return Err(LoadError::BadEncoding {
                    path: path.to_path_buf(),
                    line,
                    encoding: "GBK/GB18030",
                });
            }
            Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
        }
    }
}

/// Rows of cells with their line or row number.
type Rows = Vec<(usize, Vec<String>)>;

fn csv_rows(path: &Path, delimiter: u8, encoding: Encoding) -> Result<Rows, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode(path, &bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| LoadError::EmptyFile {
            path: path.to_path_buf(),
            what: format!("unreadable CSV: {e}"),
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        out.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(out)
}

/// The text of a spreadsheet cell: numbers as Rust prints them, dates as
/// `YYYY-MM-DD HH:MM:SS` (Excel's serial day count from 1899-12-30).
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => excel_serial_text(t.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// `YYYY-MM-DD HH:MM:SS` of an Excel serial date (days since 1899-12-30, 1900 date system).
pub fn excel_serial_text(serial: f64) -> String {
    let total_s = (serial * 86_400.0).round() as i64;
    let days = total_s.div_euclid(86_400);
    let s = total_s.rem_euclid(86_400);
    // 1970-01-01 is serial day 25569.
    let date = crate::calendar::Date::from_days_since_epoch(days - 25_569);
    format!(
        "{date} {:02}:{:02}:{:02}",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

/// The rows of a sheet, and where they come from for messages (` in sheet … (sheets: …)`).
fn spreadsheet_rows(path: &Path, sheet: Option<&str>) -> Result<(Rows, String), LoadError> {
    use calamine::Reader;
    let bad = |message: String| LoadError::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let mut book = calamine::open_workbook_auto(path).map_err(|e| bad(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                return Err(bad(format!(
                    "no sheet `{s}` (sheets: {})",
                    names.join(", ")
                )));
            }
            s.to_string()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("the workbook has no sheet".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| bad(format!("sheet `{name}`: {e}")))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let lead = vec![String::new(); col0 as usize];
    let place = format!(
        " in sheet `{name}` (sheets: {}; `meter_sheet` chooses one)",
        names.join(", ")
    );
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = lead.clone();
            cells.extend(r.iter().map(cell_text));
            (row0 as usize + i + 1, cells)
        })
        .collect();
    Ok((rows, place))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_dates_and_times() {
        // 45658 is 2025-01-01 in Excel's 1900 date system; 0.25 of a day is 06:00.
        assert_eq!(excel_serial_text(45658.0), "2025-01-01 00:00:00");
        assert_eq!(excel_serial_text(45658.25), "2025-01-01 06:00:00");
        assert_eq!(
            excel_serial_text(45658.0 + 15.0 / 1440.0),
            "2025-01-01 00:15:00"
        );
    }

    #[test]
    fn gbk_text_decodes_and_bad_bytes_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gbk.csv");
        // "时间,有功功率(kW)" in GBK, then a data line.
        let mut bytes = vec![
            0xca, 0xb1, 0xbc, 0xe4, b',', 0xd3, 0xd0, 0xb9, 0xa6, 0xb9, 0xa6, 0xc2, 0xca,
        ];
        bytes.extend_from_slice(b"(kW)\n2025-01-01 00:00,1.5\n");
        std::fs::write(&p, &bytes).unwrap();
        let t = read_table(&p, b',', Encoding::Gb18030, None).unwrap();
        assert_eq!(t.header, ["时间", "有功功率(kW)"]);
        assert_eq!(t.rows, [(2, vec!["2025-01-01 00:00".into(), "1.5".into()])]);
        // The same bytes are not UTF-8: line 1 is named.
        let e = read_table(&p, b',', Encoding::Utf8, None).unwrap_err();
        assert!(matches!(e, LoadError::NotUtf8 { line: 1, .. }), "{e}");
        // UTF-8 Chinese declared as GBK is named for what it is.
        let u = dir.path().join("utf8.csv");
        std::fs::write(&u, "时间,有功功率(kW)\n2025-01-01 00:00,1.5\n").unwrap();
        let e = read_table(&u, b',', Encoding::Gb18030, None).unwrap_err();
        assert!(matches!(e, LoadError::DeclaredGbkIsUtf8 { .. }), "{e}");
        assert!(e.to_string().contains("meter_encoding = \"utf-8\""), "{e}");
        // A lone lead byte on line 3 is not GBK either.
        bytes.extend_from_slice(&[b'x', 0x81, b'\n']);
        std::fs::write(&p, &bytes).unwrap();
        let e = read_table(&p, b',', Encoding::Gb18030, None).unwrap_err();
        assert!(matches!(e, LoadError::BadEncoding { line: 3, .. }), "{e}");
    }

    #[test]
    fn columns_by_name_or_position() {
        let t = Table {
            header: vec!["a".into(), " b ".into()],
            header_line: 1,
            rows: vec![],
        };
        let p = Path::new("x.csv");
        assert_eq!(t.index(p, &"b".into()).unwrap(), 1);
        assert_eq!(t.index(p, &Column::Position(1)).unwrap(), 0);
        assert!(t.index(p, &Column::Position(3)).is_err());
        assert!(t.index(p, &"c".into()).is_err());
    }
}

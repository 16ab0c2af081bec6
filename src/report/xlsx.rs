//! `report.xlsx` (Excel workbook, 报表工作簿): the run's tables as sheets a planner opens in Excel,
//! WPS or LibreOffice.
//!
//! Sheets: `summary 汇总` (park totals per strategy), `claims 目标核验`, then the CSV tables
//! `enterprises 企业` (`enterprises.csv`), `monthly bills 月度电费` (`bills.csv`),
//! `cash flows 现金流` (`cashflows.csv`) and `savings account 节省账户` (`measures.csv`), each
//! with the CSV's header and rows. Every header carries its unit in the column name
//! (`bill_yuan`, `pv_kwh`, `saving_fraction`), the header row is frozen and filtered, and each
//! column has a number format chosen from its unit.
//!
//! The CSV sheets are written from the same text as the CSV files, so sheet and file can never
//! disagree; nothing is recomputed here. The workbook's creation date is fixed so that the same
//! run gives the same bytes.
//!
//! This module must not compute metrics or know models' internals.

use crate::park::ParkResult;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// Name of the workbook written beside the CSV files.
pub const FILE_NAME: &str = "report.xlsx";

/// The CSV files of a run that become sheets, in sheet order.
pub const CSV_FILES: [&str; 4] = [
    "enterprises.csv",
    "bills.csv",
    "cashflows.csv",
    "measures.csv",
];

/// Rows of an Excel worksheet, header included.
const EXCEL_MAX_ROWS: usize = 1_048_576;

/// The sheet names, in workbook order.
pub const SHEETS: [&str; 6] = [
    SUMMARY_SHEET,
    CLAIMS_SHEET,
    "enterprises 企业",
    "monthly bills 月度电费",
    "cash flows 现金流",
    "savings account 节省账户",
];

/// The sheet of park totals per strategy.
pub const SUMMARY_SHEET: &str = "summary 汇总";
/// The sheet of claims.
pub const CLAIMS_SHEET: &str = "claims 目标核验";

/// Columns of the summary sheet, with their units in the names.
pub const SUMMARY_COLUMNS: [&str; 23] = [
    "strategy",
    "bill_yuan",
    "kwh",
    "import_kwh",
    "average_price_yuan_per_kwh",
    "saving_yuan",
    "saving_fraction",
    "pv_kw",
    "pv_kwh",
    "pv_self_consumed_kwh",
    "pv_exported_kwh",
    "emc_payment_yuan",
    "storage_kwh",
    "storage_kw",
    "storage_discharged_kwh",
    "investment_yuan",
    "npv_yuan",
    "irr_fraction",
    "payback_years",
    "investor_investment_yuan",
    "investor_npv_yuan",
    "investor_irr_fraction",
    "pv_lcoe_yuan_per_kwh",
];

/// Columns of the claims sheet.
pub const CLAIMS_COLUMNS: [&str; 10] = [
    "tariff_version",
    "claim",
    "description",
    "strategy",
    "stated_as",
    "claimed",
    "simulated",
    "margin",
    "holds",
    "assumptions",
];

/// Columns that hold words, never numbers (an enterprise named `2024` stays a name).
const TEXT_COLUMNS: [&str; 14] = [
    "enterprise",
    "group",
    "archetype",
    "strategy",
    "billing_option",
    "market_mode",
    "irr_note",
    "investor_irr_note",
    "party",
    "measure",
    "framing",
    "reference",
    "worst_enterprises",
    "description",
];

/// The Excel number format of a column, chosen from the unit in its name.
pub fn number_format(column: &str) -> &'static str {
    let c = column;
    if c.ends_with("_fraction") || c == "irr" || c == "investor_irr" || c == "load_factor" {
        "0.00%"
    } else if c.ends_with("_per_kwh") {
        "0.0000"
    } else if c.ends_with("_yuan") {
        "#,##0.00"
    } else if c == "year" || c == "month" || c.ends_with("_steps") || c == "enterprises_losing" {
        "0"
    } else if c.contains("kwh") || c.ends_with("_kw") || c.ends_with("_kva") || c.ends_with("_kvar")
    {
        "#,##0.0"
    } else if c.ends_with("_years") || c.ends_with("_cycles") || c == "storage_cycles" {
        "0.00"
    } else if c.ends_with("_factor") {
        "0.0000"
    } else {
        "General"
    }
}

/// Why the workbook could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XlsxReportError {
    /// A CSV table of the run could not be read back (a bug: the tables write valid CSV).
    #[error("table {table}: {reason}")]
    Table {
        /// The CSV file name.
        table: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The workbook writer failed.
    #[error("writing the workbook failed: {0}")]
    Writer(#[from] XlsxError),
}

/// Cells (rows × columns) of a CSV table beyond which its sheet only points to the CSV file:
/// the workbook is made in memory (over 100 bytes a cell) and must stay small enough to make
/// and for a spreadsheet program to open (the default park's largest table, `cashflows.csv`,
/// has about 1.1 million cells).
pub const MAX_SHEET_CELLS: usize = 2_000_000;

/// A CSV table for a sheet of the workbook.
#[derive(Debug, Clone, Copy)]
pub enum SheetSource<'a> {
    /// The table's text as the run wrote it.
    Csv(&'a str),
    /// A table of more than [`MAX_SHEET_CELLS`] cells, left in its file (its row count).
    LeftInFile {
        /// Data rows of the table.
        rows: usize,
    },
}

/// Data rows and columns of a CSV file written by a run (its lines less the header; the
/// header's fields, which hold no quoted commas), counted without holding the file.
///
/// # Errors
/// An I/O error of the read.
pub fn count_rows(path: &std::path::Path) -> std::io::Result<(usize, usize)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut cols, mut in_header) = (0usize, 1usize, true);
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        for &b in &buf[..k] {
            if b == b'\n' {
                lines += 1;
                in_header = false;
            } else if in_header && b == b',' {
                cols += 1;
            }
        }
    }
    Ok((lines.saturating_sub(1), cols))
}

/// The bytes of `report.xlsx` for a run: the summary and claims from `r`, and the CSV tables
/// given as text ([`CSV_FILES`], in that order, as the run wrote them). A table longer than a
/// worksheet holds is left in its CSV file, and its sheet says so.
///
/// # Errors
/// [`XlsxReportError`] when a table is not valid CSV or the writer fails.
pub fn workbook_bytes(
    r: &ParkResult,
    tables: [SheetSource<'_>; 4],
) -> Result<Vec<u8>, XlsxReportError> {
    let mut wb = Workbook::new();
    // A fixed creation date: the same run gives the same bytes (the zip entries are dated
    // 1980-01-01 by the writer).
    let date = ExcelDateTime::from_ymd(1980, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("parkenergy: {}", r.scenario))
            .set_creation_datetime(&date),
    );
    let header = Format::new().set_bold().set_text_wrap();
    summary_sheet(wb.add_worksheet(), r, &header)?;
    claims_sheet(wb.add_worksheet(), r, &header)?;
    let names = [
        "enterprises.csv",
        "bills.csv",
        "cashflows.csv",
        "measures.csv",
    ];
    for (k, (source, table)) in tables.iter().zip(names).enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(SHEETS[2 + k])?;
        match source {
            SheetSource::Csv(text) => csv_sheet(ws, table, text, &header)?,
            SheetSource::LeftInFile { rows } => {
                ws.write_string(
                    0,
                    0,
                    format!(
                        "{rows} rows: more than this workbook takes (at most {MAX_SHEET_CELLS} cells a sheet, so that it stays small enough to make and to open); see {table}"
                    ),
                )?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Header row: bold, frozen, with an autofilter over `cols` columns and `rows` data rows.
fn header_row(
    ws: &mut Worksheet,
    names: &[&str],
    rows: u32,
    header: &Format,
) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *name, header)?;
        let width = (name.chars().count() as f64 * 1.1).clamp(10.0, 40.0);
        ws.set_column_width(c, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !names.is_empty() {
        ws.autofilter(0, 0, rows, names.len() as u16 - 1)?;
    }
    Ok(())
}

/// Write `x` in the column's number format, or an empty cell when there is none.
fn number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    name: &str,
    x: Option<f64>,
) -> Result<(), XlsxError> {
    if let Some(x) = x.filter(|x| x.is_finite()) {
        ws.write_number_with_format(
            row,
            col,
            x,
            &Format::new().set_num_format(number_format(name)),
        )?;
    }
    Ok(())
}

fn summary_sheet(ws: &mut Worksheet, r: &ParkResult, header: &Format) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    header_row(ws, &SUMMARY_COLUMNS, r.totals.len() as u32, header)?;
    for (i, t) in r.totals.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &t.strategy)?;
        let values = [
            Some(t.bill_yuan),
            Some(t.kwh),
            Some(t.import_kwh),
            Some(t.average_price_yuan_per_kwh),
            Some(t.saving_yuan),
            Some(t.saving_fraction),
            Some(t.pv_kw),
            Some(t.pv_kwh),
            Some(t.pv_self_consumed_kwh),
            Some(t.pv_exported_kwh),
            Some(t.emc_payment_yuan),
            Some(t.storage_kwh),
            Some(t.storage_kw),
            Some(t.storage_discharged_kwh),
            Some(t.investment_yuan),
            Some(t.npv_yuan),
            t.irr,
            t.payback_years,
            Some(t.investor_investment_yuan),
            Some(t.investor_npv_yuan),
            t.investor_irr,
            t.pv_lcoe_yuan_per_kwh,
        ];
        for (k, v) in values.into_iter().enumerate() {
            let c = k + 1;
            number(ws, row, c as u16, SUMMARY_COLUMNS[c], v)?;
        }
    }
    Ok(())
}

fn claims_sheet(ws: &mut Worksheet, r: &ParkResult, header: &Format) -> Result<(), XlsxError> {
    ws.set_name(CLAIMS_SHEET)?;
    let mut rows: Vec<(&str, &crate::park::ClaimCheck)> =
        r.claims.iter().map(|c| ("(run)", c)).collect();
    for t in &r.claims_by_tariff {
        rows.extend(t.claims.iter().map(|c| (t.version.as_str(), c)));
    }
    header_row(ws, &CLAIMS_COLUMNS, rows.len() as u32, header)?;
    ws.set_column_width(2, 50)?;
    ws.set_column_width(9, 80)?;
    for (i, (version, c)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        // A fraction claim reads as a percentage, an amount as yuan/yr.
        let unit = if c.key.ends_with("_fraction") {
            "0.00%"
        } else {
            "#,##0"
        };
        let fmt = Format::new().set_num_format(unit);
        ws.write_string(row, 0, *version)?;
        ws.write_string(row, 1, &c.key)?;
        ws.write_string(row, 2, &c.description)?;
        ws.write_string(row, 3, &c.strategy)?;
        ws.write_string(row, 4, c.kind.name())?;
        ws.write_number_with_format(row, 5, c.claimed, &fmt)?;
        ws.write_number_with_format(row, 6, c.simulated, &fmt)?;
        ws.write_number_with_format(row, 7, c.margin, &fmt)?;
        ws.write_boolean(row, 8, c.holds)?;
        ws.write_string(row, 9, c.assumptions.join("; "))?;
    }
    Ok(())
}

/// A CSV table as a sheet: its header, then its rows, numbers as numbers in the column's
/// format, words as text, empty fields as empty cells.
fn csv_sheet(
    ws: &mut Worksheet,
    table: &'static str,
    text: &str,
    header: &Format,
) -> Result<(), XlsxReportError> {
    let bad = |e: csv::Error| XlsxReportError::Table {
        table,
        reason: e.to_string(),
    };
    let mut rd = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let names: Vec<String> = rd
        .headers()
        .map_err(bad)?
        .iter()
        .map(String::from)
        .collect();
    let records: Vec<csv::StringRecord> = rd.records().collect::<Result<_, _>>().map_err(bad)?;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    if records.len() + 1 > EXCEL_MAX_ROWS {
        // A sheet holds at most 1,048,576 rows: the table stays in its CSV file.
        ws.write_string(
            0,
            0,
            format!(
                "{} rows: more than a worksheet holds ({EXCEL_MAX_ROWS}); see {table}",
                records.len()
            ),
        )?;
        return Ok(());
    }
    header_row(ws, &refs, records.len() as u32, header)?;
    let formats: Vec<Format> = names
        .iter()
        .map(|n| Format::new().set_num_format(number_format(n)))
        .collect();
    let is_text: Vec<bool> = names
        .iter()
        .map(|n| TEXT_COLUMNS.contains(&n.as_str()))
        .collect();
    for (i, rec) in records.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, field) in rec.iter().enumerate().take(names.len()) {
            if field.is_empty() {
                continue;
            }
            let col = c as u16;
            match field.parse::<f64>() {
                Ok(x) if !is_text[c] && x.is_finite() => {
                    ws.write_number_with_format(row, col, x, &formats[c])?;
                }
                _ => {
                    ws.write_string(row, col, field)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats_follow_the_unit_in_the_name() {
        assert_eq!(number_format("bill_yuan"), "#,##0.00");
        assert_eq!(number_format("saving_fraction"), "0.00%");
        assert_eq!(number_format("irr"), "0.00%");
        assert_eq!(number_format("average_price_yuan_per_kwh"), "0.0000");
        assert_eq!(number_format("kwh_peak"), "#,##0.0");
        assert_eq!(number_format("pv_kw"), "#,##0.0");
        assert_eq!(number_format("payback_years"), "0.00");
        assert_eq!(number_format("month"), "0");
        assert_eq!(number_format("enterprise"), "General");
    }

    #[test]
    fn sheet_names_are_legal_excel_names() {
        for s in SHEETS {
            assert!(s.chars().count() <= 31, "{s}");
            assert!(!s.contains(['[', ']', ':', '*', '?', '/', '\\']), "{s}");
        }
    }
}

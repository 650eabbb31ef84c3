//! A department file read as rows of cells, each numbered as a spreadsheet numbers its rows: CSV (UTF-8, with or without a byte-order mark, LF or
//! CR/LF) or the first sheet of an Excel workbook (.xlsx). The first row is the header.

use std::path::Path;

use discovery::Cell;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the CSV file cannot be read at line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the Excel workbook cannot be read: {0}")]
    Excel(String),
    #[error("the file has no header row")]
    Empty,
    #[error("only .csv and .xlsx files can be imported")]
    UnknownFormat,
}

/// The file's rows, each with its line (1 is the header), handed on in batches.
pub fn read_rows(
    path: &Path,
    name: &str,
    batch: usize,
    mut each: impl FnMut(Vec<String>, Vec<(u64, Vec<Cell>)>) -> bool,
) -> Result<(), FileError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        read_csv(path, batch, each)
    } else if lower.ends_with(".xlsx") {
        let (header, rows) = read_xlsx(path)?;
        let mut line = 1;
        for chunk in rows.chunks(batch) {
            let numbered = chunk
                .iter()
                .map(|cells| {
                    line += 1;
                    (line, cells.clone())
                })
                .collect();
            if !each(header.clone(), numbered) {
                break;
            }
        }
        Ok(())
    } else {
        Err(FileError::UnknownFormat)
    }
}

fn read_csv(
    path: &Path,
    batch: usize,
    mut each: impl FnMut(Vec<String>, Vec<(u64, Vec<Cell>)>) -> bool,
) -> Result<(), FileError> {
    let file = std::fs::File::open(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| FileError::Csv {
            line: 1,
            reason: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let mut rows = Vec::with_capacity(batch);
    let mut record = csv::StringRecord::new();
    let mut row_number = 1_u64;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| FileError::Csv {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: e.to_string(),
            })?;
        if !more {
            break;
        }
        // The row as a spreadsheet numbers it (the header is row 1), which is what a department
        // opening its file finds.
        row_number += 1;
        rows.push((row_number, record.iter().map(Cell::text).collect()));
        if rows.len() == batch && !each(header.clone(), std::mem::take(&mut rows)) {
            return Ok(());
        }
    }
    if !rows.is_empty() {
        each(header, rows);
    }
    Ok(())
}

fn read_xlsx(path: &Path) -> Result<(Vec<String>, Vec<Vec<Cell>>), FileError> {
    use calamine::{Data, Reader};
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e: calamine::XlsxError| FileError::Excel(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(FileError::Empty)?
        .map_err(|e| FileError::Excel(e.to_string()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .ok_or(FileError::Empty)?
        .iter()
        .map(|c| c.to_string())
        .collect();
    let cell = |data: &Data| match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::text(s),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::text(if *b { "true" } else { "false" }),
        Data::DateTime(d) => Cell::Number(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::text(s),
    };
    Ok((header, rows.map(|r| r.iter().map(cell).collect()).collect()))
}

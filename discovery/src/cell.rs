//! A cell as a file gives it, and reading it as the specification's type. CSV gives text; Excel
//! gives text, numbers and dates, and does things to them (drops leading zeros, writes dates as
//! serial numbers, turns long numbers into `3.70802E+17`) that are undone here where that loses
//! nothing.

use time::{Date, Duration, Month};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
}

impl Cell {
    /// Text of a CSV cell: blank is empty.
    pub fn text(text: &str) -> Cell {
        let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(trimmed.to_owned())
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text: a whole number without its `.0`, a date as `YYYY-MM-DD`.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => format!("{n:E}"),
            Cell::Date(date) => date.to_string(),
        }
    }
}

/// Day 0 of Excel's 1900 date system as it counts (its serial 60 is a 29 February 1900 that never
/// was, so counting from 30 December 1899 is right for every date from March 1900).
fn excel_epoch() -> Date {
    Date::from_calendar_date(1899, Month::December, 30).unwrap_or(Date::MIN)
}

/// An Excel date serial: days since its epoch, for the years a department file can hold.
pub fn from_excel_serial(serial: f64) -> Option<Date> {
    if !(367.0..=73_051.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add(Duration::days(serial.floor() as i64))
}

fn date_from_parts(year: &str, month: &str, day: &str) -> Option<Date> {
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

/// `2026-11-30`, `2026/11/30`, `2026.11.30`, `20261130`, or an Excel serial (`46356`).
pub fn read_date(cell: &Cell) -> Option<Date> {
    match cell {
        Cell::Date(date) => Some(*date),
        Cell::Number(n) => from_excel_serial(*n),
        Cell::Text(text) => {
            let text = text.split([' ', 'T']).next().unwrap_or(text);
            let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
            match parts.as_slice() {
                [y, m, d] if y.len() == 4 => date_from_parts(y, m, d),
                [digits] if digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    date_from_parts(&digits[..4], &digits[4..6], &digits[6..])
                }
                [digits] if (3..=5).contains(&digits.len()) => {
                    from_excel_serial(digits.parse().ok()?)
                }
                _ => None,
            }
        }
        Cell::Empty => None,
    }
}

/// A month as its first day: `2026-11`, `2026/11`, `202611`, or any date form (its month).
pub fn read_month(cell: &Cell) -> Option<Date> {
    if let Cell::Text(text) = cell {
        let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
        let month = match parts.as_slice() {
            [y, m] if y.len() == 4 => date_from_parts(y, m, "1"),
            [digits] if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) => {
                date_from_parts(&digits[..4], &digits[4..], "1")
            }
            _ => None,
        };
        if month.is_some() {
            return month;
        }
    }
    read_date(cell).and_then(|d| d.replace_day(1).ok())
}

/// Yuan to fen: a plain decimal with at most two decimals, thousands separators allowed.
pub fn read_fen(cell: &Cell) -> Option<i64> {
    let yuan = match cell {
        Cell::Number(n) => *n,
        Cell::Text(text) => {
            let plain: String = text.chars().filter(|c| *c != ',').collect();
            if plain.is_empty()
                || !plain
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            {
                return None;
            }
            plain.parse().ok()?
        }
        _ => return None,
    };
    rules::Fen::from_yuan(yuan)
        .ok()
        .map(|fen| fen.0)
        .or_else(|| {
            // A negative amount reads, so that it is reported below the minimum, not as a non-number.
            (yuan < 0.0 && yuan.is_finite()).then(|| (yuan * 100.0).round() as i64)
        })
}

/// A whole number.
pub fn read_integer(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(*n as i64),
        Cell::Text(text) => text.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_read_in_every_form_departments_write_them() {
        for text in [
            "2026-11-30",
            "2026/11/30",
            "2026.11.30",
            "20261130",
            "46356",
        ] {
            assert_eq!(
                read_date(&Cell::text(text)),
                Some(date!(2026 - 11 - 30)),
                "{text}"
            );
        }
        assert_eq!(
            read_date(&Cell::Number(46356.0)),
            Some(date!(2026 - 11 - 30))
        );
        assert_eq!(read_date(&Cell::text("2026-02-30")), None);
        assert_eq!(read_date(&Cell::text("yesterday")), None);
        assert_eq!(
            read_month(&Cell::text("2026-11")),
            Some(date!(2026 - 11 - 01))
        );
        assert_eq!(
            read_month(&Cell::text("202611")),
            Some(date!(2026 - 11 - 01))
        );
        assert_eq!(
            read_month(&Cell::text("2026/11/17")),
            Some(date!(2026 - 11 - 01))
        );
    }

    #[test]
    fn amounts_are_fen_and_refuse_what_is_not_a_number() {
        assert_eq!(read_fen(&Cell::text("1,234.50")), Some(123_450));
        assert_eq!(read_fen(&Cell::Number(980.0)), Some(98_000));
        assert_eq!(read_fen(&Cell::text("-5")), Some(-500));
        assert_eq!(read_fen(&Cell::text("abc")), None);
        assert_eq!(read_fen(&Cell::text("1e5")), None);
    }

    #[test]
    fn cells_are_trimmed_of_spaces_and_byte_order_marks() {
        assert_eq!(Cell::text("\u{feff} abc "), Cell::Text("abc".into()));
        assert_eq!(Cell::text("  "), Cell::Empty);
        assert_eq!(Cell::Number(1234.0).as_text(), "1234");
    }
}

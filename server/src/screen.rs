//! `server screen`: runs the rules engine over a file of households (one POLICY.md §3.5 request
//! per line, optionally with an `"id"`), on every core, and writes one result per line in the
//! same order. Bad lines get their field errors and do not stop the run.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use rules::{Household, HouseholdRequest, Standards, Status};
use serde::{Deserialize, Serialize};

/// Lines handed to the cores at a time: large enough to keep them busy, small enough that the
/// output starts early and memory stays flat.
const BATCH: usize = 16_384;

#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// The `"id"` a department gives its records, carried through to the result.
#[derive(Deserialize)]
struct Tagged {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(flatten)]
    request: HouseholdRequest,
}

/// One line of the compact output: what an outreach list needs.
#[derive(Serialize)]
struct Row<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<serde_json::Value>,
    recommended: Option<rules::ProgrammeId>,
    eligible: Vec<rules::ProgrammeId>,
    needs_review: Vec<rules::ProgrammeId>,
    monthly_amounts: std::collections::BTreeMap<&'a str, i64>,
}

#[derive(Serialize)]
struct Rejected {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<serde_json::Value>,
    errors: Vec<RejectedField>,
}

#[derive(Serialize)]
struct RejectedField {
    field: String,
    code: &'static str,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub households: u64,
    pub rejected: u64,
    pub with_recommendation: u64,
}

fn screen_line(standards: &Standards, number: u64, text: &str, trail: bool) -> (String, Outcome) {
    let tagged: Tagged = match serde_json::from_str(text) {
        Ok(tagged) => tagged,
        Err(_) => {
            let errors = vec![RejectedField {
                field: String::new(),
                code: "invalid_json",
            }];
            return (
                json_line(&Rejected {
                    line: number,
                    id: None,
                    errors,
                }),
                Outcome::Rejected,
            );
        }
    };
    let household = match Household::parse(&tagged.request) {
        Ok(household) => household,
        Err(errors) => {
            let errors = errors
                .0
                .into_iter()
                .map(|e| RejectedField {
                    field: e.field,
                    code: e.code.as_str(),
                })
                .collect();
            return (
                json_line(&Rejected {
                    line: number,
                    id: tagged.id,
                    errors,
                }),
                Outcome::Rejected,
            );
        }
    };
    let assessment = rules::evaluate(standards, &household);
    let outcome = if assessment.recommended.is_some() {
        Outcome::Recommended
    } else {
        Outcome::Screened
    };
    if trail {
        let with_line =
            serde_json::json!({ "line": number, "id": tagged.id, "assessment": assessment });
        return (json_line(&with_line), outcome);
    }
    let with = |status: Status| {
        assessment
            .programmes
            .iter()
            .filter(|p| p.status == status)
            .map(|p| p.programme)
            .collect::<Vec<_>>()
    };
    let row = Row {
        line: number,
        id: tagged.id,
        recommended: assessment.recommended,
        eligible: with(Status::Eligible),
        needs_review: with(Status::NeedsReview),
        monthly_amounts: assessment
            .programmes
            .iter()
            .filter(|p| p.status == Status::Eligible)
            .filter_map(|p| Some((p.programme.as_str(), p.monthly_amount?)))
            .collect(),
    };
    (json_line(&row), outcome)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Rejected,
    Screened,
    Recommended,
}

fn json_line(value: &impl Serialize) -> String {
    // Serializing these plain structs cannot fail; an empty line would still keep the order.
    serde_json::to_string(value).unwrap_or_default()
}

/// Screens `input` into `output` (`-` for standard output) and says how it went.
pub fn run(
    standards: &Standards,
    input: &Path,
    output: &Path,
    trail: bool,
) -> Result<Summary, ScreenError> {
    let read_error = |source| ScreenError::Read {
        path: input.display().to_string(),
        source,
    };
    let write_error = |source| ScreenError::Write {
        path: output.display().to_string(),
        source,
    };
    let file = std::fs::File::open(input).map_err(read_error)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = indicatif::ProgressBar::new(total).with_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {human_pos:>10} lines… {per_sec} {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let sink: Box<dyn Write> = if output.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(output).map_err(write_error)?)
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let mut lines = std::io::BufReader::with_capacity(1 << 20, file).lines();
    let mut summary = Summary::default();
    let mut number = 0_u64;
    let mut bytes_read = 0_u64;
    loop {
        let mut batch = Vec::with_capacity(BATCH);
        for line in lines.by_ref().take(BATCH) {
            let line = line.map_err(read_error)?;
            bytes_read += line.len() as u64 + 1;
            number += 1;
            if !line.trim().is_empty() {
                batch.push((number, line));
            }
        }
        if batch.is_empty() {
            break;
        }
        let results: Vec<(String, Outcome)> = batch
            .par_iter()
            .map(|(n, text)| screen_line(standards, *n, text, trail))
            .collect();
        for (line, outcome) in &results {
            out.write_all(line.as_bytes()).map_err(write_error)?;
            out.write_all(b"\n").map_err(write_error)?;
            summary.households += 1;
            match outcome {
                Outcome::Rejected => summary.rejected += 1,
                Outcome::Recommended => summary.with_recommendation += 1,
                Outcome::Screened => {}
            }
        }
        progress.set_position(bytes_read.min(total));
    }
    out.flush().map_err(write_error)?;
    progress.finish_and_clear();
    Ok(summary)
}

/// Runs [`run`] and reports the rate on standard error.
pub fn run_and_report(
    standards: &Standards,
    input: &Path,
    output: &Path,
    trail: bool,
) -> Result<(), ScreenError> {
    let started = Instant::now();
    let summary = run(standards, input, output, trail)?;
    let seconds = started.elapsed().as_secs_f64().max(f64::EPSILON);
    eprintln!(
        "screened {} households in {:.1} s ({:.0} per second on {} cores): {} with a recommended programme, {} rejected with field errors",
        summary.households,
        seconds,
        summary.households as f64 / seconds,
        rayon::current_num_threads(),
        summary.with_recommendation,
        summary.rejected,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_and_bad_lines_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("households.jsonl");
        let good = r#"{"id":"A-1","area":"urban","members":[{"age":67,"incomes":[{"kind":"pension","monthly":300}]}],"assets":{"financial":10000,"vehicles_value":0,"houses_owned":1}}"#;
        let bad = r#"{"id":"A-2","area":"urban","members":[{"age":200}],"assets":{"financial":0,"vehicles_value":0,"houses_owned":0}}"#;
        let rich = r#"{"area":"rural","members":[{"age":40,"incomes":[{"kind":"wages","monthly":9000}]}],"assets":{"financial":0,"vehicles_value":0,"houses_owned":1}}"#;
        std::fs::write(&input, format!("{good}\n{bad}\n\nnot json\n{rich}\n")).unwrap();
        let output = dir.path().join("results.jsonl");
        let summary = run(&Standards::sample_2026(), &input, &output, false).unwrap();
        assert_eq!(
            summary,
            Summary {
                households: 4,
                rejected: 2,
                with_recommendation: 1
            }
        );
        let lines: Vec<serde_json::Value> = std::fs::read_to_string(&output)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["id"], "A-1");
        assert_eq!(lines[0]["recommended"], "tekun");
        assert_eq!(lines[0]["monthly_amounts"]["dibao"], 680);
        assert_eq!(
            lines[1]["errors"][0],
            serde_json::json!({"field":"members[0].age","code":"out_of_range"})
        );
        assert_eq!(lines[2]["line"], 4);
        assert_eq!(lines[2]["errors"][0]["code"], "invalid_json");
        assert_eq!(lines[3]["line"], 5);
        assert_eq!(lines[3]["recommended"], serde_json::Value::Null);
    }
}

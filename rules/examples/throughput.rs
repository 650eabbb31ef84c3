//! Evaluates N generated households (default 2,000,000) on one core, prints households/s for
//! `evaluate` and `evaluate_into` beside the budget of `bench/budgets.env`
//! (RULES_HOUSEHOLDS_PER_SECOND_MIN), and exits 1 when either misses it. When BENCH_SUMMARY names
//! a file, each figure is also appended there as a row for `scripts/bench`'s summary table.
//!
//! `cargo run --release --example throughput [N]`

use std::hint::black_box;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use rules::{evaluate, evaluate_into, Assessment, Standards};

#[path = "../benches/support/households.rs"]
mod households;

/// The budgets, compiled in: cargo rebuilds the example when the file changes.
const BUDGETS: &str = include_str!("../../bench/budgets.env");

/// The value of `NAME=number` in the budgets file.
fn budget(name: &str) -> f64 {
    BUDGETS
        .lines()
        .filter_map(|line| line.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or_else(|| panic!("bench/budgets.env has no number {name}"))
}

/// Prints a rate beside its minimum and says whether it made it.
fn check(name: &str, rate: f64, minimum: f64) -> bool {
    let ok = rate >= minimum;
    let result = if ok { "ok" } else { "MISSED" };
    let measured = format!("{rate:.0} households/s");
    let budget = format!("≥ {minimum:.0} households/s");
    println!("{name}: {measured} (budget {budget}) {result}");
    if let Some(path) = std::env::var_os("BENCH_SUMMARY").filter(|p| !p.is_empty()) {
        let row = format!("{name}\t{measured}\t{budget}\t{result}\n");
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut file| file.write_all(row.as_bytes()));
        if let Err(e) = written {
            eprintln!("cannot add to {}: {e}", path.to_string_lossy());
        }
    }
    ok
}

fn main() -> ExitCode {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
    let minimum = budget("RULES_HOUSEHOLDS_PER_SECOND_MIN");
    let standards = Standards::sample_2026();
    let pool = households::households(4096);
    let mut eligible = 0_usize;
    let start = Instant::now();
    for h in pool.iter().cycle().take(n) {
        let assessment = evaluate(&standards, black_box(h));
        eligible += usize::from(assessment.recommended.is_some());
        black_box(&assessment);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("evaluate:      {n} households in {elapsed:.3} s ({eligible} with a recommendation)");
    let evaluate_rate = n as f64 / elapsed;

    let mut buffer = Assessment::empty();
    let mut eligible = 0_usize;
    let start = Instant::now();
    for h in pool.iter().cycle().take(n) {
        evaluate_into(&standards, black_box(h), &mut buffer);
        eligible += usize::from(buffer.recommended.is_some());
        black_box(&buffer);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("evaluate_into: {n} households in {elapsed:.3} s ({eligible} with a recommendation)");
    let evaluate_into_rate = n as f64 / elapsed;

    // Both ways of screening must make the budget; print both before judging.
    let evaluate_ok = check("rules evaluate, one core", evaluate_rate, minimum);
    let evaluate_into_ok = check("rules evaluate_into, one core", evaluate_into_rate, minimum);
    if evaluate_ok && evaluate_into_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

//! Evaluates N generated households (default 2,000,000) and prints households/s.
//!
//! `cargo run --release --example throughput [N]`

use std::hint::black_box;
use std::time::Instant;

use rules::{evaluate, evaluate_into, Assessment, Standards};

#[path = "../benches/support/households.rs"]
mod households;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2_000_000);
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
    println!(
        "evaluate:      {n} households in {elapsed:.3} s: {:.0} households/s ({eligible} with a recommendation)",
        n as f64 / elapsed
    );

    let mut buffer = Assessment::empty();
    let mut eligible = 0_usize;
    let start = Instant::now();
    for h in pool.iter().cycle().take(n) {
        evaluate_into(&standards, black_box(h), &mut buffer);
        eligible += usize::from(buffer.recommended.is_some());
        black_box(&buffer);
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "evaluate_into: {n} households in {elapsed:.3} s: {:.0} households/s ({eligible} with a recommendation)",
        n as f64 / elapsed
    );
}

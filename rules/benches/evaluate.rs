//! Households evaluated per second on a mix of generated households.
//! Budget (ARCHITECTURE.md): ≥ 1,000,000 per second on one core, release build.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rules::{evaluate, evaluate_into, Assessment, Standards};

#[path = "support/households.rs"]
mod households;

fn bench(c: &mut Criterion) {
    let standards = Standards::sample_2026();
    let pool = households::households(1024);
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(pool.len() as u64));
    group.bench_function("mixed_1024_households", |b| {
        b.iter(|| {
            for h in &pool {
                black_box(evaluate(&standards, black_box(h)));
            }
        })
    });
    group.bench_function("mixed_1024_households_reused_buffer", |b| {
        let mut buffer = Assessment::empty();
        b.iter(|| {
            for h in &pool {
                evaluate_into(&standards, black_box(h), &mut buffer);
                black_box(&buffer);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

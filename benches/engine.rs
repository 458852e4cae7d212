//! Speed of one draw and of a run of the baseline (`cargo bench`; numbers in README).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use wijksim::engine::{self, RunOptions};
use wijksim::model::{Workspace, simulate_draw};

fn baseline() -> wijksim::scenario::Scenario {
    wijksim::scenario::load(Path::new("scenarios/baseline.toml")).expect("baseline loads")
}

fn one_draw(c: &mut Criterion) {
    let sc = baseline();
    let mut ws = Workspace::default();
    let mut d = 0;
    c.bench_function("baseline: one draw (40 wijken, 10 years)", |b| {
        b.iter(|| {
            d += 1;
            black_box(simulate_draw(&sc, 2007, d, &mut ws).c_all[10])
        })
    });
}

fn run(c: &mut Criterion) {
    let sc = baseline();
    let mut g = c.benchmark_group("baseline: 8192 draws aggregated");
    g.sample_size(10);
    g.throughput(Throughput::Elements(8192));
    for threads in [1, 2] {
        g.bench_function(format!("{threads} thread(s)"), |b| {
            b.iter(|| {
                let opts = RunOptions {
                    draws: 8192,
                    seed: 2007,
                    threads,
                    ..Default::default()
                };
                black_box(engine::run(&sc, &opts, None).expect("run").draws)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, one_draw, run);
criterion_main!(benches);

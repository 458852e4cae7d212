//! Speed of one draw, of a run and of a sensitivity analysis of the baseline, and the floor
//! the random numbers of a draw set (`cargo bench`; numbers in README).

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

/// The random numbers of one baseline draw and nothing else, with the same crates and streams:
/// every parameter sampled from its own stream (the PERTs among them), one stream per wijk
/// and indicator with its multiplier's normal and a normal a year, and the economy's stream
/// with its yearly shocks. What a draw cannot go below without fewer or cheaper numbers.
fn random_numbers(c: &mut Criterion) {
    use rand_distr::{Distribution, StandardNormal};
    use wijksim::model::economy;
    use wijksim::rng::{component_key, stream};
    let sc = baseline();
    let (seed, years) = (2007, sc.horizon());
    let mut params = vec![];
    let mut d = 0;
    c.bench_function("baseline: the random numbers of one draw", |b| {
        b.iter(|| {
            d += 1;
            wijksim::model::draw::sample_params(&sc, seed, d, &mut params);
            let mut sum = params.iter().sum::<f64>();
            for w in &sc.wijken {
                for &key in &w.indicator_keys {
                    let mut rng = stream(seed, d, key);
                    for _ in 0..=years {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        sum += z;
                    }
                }
            }
            let mut rng = stream(seed, d, component_key("economy"));
            for _ in 0..years {
                sum += economy::shock(sc.economy.shocks, &mut rng).sum();
            }
            black_box(sum)
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

/// The Saltelli design and the indices: 512 rows over the baseline's factors, 300 bootstrap
/// resamples, six outputs, two threads.
fn sensitivity(c: &mut Criterion) {
    use wijksim::sensitivity::{self, Options, Output};
    let sc = baseline();
    let factors = sensitivity::factors(&sc, &[]).expect("factors");
    let evaluations = sensitivity::cost(512, factors.len());
    let mut g = c.benchmark_group(format!(
        "baseline: sensitivity, 512 rows x {} factors",
        factors.len()
    ));
    g.sample_size(10);
    g.throughput(Throughput::Elements(evaluations as u64));
    g.bench_function("2 threads", |b| {
        b.iter(|| {
            let opts = Options {
                rows: 512,
                seed: 2007,
                outputs: Output::ALL.to_vec(),
                resamples: 300,
                tornado: None,
                threads: 2,
                progress: false,
                cancel: Default::default(),
            };
            black_box(
                sensitivity::run(&sc, "baseline", factors.clone(), &opts)
                    .expect("sensitivity")
                    .evaluations,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, one_draw, random_numbers, run, sensitivity);
criterion_main!(benches);

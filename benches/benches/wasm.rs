//! criterion benchmarks of the JS benchmark's workload guests through `wasi-core` inside
//! `wasmi`, on each backend: `cargo bench -p benches --bench wasm`. Each op runs inside the
//! guest (`run(n)` loops n times), so the figures are per syscall, engine included.

use std::time::{Duration, Instant};

use benches::guests::{hello, prepare, run, wasm, WORKLOADS};
use benches::Disk;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn workloads(c: &mut Criterion) {
    let mut g = c.benchmark_group("wasm");
    for w in WORKLOADS {
        if w.bytes.is_some() {
            g.sample_size(10);
        }
        g.throughput(w.bytes.map_or(Throughput::Elements(1), Throughput::Bytes));
        for disk in Disk::all(160) {
            let name = disk.name();
            g.bench_function(BenchmarkId::new(w.id, name), |b| {
                if w.bytes.is_some() {
                    // The stream workloads write their file anew each op: a fresh guest
                    // per op, set up outside the timing.
                    b.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let mut instance = prepare(w, disk).expect("setting the workload up");
                            let t = Instant::now();
                            run(&mut instance, 1).expect("the workload");
                            total += t.elapsed();
                        }
                        total
                    });
                } else {
                    let mut instance = prepare(w, disk).expect("setting the workload up");
                    run(&mut instance, 1).expect("a first op");
                    b.iter_custom(|iters| {
                        let t = Instant::now();
                        run(&mut instance, iters as u32).expect("the workload");
                        t.elapsed()
                    });
                }
            });
        }
    }
    g.finish();
}

fn cold_start(c: &mut Criterion) {
    let mut g = c.benchmark_group("wasm");
    let module = wasm("hello");
    for disk in Disk::all(160) {
        let name = disk.name();
        g.bench_function(BenchmarkId::new("hello_cold_start", name), |b| {
            b.iter(|| hello(disk, &module).expect("hello"))
        });
    }
    g.finish();
}

criterion_group!(benches_wasm, workloads, cold_start);
criterion_main!(benches_wasm);

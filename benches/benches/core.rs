//! criterion benchmarks of the core and each backend, called directly (no wasm engine):
//! `cargo bench -p benches`.

use std::time::{Duration, Instant};

use benches::{big_dir, deep_path, host_cycle, open_dir, scale_files, scale_path, Bench, Disk};
use conformance::Backend;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use wasi_core::wasi_abi::Oflags;

fn calls(c: &mut Criterion) {
    let mut g = c.benchmark_group("calls");
    g.throughput(Throughput::Elements(1));
    for disk in Disk::all(80) {
        let name = disk.name();
        let mut b = Bench::new(disk);
        g.bench_function(BenchmarkId::new("clock_time_get", name), |i| i.iter(|| b.clock().unwrap()));
        g.bench_function(BenchmarkId::new("args_environ_get_100", name), |i| i.iter(|| b.args_env().unwrap()));
        g.bench_function(BenchmarkId::new("fd_write_4k_stdout", name), |i| i.iter(|| b.write(1, 4096).unwrap()));
        let fd = b.open("file", Oflags::CREAT).unwrap();
        g.bench_function(BenchmarkId::new("fd_write_1b_file", name), |i| {
            i.iter(|| {
                b.rewind(fd, 0).unwrap();
                b.write(fd, 1).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("fd_write_4k_file", name), |i| {
            i.iter(|| {
                b.rewind(fd, 0).unwrap();
                b.write(fd, 4096).unwrap()
            })
        });
        let big = b.open("overwritten", Oflags::CREAT).unwrap();
        for _ in 0..16 {
            b.write(big, 4096).unwrap();
        }
        let mut at = 0u64;
        g.bench_function(BenchmarkId::new("fd_write_4k_through_64k_file", name), |i| {
            i.iter(|| {
                b.rewind(big, at).unwrap();
                at = (at + 4096) % 65536;
                b.write(big, 4096).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("fd_read_4k_file", name), |i| {
            i.iter(|| {
                b.rewind(fd, 0).unwrap();
                b.read(fd, 4096).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("path_open_fd_close", name), |i| {
            i.iter(|| {
                let f = b.open("file", Oflags::empty()).unwrap();
                b.close(f).unwrap()
            })
        });
        let deep = deep_path(&mut b, 8);
        g.bench_function(BenchmarkId::new("path_filestat_get_8_deep", name), |i| i.iter(|| b.stat(&deep).unwrap()));
        let dir = big_dir(&mut b, "big", 1000);
        g.bench_function(BenchmarkId::new("fd_readdir_1000", name), |i| i.iter(|| b.list(dir).unwrap()));
    }
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let mut g = c.benchmark_group("bulk");
    g.sample_size(10);
    for disk in Disk::all(80) {
        let name = disk.name();
        g.throughput(Throughput::Bytes(8 << 20));
        g.bench_function(BenchmarkId::new("append_1024x8k_read_back", name), |i| {
            i.iter(|| {
                let mut b = Bench::new(disk);
                let fd = b.open("f", Oflags::CREAT).unwrap();
                for _ in 0..1024 {
                    b.write(fd, 8192).unwrap();
                }
                b.rewind(fd, 0).unwrap();
                for _ in 0..1024 {
                    b.read(fd, 8192).unwrap();
                }
            })
        });
        g.throughput(Throughput::Bytes(128 << 20));
        g.bench_function(BenchmarkId::new("write_read_64m_in_64k", name), |i| {
            i.iter(|| {
                let mut b = Bench::new(disk);
                let fd = b.open("f", Oflags::CREAT).unwrap();
                for _ in 0..1024 {
                    b.write(fd, 65536).unwrap();
                }
                b.rewind(fd, 0).unwrap();
                for _ in 0..1024 {
                    b.read(fd, 65536).unwrap();
                }
            })
        });
    }
    g.finish();
}

/// One directory of n files on the memory backend: create, stat, list and remove, each of
/// all n (throughput in files), so that the time per file can be compared across n (the
/// goal: at 100,000 within 2x of 1,000).
fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    let memory = Disk { backend: Backend::Memory, mib: 0 };
    for n in [1_000, 10_000, 100_000] {
        g.throughput(Throughput::Elements(n as u64));
        // Made anew for each sample, outside the timing.
        let fresh = |with_files: bool| {
            let mut b = Bench::new(memory);
            b.mkdir("d").expect("mkdir");
            if with_files {
                scale_files(&mut b, "d", n);
            }
            b
        };
        g.bench_function(BenchmarkId::new("create", n), |i| {
            i.iter_custom(|iters| timed_on_fresh(iters, || fresh(false), |b| scale_files(b, "d", n)))
        });
        let mut b = fresh(true);
        g.bench_function(BenchmarkId::new("stat", n), |i| {
            i.iter(|| (0..n).for_each(|k| assert_eq!(b.stat(&scale_path("d", k)), Ok(0))))
        });
        let dir = open_dir(&mut b, "d");
        g.bench_function(BenchmarkId::new("list", n), |i| i.iter(|| assert_eq!(b.list(dir), Ok(n + 2))));
        g.bench_function(BenchmarkId::new("remove", n), |i| {
            i.iter_custom(|iters| {
                timed_on_fresh(
                    iters,
                    || fresh(true),
                    |b| (0..n).for_each(|k| b.remove(&scale_path("d", k)).expect("remove")),
                )
            })
        });
    }
    g.finish();
}

/// The time `work` takes on each of `iters` benches made by `fresh`, outside the timing.
fn timed_on_fresh(iters: u64, fresh: impl Fn() -> Bench, work: impl Fn(&mut Bench)) -> Duration {
    (0..iters)
        .map(|_| {
            let mut b = fresh();
            let t = Instant::now();
            work(&mut b);
            t.elapsed()
        })
        .sum()
}

/// A host's set-up and tear-down in the core, as the npm package's module does it per
/// request (see `host_cycle`).
fn host(c: &mut Criterion) {
    c.bench_function("host/set_up_and_drop", |i| i.iter(host_cycle));
}

criterion_group!(benches_core, calls, bulk, scale, host);
criterion_main!(benches_core);

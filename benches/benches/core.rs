//! criterion benchmarks of the core and each backend, called directly (no wasm engine):
//! `cargo bench -p benches`.

use benches::{big_dir, deep_path, Bench, Disk};
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

criterion_group!(benches_core, calls, bulk);
criterion_main!(benches_core);

//! The JS benchmark's workload guests (`js/guests/*.wat`, see `js/README.md` for their
//! conventions) run through `wasi-core` inside the `wasmi` interpreter, on each backend.
//! Set beside the direct calls of the crate root, they tell the engine's cost from ours;
//! set beside the JS table, the JS hosts' cost from the core's.

use wasi_core::wasmi::Instance;

use crate::{Bench, Disk};

/// One workload: its guest, `setup()` arguments, and bytes moved per op (for throughput).
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// The name criterion shows (as in the JS table).
    pub id: &'static str,
    /// The guest, `js/guests/NAME.wat`.
    pub guest: &'static str,
    /// What `setup()` is called with (none if the guest has no `setup`).
    pub setup: Option<&'static [i32]>,
    /// Bytes written and read back per op, for the bulk workloads.
    pub bytes: Option<u64>,
}

const MIB: u64 = 1 << 20;

/// The JS benchmark's workloads (`js/workloads.mjs`) but the cold start, which is
/// `hello_cold_start`.
pub const WORKLOADS: &[Workload] = &[
    Workload { id: "clock_time_get", guest: "clock", setup: None, bytes: None },
    Workload { id: "fd_write_1b_file", guest: "write", setup: Some(&[1, 0]), bytes: None },
    Workload { id: "fd_write_4k_file", guest: "write", setup: Some(&[4096, 0]), bytes: None },
    Workload { id: "fd_write_1b_stdout", guest: "write", setup: Some(&[1, 1]), bytes: None },
    Workload { id: "fd_write_4k_stdout", guest: "write", setup: Some(&[4096, 1]), bytes: None },
    Workload { id: "fd_seek_fd_read_4k", guest: "read", setup: Some(&[]), bytes: None },
    Workload { id: "path_open_fd_close", guest: "open_close", setup: Some(&[]), bytes: None },
    Workload { id: "path_filestat_get_8_deep", guest: "stat", setup: Some(&[]), bytes: None },
    Workload { id: "fd_readdir_1000", guest: "readdir", setup: Some(&[]), bytes: None },
    Workload { id: "args_environ_get_100", guest: "args_env", setup: None, bytes: None },
    Workload { id: "append_1024x8k_read_back", guest: "stream", setup: Some(&[8192, 1024, 1]), bytes: Some(8 * MIB) },
    Workload { id: "write_read_64m_in_64k", guest: "stream", setup: Some(&[65536, 1024, 0]), bytes: Some(64 * MIB) },
];

/// The guest's wasm, compiled from its WAT.
pub fn wasm(guest: &str) -> Vec<u8> {
    let path = format!("{}/js/guests/{guest}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Why a guest failed: its result code names the call (at `code >> 8` in its memory) and
/// the errno (`code & 0xff`, 255 for a wrong result).
fn failure(instance: &Instance, code: i32) -> String {
    let memory = instance.memory();
    let at = (code as u32 >> 8) as usize;
    let name: Vec<u8> = memory.get(at..).unwrap_or(&[]).iter().take_while(|b| **b != 0).copied().collect();
    format!("{} from {}", code & 0xff, String::from_utf8_lossy(&name))
}

/// `wasm` on a fresh context over `disk`, its `_start` run to a 0 exit.
fn started(wasm: &[u8], disk: Disk) -> Result<Instance, String> {
    let mut instance = Instance::new(wasm, Bench::new(disk).ctx).map_err(|e| e.to_string())?;
    match instance.start().map_err(|e| e.to_string())? {
        0 => Ok(instance),
        code => Err(format!("_start exited {code}")),
    }
}

/// A workload's guest on a fresh context over `disk`, started and set up.
pub fn prepare(workload: &Workload, disk: Disk) -> Result<Instance, String> {
    let mut instance = started(&wasm(workload.guest), disk)?;
    if let Some(args) = workload.setup {
        match instance.call("setup", args).map_err(|e| e.to_string())? {
            0 => {}
            code => return Err(format!("setup: {}", failure(&instance, code))),
        }
    }
    Ok(instance)
}

/// Runs `n` ops of a prepared workload inside the guest.
pub fn run(instance: &mut Instance, n: u32) -> Result<(), String> {
    match instance.call("run", &[n as i32]).map_err(|e| e.to_string())? {
        0 => Ok(()),
        code => Err(failure(instance, code)),
    }
}

/// A cold start: a context, the `hello` guest instantiated and run to its end.
pub fn hello(disk: Disk, wasm: &[u8]) -> Result<(), String> {
    started(wasm, disk).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_guest_runs_on_both_backends() {
        for disk in Disk::all(160) {
            for w in WORKLOADS {
                let mut instance = prepare(w, disk).unwrap_or_else(|e| panic!("{} on {disk:?}: {e}", w.id));
                run(&mut instance, 2).unwrap_or_else(|e| panic!("{} on {disk:?}: {e}", w.id));
            }
            hello(disk, &wasm("hello")).unwrap();
        }
    }
}

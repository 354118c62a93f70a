//! The two backends, named once for every Rust runner: the guest tests, the differential
//! check, the fuzzers, the benchmarks and `wasi-run`.

use std::fmt;

use wasi_core::VirtualFs;
use wasi_fs_littlefs::LittleFs;
use wasi_fs_memory::MemoryFs;

/// A filesystem backend a guest can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `wasi-fs-memory`.
    Memory,
    /// `wasi-fs-littlefs`, on a RAM disk.
    Littlefs,
}

impl Backend {
    /// Every backend.
    pub const ALL: [Backend; 2] = [Backend::Memory, Backend::Littlefs];

    /// Its name, as options and expectations spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Memory => "memory",
            Backend::Littlefs => "littlefs",
        }
    }

    /// The backend called `name`.
    pub fn named(name: &str) -> Result<Backend, String> {
        Backend::ALL.into_iter().find(|b| b.name() == name).ok_or_else(|| {
            let known: Vec<&str> = Backend::ALL.iter().map(|b| b.name()).collect();
            format!("unknown backend {name:?} (available: {})", known.join(", "))
        })
    }

    /// An empty filesystem: a littlefs disk of `capacity` bytes, or a memory backend of no
    /// quota.
    pub fn empty(self, capacity: usize) -> Result<Box<dyn VirtualFs>, String> {
        Ok(match self {
            Backend::Memory => Box::new(MemoryFs::new()),
            Backend::Littlefs => Box::new(LittleFs::new(capacity).map_err(|e| format!("--capacity {capacity}: {e}"))?),
        })
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

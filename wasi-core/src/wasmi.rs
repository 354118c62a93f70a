//! Running guests inside the [wasmi](https://docs.rs/wasmi) interpreter (feature `wasmi`):
//! the 46 imports bound into a `wasmi::Linker`, generated from
//! [`wasi_abi::for_each_function!`], and running a command module's `_start`.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use wasi_core::WasiCtx;
//! use wasi_fs_memory::MemoryFs;
//!
//! // A guest that creates `hello.txt` in its preopen and exits with 7.
//! let wasm = wat::parse_str(r#"(module
//!   (import "wasi_snapshot_preview1" "path_open"
//!     (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
//!   (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
//!   (memory (export "memory") 1)
//!   (data (i32.const 16) "hello.txt")
//!   (func (export "_start")
//!     (drop (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 9) (i32.const 1)
//!       (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 0)))
//!     (call $exit (i32.const 7))))"#)?;
//!
//! let mut builder = WasiCtx::builder();
//! builder.arg("hello").native_services().inherit_stdio();
//! let fs = builder.backend(Box::new(MemoryFs::new()));
//! builder.preopen("/", fs, false);
//! let (code, mut ctx) = wasi_core::wasmi::run(&wasm, builder.build()?)?;
//!
//! assert_eq!(code, 7);
//! let fs = ctx.backend_mut(0).expect("the preopen's backend");
//! assert!(fs.lookup(fs.root(), b"hello.txt").is_ok());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, write};

use ::wasmi::{Caller, Engine, Linker, Memory, Module, Store};

use crate::wasi_abi::{self, MODULE};
use crate::{errno_code, Errno, WasiCtx};

/// What the imports reach: the WASI state and the guest's memory once it is known.
struct State {
    ctx: WasiCtx,
    memory: Option<Memory>,
}

/// Why a guest could not run to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The module is not valid wasm, or its imports cannot be satisfied.
    Load(String),
    /// The module exports no memory named `memory`.
    NoMemory,
    /// The module exports no `_start` function of type `() -> ()`.
    NoStart,
    /// The guest trapped.
    Trap(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Load(e) => write!(f, "cannot load module: {e}"),
            RunError::NoMemory => f.write_str("module exports no memory named \"memory\""),
            RunError::NoStart => f.write_str("module exports no `_start` function of type () -> ()"),
            RunError::Trap(e) => write!(f, "guest trapped: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

macro_rules! bind_all {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        /// Defines every preview1 import in `linker`.
        fn add_to_linker(linker: &mut Linker<State>) -> Result<(), ::wasmi::Error> {
            $( bind_all!(@one linker $ret $name($($p: $t),*)); )*
            Ok(())
        }
    };
    (@one $linker:ident Errno $name:ident($($p:ident: $t:ident),*)) => {
        $linker.func_wrap(MODULE, stringify!($name), |mut caller: Caller<'_, State>, $($p: $t),*| -> u32 {
            let Some(memory) = caller.data().memory else {
                return u32::from(Errno::FAULT.raw());
            };
            let (mut mem, state) = memory.data_and_store_mut(&mut caller);
            errno_code(state.ctx.$name(&mut mem, $($p),*))
        })?;
    };
    (@one $linker:ident Exit $name:ident($($p:ident: $t:ident),*)) => {
        $linker.func_wrap(MODULE, stringify!($name), |mut caller: Caller<'_, State>, $($p: $t),*| -> Result<(), ::wasmi::Error> {
            let exit = match caller.data().memory {
                Some(memory) => {
                    let (mut mem, state) = memory.data_and_store_mut(&mut caller);
                    state.ctx.$name(&mut mem, $($p),*)
                }
                None => caller.data_mut().ctx.$name(&mut &mut [][..], $($p),*),
            };
            Err(::wasmi::Error::i32_exit(exit.0))
        })?;
    };
}

wasi_abi::for_each_function!(bind_all);

/// A module instantiated with its WASI context, whose exports can be called one by one:
/// what `run` does with `_start`, and what the benchmarks do with a workload guest's
/// `setup` and `run`.
pub struct Instance {
    store: Store<State>,
    instance: ::wasmi::Instance,
}

/// A compiled module with the imports bound, to instantiate as often as wanted: a test
/// that runs one guest many times compiles it once.
pub struct Program {
    module: Module,
    linker: Linker<State>,
}

impl Program {
    /// Compiles `wasm` and binds the preview1 imports.
    pub fn new(wasm: &[u8]) -> Result<Program, RunError> {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).map_err(|e| RunError::Load(e.to_string()))?;
        let mut linker = Linker::new(&engine);
        add_to_linker(&mut linker).map_err(|e| RunError::Load(e.to_string()))?;
        Ok(Program { module, linker })
    }

    /// Instantiates the module with `ctx` (without running anything).
    pub fn instantiate(&self, ctx: WasiCtx) -> Result<Instance, RunError> {
        let mut store = Store::new(self.module.engine(), State { ctx, memory: None });
        let instance =
            self.linker.instantiate_and_start(&mut store, &self.module).map_err(|e| RunError::Load(e.to_string()))?;
        let memory = instance.get_memory(&store, "memory").ok_or(RunError::NoMemory)?;
        store.data_mut().memory = Some(memory);
        Ok(Instance { store, instance })
    }

    /// Instantiates the module with `ctx` and runs `_start`, as [`run`] does.
    pub fn run(&self, ctx: WasiCtx) -> Result<(i32, WasiCtx), RunError> {
        let mut instance = self.instantiate(ctx)?;
        let code = instance.start()?;
        Ok((code, instance.into_ctx()))
    }
}

impl Instance {
    /// Compiles and instantiates `wasm` with `ctx` (without running anything).
    pub fn new(wasm: &[u8], ctx: WasiCtx) -> Result<Instance, RunError> {
        Program::new(wasm)?.instantiate(ctx)
    }

    /// Runs `_start`: the exit code (0 if it returns, the `proc_exit` code otherwise).
    pub fn start(&mut self) -> Result<i32, RunError> {
        let start = self.instance.get_typed_func::<(), ()>(&self.store, "_start").map_err(|_| RunError::NoStart)?;
        match start.call(&mut self.store, ()) {
            Ok(()) => Ok(0),
            Err(e) => e.i32_exit_status().ok_or_else(|| {
                self.store.data_mut().ctx.flush();
                RunError::Trap(e.to_string())
            }),
        }
    }

    /// Calls the export `name`, taking `i32`s and returning one `i32`.
    pub fn call(&mut self, name: &str, args: &[i32]) -> Result<i32, RunError> {
        let f = self.instance.get_func(&self.store, name).ok_or_else(|| RunError::Load(format!("no export {name}")))?;
        let args: Vec<::wasmi::Val> = args.iter().map(|a| ::wasmi::Val::I32(*a)).collect();
        let mut result = [::wasmi::Val::I32(0)];
        f.call(&mut self.store, &args, &mut result).map_err(|e| RunError::Trap(e.to_string()))?;
        match result[0] {
            ::wasmi::Val::I32(v) => Ok(v),
            _ => Err(RunError::Load(format!("{name} does not return an i32"))),
        }
    }

    /// The guest's memory, as it is now.
    pub fn memory(&self) -> &[u8] {
        self.store.data().memory.map_or(&[], |m| m.data(&self.store))
    }

    /// Flushes stdio and gives the context back, its backends holding what the guest wrote.
    pub fn into_ctx(self) -> WasiCtx {
        let mut state = self.store.into_data();
        state.ctx.flush();
        state.ctx
    }
}

/// Instantiates a command module with `ctx` and runs `_start`. Returns the exit code (0 if
/// `_start` returns, the `proc_exit` code otherwise) and the context, whose backends hold
/// what the guest wrote.
pub fn run(wasm: &[u8], ctx: WasiCtx) -> Result<(i32, WasiCtx), RunError> {
    Program::new(wasm)?.run(ctx)
}

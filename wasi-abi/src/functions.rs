//! The 46 `wasi_snapshot_preview1` functions with their lowered wasm signatures: the one list
//! from which every host binds them.

/// The module name guests import the functions from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// A wasm value type as it appears in a lowered preview1 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValType {
    /// `i32` (pointers, lengths, fds, flags up to 32 bits, enums).
    I32,
    /// `i64` (timestamps, file sizes, offsets, rights).
    I64,
}

/// One preview1 function: its name and lowered wasm signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// The import name.
    pub name: &'static str,
    /// The parameter names as the witx spells them (pointer/length pairs expanded).
    pub param_names: &'static [&'static str],
    /// The wasm types of the parameters.
    pub params: &'static [ValType],
    /// Whether it returns an errno (`i32`); only `proc_exit` does not return at all.
    pub returns_errno: bool,
}

/// Calls `$callback!` once with every preview1 function, as
/// `name(param: u32|u64, ...) -> Errno|Exit;`, so that a host can generate its bindings.
/// `u32` stands for a wasm `i32`, `u64` for an `i64`; `Exit` marks `proc_exit`, which never returns.
#[macro_export]
macro_rules! for_each_function {
    ($callback:ident) => {
        $callback! {
            args_get(argv: u32, argv_buf: u32) -> Errno;
            args_sizes_get(argc: u32, argv_buf_size: u32) -> Errno;
            environ_get(environ: u32, environ_buf: u32) -> Errno;
            environ_sizes_get(environc: u32, environ_buf_size: u32) -> Errno;
            clock_res_get(id: u32, resolution: u32) -> Errno;
            clock_time_get(id: u32, precision: u64, time: u32) -> Errno;
            fd_advise(fd: u32, offset: u64, len: u64, advice: u32) -> Errno;
            fd_allocate(fd: u32, offset: u64, len: u64) -> Errno;
            fd_close(fd: u32) -> Errno;
            fd_datasync(fd: u32) -> Errno;
            fd_fdstat_get(fd: u32, stat: u32) -> Errno;
            fd_fdstat_set_flags(fd: u32, flags: u32) -> Errno;
            fd_fdstat_set_rights(fd: u32, fs_rights_base: u64, fs_rights_inheriting: u64) -> Errno;
            fd_filestat_get(fd: u32, buf: u32) -> Errno;
            fd_filestat_set_size(fd: u32, size: u64) -> Errno;
            fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> Errno;
            fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> Errno;
            fd_prestat_get(fd: u32, buf: u32) -> Errno;
            fd_prestat_dir_name(fd: u32, path: u32, path_len: u32) -> Errno;
            fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> Errno;
            fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> Errno;
            fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> Errno;
            fd_renumber(fd: u32, to: u32) -> Errno;
            fd_seek(fd: u32, offset: u64, whence: u32, newoffset: u32) -> Errno;
            fd_sync(fd: u32) -> Errno;
            fd_tell(fd: u32, offset: u32) -> Errno;
            fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Errno;
            path_create_directory(fd: u32, path: u32, path_len: u32) -> Errno;
            path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32) -> Errno;
            path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32) -> Errno;
            path_link(old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) -> Errno;
            path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, fs_rights_base: u64, fs_rights_inheriting: u64, fdflags: u32, opened_fd: u32) -> Errno;
            path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32) -> Errno;
            path_remove_directory(fd: u32, path: u32, path_len: u32) -> Errno;
            path_rename(fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) -> Errno;
            path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32) -> Errno;
            path_unlink_file(fd: u32, path: u32, path_len: u32) -> Errno;
            poll_oneoff(in_: u32, out: u32, nsubscriptions: u32, nevents: u32) -> Errno;
            proc_exit(rval: u32) -> Exit;
            proc_raise(sig: u32) -> Errno;
            sched_yield() -> Errno;
            random_get(buf: u32, buf_len: u32) -> Errno;
            sock_accept(fd: u32, flags: u32, ro_fd: u32) -> Errno;
            sock_recv(fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32) -> Errno;
            sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32) -> Errno;
            sock_shutdown(fd: u32, how: u32) -> Errno;
        }
    };
}

macro_rules! val_type {
    (u32) => {
        ValType::I32
    };
    (u64) => {
        ValType::I64
    };
}

macro_rules! function_table {
    ($($name:ident($($p:ident: $t:ident),*) -> $ret:ident;)*) => {
        /// Every preview1 function in witx order.
        pub const FUNCTIONS: &[Function] = &[$(Function {
            name: stringify!($name),
            param_names: &[$(stringify!($p)),*],
            params: &[$(val_type!($t)),*],
            returns_errno: !matches!(stringify!($ret).as_bytes(), b"Exit"),
        }),*];
    };
}

for_each_function!(function_table);

#[cfg(test)]
mod tests {
    use super::FUNCTIONS;
    use alloc::vec::Vec;

    #[test]
    fn forty_six_functions_only_proc_exit_diverges() {
        assert_eq!(FUNCTIONS.len(), 46);
        let diverging: Vec<_> = FUNCTIONS.iter().filter(|f| !f.returns_errno).map(|f| f.name).collect();
        assert_eq!(diverging, ["proc_exit"]);
    }
}

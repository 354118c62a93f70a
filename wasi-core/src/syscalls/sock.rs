//! `sock_*`: no fd of this host is a socket, so after checking the fd they answer
//! `ENOTSOCK`, as wasmtime does.

use wasi_abi::Errno;

use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;

impl WasiCtx {
    fn not_a_socket(&self, fd: u32) -> Result<(), Errno> {
        self.fds.get(fd)?;
        Err(Errno::NOTSOCK)
    }

    /// Accepts a connection on a listening socket.
    pub fn sock_accept(&mut self, _mem: &mut dyn GuestMemory, fd: u32, _flags: u32, _ro_fd: u32) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    /// Receives a message from a socket.
    pub fn sock_recv(
        &mut self,
        _mem: &mut dyn GuestMemory,
        fd: u32,
        _ri_data: u32,
        _ri_data_len: u32,
        _ri_flags: u32,
        _ro_datalen: u32,
        _ro_flags: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    /// Sends a message on a socket.
    pub fn sock_send(
        &mut self,
        _mem: &mut dyn GuestMemory,
        fd: u32,
        _si_data: u32,
        _si_data_len: u32,
        _si_flags: u32,
        _so_datalen: u32,
    ) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }

    /// Shuts down part of a full-duplex connection.
    pub fn sock_shutdown(&mut self, _mem: &mut dyn GuestMemory, fd: u32, _how: u32) -> Result<(), Errno> {
        self.not_a_socket(fd)
    }
}

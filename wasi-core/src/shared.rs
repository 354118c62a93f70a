//! A backend the embedder keeps a handle to while the core uses it: `Rc<RefCell<T>>` is a
//! `VirtualFs` too, so a host can read files back or export a disk image between calls
//! (the core never holds a borrow across a call).

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use wasi_abi::{Errno, Filestat, Filetype};

use crate::vfs::{DirEntry, Features, Ino, NewNode, Timestamp, VirtualFs};

impl<T: VirtualFs + ?Sized> VirtualFs for Rc<RefCell<T>> {
    fn root(&self) -> Ino {
        self.borrow().root()
    }
    fn features(&self) -> Features {
        self.borrow().features()
    }
    fn lookup(&mut self, dir: Ino, name: &[u8]) -> Result<Ino, Errno> {
        self.borrow_mut().lookup(dir, name)
    }
    fn stat(&mut self, ino: Ino) -> Result<Filestat, Errno> {
        self.borrow_mut().stat(ino)
    }
    fn filetype(&mut self, ino: Ino) -> Result<Filetype, Errno> {
        self.borrow_mut().filetype(ino)
    }
    fn read(&mut self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.borrow_mut().read(ino, offset, buf)
    }
    fn read_in_place(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        self.borrow_mut().read_in_place(ino, offset, len, sink)
    }
    fn write(&mut self, ino: Ino, offset: u64, data: &[u8], now: Timestamp) -> Result<usize, Errno> {
        self.borrow_mut().write(ino, offset, data, now)
    }
    fn write_in_place(
        &mut self,
        ino: Ino,
        offset: u64,
        len: usize,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Errno>,
    ) -> Option<Result<usize, Errno>> {
        self.borrow_mut().write_in_place(ino, offset, len, now, fill)
    }
    fn set_size(&mut self, ino: Ino, size: u64, now: Timestamp) -> Result<(), Errno> {
        self.borrow_mut().set_size(ino, size, now)
    }
    fn allocate(&mut self, ino: Ino, offset: u64, len: u64, now: Timestamp) -> Result<(), Errno> {
        self.borrow_mut().allocate(ino, offset, len, now)
    }
    fn set_times(
        &mut self,
        ino: Ino,
        atim: Option<Timestamp>,
        mtim: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.borrow_mut().set_times(ino, atim, mtim, now)
    }
    fn sync(&mut self, ino: Ino) -> Result<(), Errno> {
        self.borrow_mut().sync(ino)
    }
    fn create(&mut self, dir: Ino, name: &[u8], node: NewNode<'_>, now: Timestamp) -> Result<Ino, Errno> {
        self.borrow_mut().create(dir, name, node, now)
    }
    fn readlink(&mut self, ino: Ino) -> Result<Vec<u8>, Errno> {
        self.borrow_mut().readlink(ino)
    }
    fn link(&mut self, ino: Ino, new_dir: Ino, new_name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.borrow_mut().link(ino, new_dir, new_name, now)
    }
    fn unlink(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.borrow_mut().unlink(dir, name, now)
    }
    fn rmdir(&mut self, dir: Ino, name: &[u8], now: Timestamp) -> Result<(), Errno> {
        self.borrow_mut().rmdir(dir, name, now)
    }
    fn rename(
        &mut self,
        old_dir: Ino,
        old_name: &[u8],
        new_dir: Ino,
        new_name: &[u8],
        now: Timestamp,
    ) -> Result<(), Errno> {
        self.borrow_mut().rename(old_dir, old_name, new_dir, new_name, now)
    }
    fn readdir(&mut self, dir: Ino, cookie: u64, sink: &mut dyn FnMut(DirEntry<'_>) -> bool) -> Result<(), Errno> {
        self.borrow_mut().readdir(dir, cookie, sink)
    }
    fn open(&mut self, ino: Ino) -> Result<(), Errno> {
        self.borrow_mut().open(ino)
    }
    fn release(&mut self, ino: Ino) {
        self.borrow_mut().release(ino)
    }
}

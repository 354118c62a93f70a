;; A command that writes "hello\n" to stdout and exits 0 by returning, as wasi-libc's
;; _start does for status 0; exits 1 if the write fails or is short.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "\60\00\00\00\06\00\00\00") ;; iovec { buf: 96, len: 6 }
  (data (i32.const 96) "hello\n")
  (func (export "_start")
    (if (i32.or (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72))
                (i32.ne (i32.load (i32.const 72)) (i32.const 6)))
      (then (call $proc_exit (i32.const 1))))))

;; fd_seek back to 0 and fd_read of 4 KiB from a file, n times; each read must return the
;; whole 4 KiB that setup wrote.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_open\00")
  (data (i32.const 1056) "fd_write\00")
  (data (i32.const 1072) "fd_seek\00")
  (data (i32.const 1088) "fd_read\00")
  (data (i32.const 1536) "in.txt")
  (global $fd (mut i32) (i32.const 0))
  ;; What setup writes (4096 bytes at 4096) and where run reads to (4096 bytes at 8192).
  (global $src i32 (i32.const 4096))
  (global $dst i32 (i32.const 8192))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Writes in.txt: 4 KiB of 'x' ending in "\n", and keeps it open.
  (func (export "setup") (result i32)
    (local $e i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    ;; oflags CREAT|TRUNC; rights: read, write, seek, tell and the other file rights.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 6)
          (i32.const 9) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (global.set $fd (i32.load (i32.const 76)))
    (memory.fill (global.get $src) (i32.const 120) (i32.const 4095))
    (i32.store8 (i32.add (global.get $src) (i32.const 4095)) (i32.const 10))
    (i32.store (i32.const 64) (global.get $src))
    (i32.store (i32.const 68) (i32.const 4096))
    (if (local.tee $e (call $fd_write (global.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
      (then (return (call $fail (i32.const 1056) (local.get $e)))))
    (if (i32.ne (i32.load (i32.const 72)) (i32.const 4096))
      (then (return (call $fail (i32.const 1056) (i32.const 255)))))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (i32.store (i32.const 64) (global.get $dst))
    (i32.store (i32.const 68) (i32.const 4096))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (local.tee $e (call $fd_seek (global.get $fd) (i64.const 0) (i32.const 0) (i32.const 80)))
          (then (return (call $fail (i32.const 1072) (local.get $e)))))
        (i32.store8 (i32.add (global.get $dst) (i32.const 4095)) (i32.const 0))
        (if (local.tee $e (call $fd_read (global.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
          (then (return (call $fail (i32.const 1088) (local.get $e)))))
        (if (i32.or (i32.ne (i32.load (i32.const 72)) (i32.const 4096))
                    (i32.ne (i32.load8_u (i32.add (global.get $dst) (i32.const 4095))) (i32.const 10)))
          (then (return (call $fail (i32.const 1088) (i32.const 255)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

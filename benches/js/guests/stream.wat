;; One op: create (or truncate) a file, write `count` chunks of `chunk` bytes, seek back to
;; 0, read them all back in the same chunks, close. With `append` the file is opened with
;; FDFLAGS_APPEND. The first byte of each chunk is its index, checked on the way back.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_open\00")
  (data (i32.const 1056) "fd_write\00")
  (data (i32.const 1072) "fd_seek\00")
  (data (i32.const 1088) "fd_read\00")
  (data (i32.const 1104) "fd_close\00")
  (data (i32.const 1536) "stream.bin")
  (global $chunk (mut i32) (i32.const 0))
  (global $count (mut i32) (i32.const 0))
  (global $fdflags (mut i32) (i32.const 0))
  ;; The chunk buffer: up to 64 KiB at 64 KiB.
  (global $buf i32 (i32.const 65536))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; setup(chunk, count, append)
  (func (export "setup") (param $chunk i32) (param $count i32) (param $append i32) (result i32)
    (local $e i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    (global.set $chunk (local.get $chunk))
    (global.set $count (local.get $count))
    (global.set $fdflags (local.get $append))
    (memory.fill (global.get $buf) (i32.const 120) (local.get $chunk))
    (i32.store (i32.const 64) (global.get $buf))
    (i32.store (i32.const 68) (local.get $chunk))
    (i32.const 0))

  (func $op (result i32)
    (local $e i32) (local $fd i32) (local $i i32)
    ;; oflags CREAT|TRUNC; rights: read, write, seek, tell and the other file rights.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 10)
          (i32.const 9) (i64.const 0xE001FF) (i64.const 0) (global.get $fdflags) (i32.const 76)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (local.set $fd (i32.load (i32.const 76)))
    (loop $write
      (i32.store8 (global.get $buf) (local.get $i))
      (if (local.tee $e (call $fd_write (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
        (then (return (call $fail (i32.const 1056) (local.get $e)))))
      (if (i32.ne (i32.load (i32.const 72)) (global.get $chunk))
        (then (return (call $fail (i32.const 1056) (i32.const 255)))))
      (br_if $write (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (global.get $count))))
    (if (local.tee $e (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 0) (i32.const 80)))
      (then (return (call $fail (i32.const 1072) (local.get $e)))))
    (local.set $i (i32.const 0))
    (loop $read
      (i32.store8 (global.get $buf) (i32.xor (local.get $i) (i32.const 0x80)))
      (if (local.tee $e (call $fd_read (local.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
        (then (return (call $fail (i32.const 1088) (local.get $e)))))
      (if (i32.or (i32.ne (i32.load (i32.const 72)) (global.get $chunk))
                  (i32.ne (i32.load8_u (global.get $buf)) (i32.and (local.get $i) (i32.const 0xff))))
        (then (return (call $fail (i32.const 1088) (i32.const 255)))))
      (br_if $read (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (global.get $count))))
    (if (local.tee $e (call $fd_close (local.get $fd)))
      (then (return (call $fail (i32.const 1104) (local.get $e)))))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (local.tee $e (call $op)) (then (return (local.get $e))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

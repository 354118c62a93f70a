;; 4 KiB overwrites moving through a file of `size` bytes: fd_seek to the next 4 KiB
;; offset (wrapping round to 0 at the end), fd_write 4 KiB; n times. The file keeps its
;; size, so every write lands in the middle of existing data.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_open\00")
  (data (i32.const 1056) "fd_write\00")
  (data (i32.const 1072) "fd_seek\00")
  (data (i32.const 1536) "overwritten.bin")
  (global $fd (mut i32) (i32.const 0))
  (global $size (mut i32) (i32.const 0))
  ;; The offset of the next write.
  (global $at (mut i32) (i32.const 0))
  ;; 4096 bytes of data at 4096.
  (global $block i32 (i32.const 4096))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Writes 4 KiB at the current position; 0 or the failure code.
  (func $write4k (result i32)
    (local $e i32)
    (i32.store (i32.const 64) (global.get $block))
    (i32.store (i32.const 68) (i32.const 4096))
    (if (local.tee $e (call $fd_write (global.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
      (then (return (call $fail (i32.const 1056) (local.get $e)))))
    (if (i32.ne (i32.load (i32.const 72)) (i32.const 4096))
      (then (return (call $fail (i32.const 1056) (i32.const 255)))))
    (i32.const 0))

  ;; setup(size): creates the file, `size` bytes (a multiple of 4 KiB) of 'x'.
  (func (export "setup") (param $size i32) (result i32)
    (local $e i32) (local $done i32)
    (global.set $size (local.get $size))
    (memory.fill (global.get $block) (i32.const 120) (i32.const 4096))
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    ;; oflags CREAT|TRUNC; rights: read, write, seek, tell and the other file rights.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 15)
          (i32.const 9) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (global.set $fd (i32.load (i32.const 76)))
    (block $full
      (loop $more
        (br_if $full (i32.ge_u (local.get $done) (local.get $size)))
        (if (local.tee $e (call $write4k)) (then (return (local.get $e))))
        (local.set $done (i32.add (local.get $done) (i32.const 4096)))
        (br $more)))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (local.tee $e (call $fd_seek (global.get $fd) (i64.extend_i32_u (global.get $at)) (i32.const 0) (i32.const 80)))
          (then (return (call $fail (i32.const 1072) (local.get $e)))))
        (if (local.tee $e (call $write4k)) (then (return (local.get $e))))
        (global.set $at (i32.rem_u (i32.add (global.get $at) (i32.const 4096)) (global.get $size)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

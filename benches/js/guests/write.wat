;; fd_write of `size` bytes (1 or 4096), n times, to stdout or to a file under the preopen.
;; The file is rewound with fd_seek before each write (as read.wat does), so that it keeps
;; its size: a growing file would measure each host's growth policy instead (stream.wat
;; does that).
;; The bytes are newline-terminated 64-byte lines (the 1-byte write is the final "\n"), as
;; program output is: line-buffering hosts then flush instead of piling up a partial line.
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
  (data (i32.const 1536) "out.txt")
  (global $fd (mut i32) (i32.const 1))
  (global $size (mut i32) (i32.const 0))
  ;; 4096 bytes of output at 4096; a write of `size` bytes takes the last `size` of them.
  (global $block i32 (i32.const 4096))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; setup(size, to_stdout): fills the block and opens out.txt unless writing to stdout.
  (func (export "setup") (param $size i32) (param $to_stdout i32) (result i32)
    (local $e i32) (local $i i32)
    (global.set $size (local.get $size))
    (memory.fill (global.get $block) (i32.const 120) (i32.const 4096)) ;; 'x'
    (loop $line
      (i32.store8 (i32.add (global.get $block) (i32.add (local.get $i) (i32.const 63))) (i32.const 10))
      (br_if $line (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 64))) (i32.const 4096))))
    (if (local.get $to_stdout) (then (return (i32.const 0))))
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    ;; oflags CREAT|TRUNC; rights: read, write, seek, tell and the other file rights.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 7)
          (i32.const 9) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (global.set $fd (i32.load (i32.const 76)))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    ;; iovec at 64: the last `size` bytes of the block.
    (i32.store (i32.const 64) (i32.sub (i32.add (global.get $block) (i32.const 4096)) (global.get $size)))
    (i32.store (i32.const 68) (global.get $size))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.ne (global.get $fd) (i32.const 1))
          (then
            (if (local.tee $e (call $fd_seek (global.get $fd) (i64.const 0) (i32.const 0) (i32.const 80)))
              (then (return (call $fail (i32.const 1072) (local.get $e)))))))
        (if (local.tee $e (call $fd_write (global.get $fd) (i32.const 64) (i32.const 1) (i32.const 72)))
          (then (return (call $fail (i32.const 1056) (local.get $e)))))
        (if (i32.ne (i32.load (i32.const 72)) (global.get $size))
          (then (return (call $fail (i32.const 1056) (i32.const 255)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

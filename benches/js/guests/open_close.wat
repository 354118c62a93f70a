;; path_open of an existing file for reading, then fd_close, n times.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_open\00")
  (data (i32.const 1056) "fd_close\00")
  (data (i32.const 1536) "file.txt")

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Creates the empty file.txt.
  (func (export "setup") (result i32)
    (local $e i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 8)
          (i32.const 1) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (if (local.tee $e (call $fd_close (i32.load (i32.const 76))))
      (then (return (call $fail (i32.const 1056) (local.get $e)))))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        ;; no oflags; rights: read, seek, tell, filestat_get.
        (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 8)
              (i32.const 0) (i64.const 0x200026) (i64.const 0) (i32.const 0) (i32.const 76)))
          (then (return (call $fail (i32.const 1040) (local.get $e)))))
        (if (local.tee $e (call $fd_close (i32.load (i32.const 76))))
          (then (return (call $fail (i32.const 1056) (local.get $e)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

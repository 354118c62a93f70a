;; A full listing of a 1,000-file directory with fd_readdir, n times; each listing must
;; hold the 1,000 files. The buffer is 4 KiB, as wasi-libc's readdir uses, so a listing
;; takes several calls that each resume from the last entry's cookie.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_create_directory\00")
  (data (i32.const 1072) "path_open\00")
  (data (i32.const 1088) "fd_close\00")
  (data (i32.const 1104) "fd_readdir\00")
  (data (i32.const 1536) "big")
  ;; big/f000 to big/f999: setup rewrites the three digits.
  (data (i32.const 1600) "big/f000")
  (global $dir (mut i32) (i32.const 0))
  (global $buf i32 (i32.const 4096))
  (global $buf_len i32 (i32.const 4096))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Creates big/ with 1,000 empty files and keeps big/ open.
  (func (export "setup") (result i32)
    (local $e i32) (local $i i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    (if (local.tee $e (call $path_create_directory (i32.const 3) (i32.const 1536) (i32.const 3)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (loop $file
      (i32.store8 (i32.const 1605) (i32.add (i32.const 48) (i32.div_u (local.get $i) (i32.const 100))))
      (i32.store8 (i32.const 1606) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $i) (i32.const 10)) (i32.const 10))))
      (i32.store8 (i32.const 1607) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10))))
      ;; oflags CREAT|EXCL
      (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1600) (i32.const 8)
            (i32.const 5) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
        (then (return (call $fail (i32.const 1072) (local.get $e)))))
      (if (local.tee $e (call $fd_close (i32.load (i32.const 76))))
        (then (return (call $fail (i32.const 1088) (local.get $e)))))
      (br_if $file (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    ;; oflags DIRECTORY; rights: readdir, filestat_get.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 3)
          (i32.const 2) (i64.const 0x204000) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1072) (local.get $e)))))
    (global.set $dir (i32.load (i32.const 76)))
    (i32.const 0))

  ;; One listing: the number of entries named f..., or minus the failure code.
  (func $list (result i32)
    (local $e i32) (local $cookie i64) (local $count i32) (local $p i32) (local $end i32) (local $len i32)
    (loop $call
      (if (local.tee $e (call $fd_readdir (global.get $dir) (global.get $buf) (global.get $buf_len) (local.get $cookie) (i32.const 72)))
        (then (return (i32.sub (i32.const 0) (call $fail (i32.const 1104) (local.get $e))))))
      (local.set $p (global.get $buf))
      (local.set $end (i32.add (global.get $buf) (i32.load (i32.const 72))))
      ;; Each dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8, then the name; the
      ;; last one may be cut off by the end of the buffer.
      (block $parsed
        (loop $entry
          (br_if $parsed (i32.gt_u (i32.add (local.get $p) (i32.const 24)) (local.get $end)))
          (local.set $len (i32.add (i32.const 24) (i32.load (i32.add (local.get $p) (i32.const 16)))))
          (br_if $parsed (i32.gt_u (i32.add (local.get $p) (local.get $len)) (local.get $end)))
          (if (i32.eq (i32.load8_u (i32.add (local.get $p) (i32.const 24))) (i32.const 102)) ;; 'f'
            (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
          (local.set $cookie (i64.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (local.get $len)))
          (br $entry)))
      ;; A full buffer means more may follow; one holding no whole entry is a wrong result.
      (if (i32.eq (i32.load (i32.const 72)) (global.get $buf_len))
        (then
          (if (i32.eq (local.get $p) (global.get $buf))
            (then (return (i32.sub (i32.const 0) (call $fail (i32.const 1104) (i32.const 255))))))
          (br $call))))
    (local.get $count))

  (func (export "run") (param $n i32) (result i32)
    (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $count (call $list))
        (if (i32.lt_s (local.get $count) (i32.const 0))
          (then (return (i32.sub (i32.const 0) (local.get $count)))))
        (if (i32.ne (local.get $count) (i32.const 1000))
          (then (return (call $fail (i32.const 1104) (i32.const 255)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

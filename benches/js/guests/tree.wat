;; Directory scaling: create(n) makes n empty files many/f00000.. (path_open with
;; CREAT|EXCL, fd_close), stat(n) stats each (a regular file), list(n) lists many/ in full
;; with fd_readdir and a 4 KiB buffer, as wasi-libc does (there must be n entries besides
;; . and ..), remove(n) unlinks each;
;; nest(n) makes d, d/d, ... n levels deep, statnest(n) stats each level (a directory),
;; unnest(n) removes them deepest first. Each returns 0 or the failure code; run(n) is
;; create, stat and remove of n files.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $path_remove_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_create_directory\00")
  (data (i32.const 1072) "path_open\00")
  (data (i32.const 1088) "fd_close\00")
  (data (i32.const 1104) "path_filestat_get\00")
  (data (i32.const 1136) "path_unlink_file\00")
  (data (i32.const 1168) "path_remove_directory\00")
  (data (i32.const 1200) "fd_readdir\00")
  (data (i32.const 1536) "many/f00000")
  ;; d/d/d/...: level k is the first 2k-1 bytes (filled in by setup, up to 1,000 levels).
  (global $nested i32 (i32.const 2048))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Puts i in the five digits of many/f00000.
  (func $name (param $i i32)
    (local $pos i32)
    (local.set $pos (i32.const 1546))
    (loop $digit
      (i32.store8 (local.get $pos) (i32.add (i32.const 48) (i32.rem_u (local.get $i) (i32.const 10))))
      (local.set $i (i32.div_u (local.get $i) (i32.const 10)))
      (br_if $digit (i32.ge_u (local.tee $pos (i32.sub (local.get $pos) (i32.const 1))) (i32.const 1542)))))

  (func (export "setup") (result i32)
    (local $e i32) (local $i i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    (if (local.tee $e (call $path_create_directory (i32.const 3) (i32.const 1536) (i32.const 4)))
      (then (return (call $fail (i32.const 1040) (local.get $e)))))
    (loop $fill
      (i32.store16 (i32.add (global.get $nested) (local.get $i)) (i32.const 0x2f64)) ;; "d/"
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2))) (i32.const 2000))))
    (i32.const 0))

  (func $create (export "create") (param $n i32) (result i32)
    (local $e i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $name (local.get $i))
        ;; oflags CREAT|EXCL; rights: read, write, seek, tell and the other file rights.
        (if (local.tee $e (call $path_open (i32.const 3) (i32.const 0) (i32.const 1536) (i32.const 11)
              (i32.const 5) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
          (then (return (call $fail (i32.const 1072) (local.get $e)))))
        (if (local.tee $e (call $fd_close (i32.load (i32.const 76))))
          (then (return (call $fail (i32.const 1088) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func $stat (export "stat") (param $n i32) (result i32)
    (local $e i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $name (local.get $i))
        (i32.store8 (i32.const 144) (i32.const 0))
        (if (local.tee $e (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1536) (i32.const 11) (i32.const 128)))
          (then (return (call $fail (i32.const 1104) (local.get $e)))))
        ;; filestat (at 128).filetype (offset 16) must be REGULAR_FILE.
        (if (i32.ne (i32.load8_u (i32.const 144)) (i32.const 4))
          (then (return (call $fail (i32.const 1104) (i32.const 255)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func (export "list") (param $n i32) (result i32)
    (local $e i32) (local $fd i32) (local $cookie i64) (local $used i32) (local $at i32)
    (local $entry i32) (local $len i32) (local $count i32)
    ;; many/ opened as a directory, with the right to read it.
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 4)
          (i32.const 2) (i64.const 0x204000) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1072) (local.get $e)))))
    (local.set $fd (i32.load (i32.const 76)))
    (loop $buffer
      (if (local.tee $e (call $fd_readdir (local.get $fd) (i32.const 8192) (i32.const 4096) (local.get $cookie) (i32.const 80)))
        (then (return (call $fail (i32.const 1200) (local.get $e)))))
      (local.set $used (i32.load (i32.const 80)))
      (local.set $at (i32.const 0))
      ;; Each whole entry: a 24-byte dirent (d_next at 0, d_namlen at 16), then its name.
      (block $parsed
        (loop $next
          (br_if $parsed (i32.gt_u (i32.add (local.get $at) (i32.const 24)) (local.get $used)))
          (local.set $entry (i32.add (i32.const 8192) (local.get $at)))
          (local.set $len (i32.load (i32.add (local.get $entry) (i32.const 16))))
          (br_if $parsed (i32.gt_u (i32.add (i32.add (local.get $at) (i32.const 24)) (local.get $len)) (local.get $used)))
          (local.set $cookie (i64.load (local.get $entry)))
          ;; Not . or ..: longer than 2 bytes, or not starting with a dot.
          (if (i32.or (i32.gt_u (local.get $len) (i32.const 2))
                      (i32.ne (i32.load8_u (i32.add (local.get $entry) (i32.const 24))) (i32.const 46)))
            (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
          (local.set $at (i32.add (local.get $at) (i32.add (i32.const 24) (local.get $len))))
          (br $next)))
      (br_if $buffer (i32.eq (local.get $used) (i32.const 4096))))
    (if (local.tee $e (call $fd_close (local.get $fd)))
      (then (return (call $fail (i32.const 1088) (local.get $e)))))
    (if (i32.ne (local.get $count) (local.get $n))
      (then (return (call $fail (i32.const 1200) (i32.const 255)))))
    (i32.const 0))

  (func $remove (export "remove") (param $n i32) (result i32)
    (local $e i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $name (local.get $i))
        (if (local.tee $e (call $path_unlink_file (i32.const 3) (i32.const 1536) (i32.const 11)))
          (then (return (call $fail (i32.const 1136) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (if (local.tee $e (call $create (local.get $n))) (then (return (local.get $e))))
    (if (local.tee $e (call $stat (local.get $n))) (then (return (local.get $e))))
    (call $remove (local.get $n)))

  (func (export "nest") (param $n i32) (result i32)
    (local $e i32) (local $k i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (if (local.tee $e (call $path_create_directory (i32.const 3) (global.get $nested)
              (i32.sub (i32.shl (local.get $k) (i32.const 1)) (i32.const 1))))
          (then (return (call $fail (i32.const 1040) (local.get $e)))))
        (br $next)))
    (i32.const 0))

  (func (export "statnest") (param $n i32) (result i32)
    (local $e i32) (local $k i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (i32.store8 (i32.const 144) (i32.const 0))
        (if (local.tee $e (call $path_filestat_get (i32.const 3) (i32.const 0) (global.get $nested)
              (i32.sub (i32.shl (local.get $k) (i32.const 1)) (i32.const 1)) (i32.const 128)))
          (then (return (call $fail (i32.const 1104) (local.get $e)))))
        ;; filestat.filetype must be DIRECTORY.
        (if (i32.ne (i32.load8_u (i32.const 144)) (i32.const 3))
          (then (return (call $fail (i32.const 1104) (i32.const 255)))))
        (br $next)))
    (i32.const 0))

  (func (export "unnest") (param $n i32) (result i32)
    (local $e i32) (local $k i32)
    (local.set $k (local.get $n))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $k)))
        (if (local.tee $e (call $path_remove_directory (i32.const 3) (global.get $nested)
              (i32.sub (i32.shl (local.get $k) (i32.const 1)) (i32.const 1))))
          (then (return (call $fail (i32.const 1168) (local.get $e)))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

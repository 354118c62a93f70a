;; path_filestat_get of a file 8 components deep (dir1/.../dir7/file), n times; each must
;; report a regular file.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "fd_prestat_get\00")
  (data (i32.const 1040) "path_create_directory\00")
  (data (i32.const 1072) "path_open\00")
  (data (i32.const 1088) "fd_close\00")
  (data (i32.const 1104) "path_filestat_get\00")
  ;; 39 bytes; the k-th directory is its first 5k-1 bytes.
  (data (i32.const 1536) "dir1/dir2/dir3/dir4/dir5/dir6/dir7/file")

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; Creates dir1 to dir1/.../dir7 and the empty file in it.
  (func (export "setup") (result i32)
    (local $e i32) (local $len i32)
    (if (local.tee $e (call $fd_prestat_get (i32.const 3) (i32.const 96)))
      (then (return (call $fail (i32.const 1024) (local.get $e)))))
    (local.set $len (i32.const 4))
    (loop $dir
      (if (local.tee $e (call $path_create_directory (i32.const 3) (i32.const 1536) (local.get $len)))
        (then (return (call $fail (i32.const 1040) (local.get $e)))))
      (br_if $dir (i32.lt_u (local.tee $len (i32.add (local.get $len) (i32.const 5))) (i32.const 39))))
    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 39)
          (i32.const 1) (i64.const 0xE001FF) (i64.const 0) (i32.const 0) (i32.const 76)))
      (then (return (call $fail (i32.const 1072) (local.get $e)))))
    (if (local.tee $e (call $fd_close (i32.load (i32.const 76))))
      (then (return (call $fail (i32.const 1088) (local.get $e)))))
    (i32.const 0))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (i32.const 144) (i32.const 0))
        (if (local.tee $e (call $path_filestat_get (i32.const 3) (i32.const 1) (i32.const 1536) (i32.const 39) (i32.const 128)))
          (then (return (call $fail (i32.const 1104) (local.get $e)))))
        ;; filestat (at 128).filetype (offset 16) must be REGULAR_FILE.
        (if (i32.ne (i32.load8_u (i32.const 144)) (i32.const 4))
          (then (return (call $fail (i32.const 1104) (i32.const 255)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

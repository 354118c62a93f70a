;; A guest whose output an embedder callback may answer by calling back in: `_start`
;; writes "a" then "b" to stdout; `again` writes "c" and returns the errno.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "abc")
  ;; iovecs: "a" at 16, "b" at 24, "c" at 32.
  (data (i32.const 16) "\00\00\00\00\01\00\00\00\01\00\00\00\01\00\00\00\02\00\00\00\01\00\00\00")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 64)))
    (drop (call $fd_write (i32.const 1) (i32.const 24) (i32.const 1) (i32.const 64))))
  (func (export "again") (result i32)
    (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 64))))

;; A guest that provokes the faults a host call must survive. `test.param(0)` picks the
;; mode, `test.param(1)` a depth:
;; 0: recurse that deep, then call the host (open, append 4000 bytes, close): near V8's
;;    stack limit, the stack runs out somewhere in the guest or in the host (wasm cannot
;;    catch a stack overflow, so it ends the run);
;; 1: call the host inside a catch-all (an embedder callback that throws is caught), then
;;    call it again;
;; 2: catch proc_exit(3), then call the host again;
;; 3: catch proc_exit(3) a thousand times, then return;
;; 4: call the host from the start function (before the host knows the guest's memory).
;; The last call's errno is exported as `errno`.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "test" "param" (func $param (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 256) "deep")
  ;; One iovec: 4000 bytes at 1024.
  (data (i32.const 512) "\00\04\00\00\a0\0f\00\00")
  (global $errno (export "errno") (mut i32) (i32.const -1))

  ;; Opens "deep" to append (creating it), writes 4000 bytes, closes: errno of the write.
  (func $work (result i32)
    (local $e i32)
    (local.set $e
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 256) (i32.const 4) (i32.const 1)
        (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 1) (i32.const 600)))
    (if (local.get $e) (then (return (local.get $e))))
    (local.set $e (call $fd_write (i32.load (i32.const 600)) (i32.const 512) (i32.const 1) (i32.const 604)))
    (drop (call $fd_close (i32.load (i32.const 600))))
    (local.get $e))

  (func $rec (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 0)))
      (else (call $work))))

  (func $exit_caught
    (try (do (call $proc_exit (i32.const 3))) (catch_all)))

  (func $at_start
    (if (i32.eq (call $param (i32.const 0)) (i32.const 4))
      (then (global.set $errno (call $work)))))
  (start $at_start)

  (func (export "_start")
    (local $mode i32)
    (local $i i32)
    (local.set $mode (call $param (i32.const 0)))
    (block $done
      (br_if $done (i32.eq (local.get $mode) (i32.const 4)))
      (if (i32.eqz (local.get $mode))
        (then (global.set $errno (call $rec (call $param (i32.const 1)))) (br $done)))
      (if (i32.eq (local.get $mode) (i32.const 1))
        (then
          (try (do (global.set $errno (call $work))) (catch_all))
          (global.set $errno (call $work))
          (br $done)))
      (if (i32.eq (local.get $mode) (i32.const 2))
        (then (call $exit_caught) (global.set $errno (call $work)) (br $done)))
      (loop $again
        (call $exit_caught)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (i32.const 1000)))))))

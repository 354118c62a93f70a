;; What a program's start-up does with its arguments and environment: args_sizes_get,
;; args_get, environ_sizes_get and environ_get, n times; the host is given 100 of each,
;; and each call must report all 100.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "args_sizes_get\00")
  (data (i32.const 1040) "args_get\00")
  (data (i32.const 1056) "environ_sizes_get\00")
  (data (i32.const 1088) "environ_get\00")
  ;; Pointer arrays (100 x 4 bytes) and string buffers (up to 4 KiB each).
  (global $argv i32 (i32.const 2048))
  (global $envp i32 (i32.const 2560))
  (global $argv_buf i32 (i32.const 4096))
  (global $env_buf i32 (i32.const 8192))

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  ;; 0 when 100 entries fitting in 4 KiB were reported at 64 (count) and 68 (size).
  (func $sizes_wrong (result i32)
    (i32.or (i32.ne (i32.load (i32.const 64)) (i32.const 100)) (i32.gt_u (i32.load (i32.const 68)) (i32.const 4096))))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (local.tee $e (call $args_sizes_get (i32.const 64) (i32.const 68)))
          (then (return (call $fail (i32.const 1024) (local.get $e)))))
        (if (call $sizes_wrong) (then (return (call $fail (i32.const 1024) (i32.const 255)))))
        (i32.store (i32.add (global.get $argv) (i32.const 396)) (i32.const 0))
        (if (local.tee $e (call $args_get (global.get $argv) (global.get $argv_buf)))
          (then (return (call $fail (i32.const 1040) (local.get $e)))))
        ;; The last argument must have been filled in: it starts with 'a'.
        (if (i32.ne (i32.load8_u (i32.load (i32.add (global.get $argv) (i32.const 396)))) (i32.const 97))
          (then (return (call $fail (i32.const 1040) (i32.const 255)))))
        (if (local.tee $e (call $environ_sizes_get (i32.const 64) (i32.const 68)))
          (then (return (call $fail (i32.const 1056) (local.get $e)))))
        (if (call $sizes_wrong) (then (return (call $fail (i32.const 1056) (i32.const 255)))))
        (i32.store (i32.add (global.get $envp) (i32.const 396)) (i32.const 0))
        (if (local.tee $e (call $environ_get (global.get $envp) (global.get $env_buf)))
          (then (return (call $fail (i32.const 1088) (local.get $e)))))
        ;; The last variable must have been filled in: its name starts with 'V'.
        (if (i32.ne (i32.load8_u (i32.load (i32.add (global.get $envp) (i32.const 396)))) (i32.const 86))
          (then (return (call $fail (i32.const 1088) (i32.const 255)))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

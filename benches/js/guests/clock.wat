;; clock_time_get of the monotonic clock, n times; each reading must not go backwards.
;; Guest conventions (_start, setup, run, the failure code): ../README.md.
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "clock_time_get\00")

  (func $fail (param $name i32) (param $code i32) (result i32)
    (i32.or (i32.shl (local.get $name) (i32.const 8)) (local.get $code)))

  (func (export "_start"))

  (func (export "run") (param $n i32) (result i32)
    (local $e i32) (local $prev i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (if (local.tee $e (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 64)))
          (then (return (call $fail (i32.const 1024) (local.get $e)))))
        (if (i64.lt_u (i64.load (i32.const 64)) (local.get $prev))
          (then (return (call $fail (i32.const 1024) (i32.const 255)))))
        (local.set $prev (i64.load (i32.const 64)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const 0)))

;; A reactor that only exports its memory (up to 4 GiB): tests and the fuzzer call the
;; host's syscalls from JS with pointers into it.
(module
  (memory (export "memory") 1 65536))

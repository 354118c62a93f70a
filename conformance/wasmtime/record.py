"""Records wasmtime's answers for the differential check (conformance/wasmtime/answers.json).

Usage: python record.py GUESTS_DIR < cases.json > answers.json

Runs every conformance guest (GUESTS_DIR holds the built .wasm files) as
conformance/guests/expectations.json says every runner starts one, and every case (the
JSON from `cargo run -p conformance --bin wasmtime-cases`) through the syscall_driver
guest, each in a fresh temporary sandbox, under wasmtime's preview1 host (the `wasmtime`
wheel from PyPI, whose C API runs wasmtime-wasi's preview1). scripts/wasmtime-answers.sh
installs the pinned wheel and runs this.
"""

import importlib.metadata
import json
import os
import shutil
import sys
import tempfile

import wasmtime

HERE = os.path.dirname(os.path.abspath(__file__))
GUESTS_SRC = os.path.join(HERE, '..', 'guests', 'src')
EXPECTATIONS = json.load(open(os.path.join(HERE, '..', 'guests', 'expectations.json')))
START = EXPECTATIONS['start']
# wasmtime has one backend: the host's filesystem. Guests run with the memory backend's
# environment (no WASI_BACKEND), as that one has hard links and large files too.
ENV = sorted(START['env'].items())


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return '%016x' % h


def source_hash(name):
    """The hash conformance::differential checks: the guests' lib.rs, then the guest's file."""
    with open(os.path.join(GUESTS_SRC, 'lib.rs'), 'rb') as f:
        data = f.read()
    with open(os.path.join(GUESTS_SRC, 'bin', name + '.rs'), 'rb') as f:
        data += f.read()
    return fnv1a(data)


engine = wasmtime.Engine()
linker = wasmtime.Linker(engine)
linker.define_wasi()


def run(module, args):
    """Runs `module` with `args` (argv[0] first) in a fresh sandbox; returns exit and stdout."""
    work = tempfile.mkdtemp(prefix='wasmtime-answers-')
    try:
        stdin = os.path.join(work, 'stdin')
        with open(stdin, 'wb') as f:
            f.write(START['stdin'].encode())
        sandbox = os.path.join(work, 'sandbox')
        os.mkdir(sandbox)
        config = wasmtime.WasiConfig()
        config.argv = args
        config.env = ENV
        config.stdin_file = stdin
        config.stdout_file = os.path.join(work, 'stdout')
        config.stderr_file = os.path.join(work, 'stderr')
        config.preopen_dir(sandbox, START['preopen'])
        store = wasmtime.Store(engine)
        store.set_wasi(config)
        instance = linker.instantiate(store, module)
        try:
            instance.exports(store)['_start'](store)
            code = 0
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError):
            code = 'trap'
        del instance, store
        with open(os.path.join(work, 'stdout'), 'rb') as f:
            stdout = f.read().decode('utf-8', errors='replace')
        return code, stdout
    finally:
        shutil.rmtree(work)


def main():
    guests_dir = sys.argv[1]
    listed = json.load(sys.stdin)
    preamble, cases = listed['fuzz_preamble'], listed['cases']
    names = sorted(f[:-3] for f in os.listdir(os.path.join(GUESTS_SRC, 'bin')) if f.endswith('.rs'))
    modules = {n: wasmtime.Module.from_file(engine, os.path.join(guests_dir, n + '.wasm')) for n in names}
    guests = {}
    for name in names:
        code, stdout = run(modules[name], [name])
        guests[name] = {'exit': code, 'stdout': stdout}
        print(f'{name}: exit {code}', file=sys.stderr)
    answered = []
    driver = modules['syscall_driver']
    for i, case in enumerate(cases):
        # A fuzz case's lines come after the preamble, which answers.json holds once.
        args = (preamble if case['name'].startswith('fuzz ') else []) + case['lines']
        code, stdout = run(driver, ['syscall_driver'] + args)
        answered.append({'name': case['name'], 'lines': case['lines'], 'exit': code, 'stdout': stdout})
        if i % 100 == 99:
            print(f'{i + 1} of {len(cases)} cases', file=sys.stderr)
    answers = {
        'wasmtime': importlib.metadata.version('wasmtime'),
        'sources': {n: source_hash(n) for n in names},
        'guests': guests,
        'fuzz_preamble': preamble,
        'cases': answered,
    }
    json.dump(answers, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()

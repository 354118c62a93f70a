import { Driver } from './driver.mjs';
import { ERRNO_NAMES } from '../pkg/abi.js';
const log = [];
const orig = Driver.prototype.call;
let wasiRef;
Driver.prototype.call = function (name, ...args) { const before = this.wasi.hostMemoryBytes(); const r = orig.call(this, name, ...args); const after = this.wasi.hostMemoryBytes(); if (after !== before) log.push(`${name}(${args.join(',')}) -> ${ERRNO_NAMES[r]} grew ${after - before}`); return r; };
const { runCase } = await import('./fuzz.mjs');
try { console.log(runCase(Number(process.argv[2]))); } catch (e) { console.log(e.message); }
console.log(log.join('\n'));

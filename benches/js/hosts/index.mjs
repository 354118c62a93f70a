// Every host, in the order of the table's columns; ours-memory is the reference.
import { bws } from './bws.mjs';
import { cfw } from './cfw.mjs';
import { nodeWasi } from './node-wasi.mjs';
import { ours } from './ours.mjs';
import { tybys } from './tybys.mjs';

export const hosts = [ours('memory'), ours('littlefs'), cfw, bws, tybys, nodeWasi];

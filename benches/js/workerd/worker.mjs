// The Worker that ../workerd.mjs runs in workerd. Each request is a JSON job
// { host, workload, config, n }: a new host runs n ops of the workload's guest, and the
// answer is {} or { error }. Timing is done outside, from Node: in workerd the clocks
// only advance across I/O.
import * as oursLib from './pkg/workerd.js';
import * as cfwLib from '../node_modules/@cloudflare/workers-wasi/dist/index.mjs';
import { ours } from '../hosts/ours.mjs';
import { cfw } from '../hosts/cfw.mjs';
import { coldStarts, hostCycles, prepare, shortReason } from '../measure.mjs';
import { guests } from './guests.mjs';

const hosts = {
  'ours-memory': { adapter: ours('memory'), lib: oursLib },
  cfw: { adapter: cfw, lib: cfwLib },
};

export default {
  async fetch(request) {
    const { host, workload, config, n } = await request.json();
    const { adapter, lib } = hosts[host];
    const module = guests[workload.guest];
    try {
      if (workload.guest === null) {
        hostCycles(adapter, lib, config, n);
      } else if (workload.cold) {
        await coldStarts(adapter, lib, module, config, n);
      } else {
        const prepared = await prepare(adapter, lib, workload, module, config);
        try {
          prepared.run(n);
        } finally {
          prepared.close();
        }
      }
      return Response.json({});
    } catch (e) {
      return Response.json({ error: shortReason(e) });
    }
  },
};

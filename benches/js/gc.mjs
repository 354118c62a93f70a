// The garbage collections V8 makes while a measurement runs (Node's `gc` performance
// entries): a host can cost more in the collections its objects bring on than in its
// own code, and that cost falls on whatever runs next, so it is counted apart.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection, now. */
export const collect = runInNewContext('gc');

/** Starts counting; `stop()` resolves with { minor, major, ms }: young-generation and full
 * collections, and the ms all of them took. */
export function gcMeter() {
  const seen = { minor: 0, major: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) seen.minor++;
      else if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) seen.major++;
      seen.ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // Entries arrive after the collection, in a later turn.
      await new Promise((resolve) => setTimeout(resolve, 0));
      observer.disconnect();
      return seen;
    },
  };
}

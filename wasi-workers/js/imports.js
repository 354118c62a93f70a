// A host's `wasiImport`: its 46 functions by name, each made (or taken out of its thunk's
// table: pool.js) the first time it is asked for. A guest imports a handful, so a host
// pays for the functions its guest imports and no more. Otherwise it is an ordinary
// object: enumerable (all 46, in witx order), spreadable, writable.
import { SYSCALLS } from './abi.js';

const NAMES = SYSCALLS.map(([name]) => name);
const NUMBERS = new Map(NAMES.map((name, i) => [name, i]));

/** The import object of the functions `call(i)` gives (witx order). */
export function guestImports(call) {
  const target = {};
  const take = (key) => {
    if (NUMBERS.has(key) && !Object.hasOwn(target, key)) target[key] = call(NUMBERS.get(key));
  };
  return new Proxy(target, {
    get(t, key, receiver) {
      take(key);
      return Reflect.get(t, key, receiver);
    },
    has: (t, key) => NUMBERS.has(key) || Reflect.has(t, key),
    ownKeys: (t) => [...NAMES, ...Reflect.ownKeys(t).filter((key) => !NUMBERS.has(key))],
    getOwnPropertyDescriptor(t, key) {
      take(key);
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
  });
}

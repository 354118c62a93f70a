// A host's `wasiImport`: its 46 functions by name, each made (or taken out of its thunk's
// table: pool.js) the first time it is asked for. A guest imports a handful, so a host
// pays for the functions its guest imports and no more. Otherwise it is an ordinary
// object: enumerable (all 46, in witx order), spreadable, writable.
import { SYSCALLS } from './abi.js';

const NAMES = SYSCALLS.map(([name]) => name);
const NUMBERS = new Map(NAMES.map((name, i) => [name, i]));

/** The import object of the functions `call(i)` gives (witx order). */
export function guestImports(call) {
  return new Proxy({}, new Lazy(call));
}

/** The proxy's handler. A class, not an object literal, as everything made per host is
 * (see host.js). */
class Lazy {
  /** A handler of no host, for its shape (see host.js). */
  static #shape = new Lazy(null);

  constructor(call) {
    this.call = call;
  }

  /** Makes function `key` on `target` if it is one of the 46 and not there yet. */
  take(target, key) {
    if (NUMBERS.has(key) && !Object.hasOwn(target, key)) target[key] = this.call(NUMBERS.get(key));
  }

  get(target, key, receiver) {
    this.take(target, key);
    return Reflect.get(target, key, receiver);
  }

  has(target, key) {
    return NUMBERS.has(key) || Reflect.has(target, key);
  }

  ownKeys(target) {
    return [...NAMES, ...Reflect.ownKeys(target).filter((key) => !NUMBERS.has(key))];
  }

  getOwnPropertyDescriptor(target, key) {
    this.take(target, key);
    return Reflect.getOwnPropertyDescriptor(target, key);
  }
}

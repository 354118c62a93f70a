// Compiles the WAT test guests in wat/ with the binaryen devDependency, at run time: no
// build output to keep.
import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';

/** The compiled module of `wat/NAME.wat`. */
export function watGuest(name) {
  const m = binaryen.parseText(readFileSync(new URL(`./wat/${name}.wat`, import.meta.url), 'utf8'));
  try {
    // What Node 20 and workerd run: exceptions (the guests that catch), nothing newer.
    const { ExceptionHandling, MutableGlobals, BulkMemory, BulkMemoryOpt, SignExt } = binaryen.Features;
    m.setFeatures(ExceptionHandling | MutableGlobals | BulkMemory | BulkMemoryOpt | SignExt);
    if (!m.validate()) throw new Error(`wat/${name}.wat does not validate`);
    return new WebAssembly.Module(m.emitBinary());
  } finally {
    m.dispose();
  }
}

// Compiles the guests (guests/*.wat) with wabt, at run time: no build output to keep.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('./guests/', import.meta.url);

/** { name: { bytes, module } } for every guests/NAME.wat. */
export async function compileGuests() {
  const wabt = await (await import('wabt')).default();
  const guests = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat'))) {
    const parsed = wabt.parseWat(file, readFileSync(new URL(file, dir), 'utf8'));
    try {
      parsed.validate();
      const { buffer } = parsed.toBinary({});
      guests[file.slice(0, -'.wat'.length)] = { bytes: buffer, module: new WebAssembly.Module(buffer) };
    } finally {
      parsed.destroy();
    }
  }
  return guests;
}

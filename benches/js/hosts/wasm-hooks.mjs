// Node module hooks (registered by cfw.mjs) that give an imported .wasm file the meaning
// it has in workerd and wrangler: a default export holding the compiled WebAssembly.Module.

/** Marks .wasm URLs, so that they differ from any earlier failed plain import of them. */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = new URL(resolved.url);
  if (!url.pathname.endsWith('.wasm') || url.searchParams.has('compiled')) return resolved;
  url.searchParams.set('compiled', '');
  return { ...resolved, url: url.href };
}

export async function load(url, context, nextLoad) {
  const { pathname } = new URL(url);
  if (!pathname.endsWith('.wasm')) return nextLoad(url, context);
  const source = `import { readFileSync } from 'node:fs';
export default new WebAssembly.Module(readFileSync(${JSON.stringify(pathname)}));`;
  return { format: 'module', source, shortCircuit: true };
}

// The only place that loads h5wasm: one ready module for the process, loaded on first use so
// commands that never touch HDF5 start fast.

export type H5 = typeof import('h5wasm/node').default;
let loaded: Promise<H5> | null = null;

export function loadH5(): Promise<H5> {
  loaded ??= import('h5wasm/node').then(async (mod) => {
    const h5 = mod.default;
    await h5.ready;
    return h5;
  });
  return loaded;
}

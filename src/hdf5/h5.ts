// The only place that loads h5wasm: one ready module for the process, loaded on first use so
// commands that never touch HDF5 start fast. HDF5's own error-stack dump is kept off stderr (our
// errors name the file and the problem); everything else the module writes to stderr passes.
import { Hdf5DiagFilter } from './diag-filter.js';

export type H5 = typeof import('h5wasm/node').default;
let loaded: Promise<H5> | null = null;

/** The part of Emscripten's FS that C's stdio writes through (fd_write -> FS.write). */
interface EmscriptenWriteFs {
  write(
    stream: { fd: number },
    buffer: Int8Array | Uint8Array,
    offset: number,
    length: number,
    position?: number,
    canOwn?: boolean,
  ): number;
}

const STDERR_FD = 2;

// h5wasm exposes no H5Eset_auto2, so HDF5 prints its error stack on every failed call, before h5wasm
// throws (or our checks report) the error. Route the module's fd 2 through a filter that drops that dump.
function silenceHdf5Diagnostics(fs: EmscriptenWriteFs): void {
  const write = fs.write.bind(fs);
  const filter = new Hdf5DiagFilter();
  const decoder = new TextDecoder();
  fs.write = (stream, buffer, offset, length, position, canOwn) => {
    if (stream.fd !== STDERR_FD) return write(stream, buffer, offset, length, position, canOwn);
    const kept = filter.push(decoder.decode(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length), { stream: true }));
    if (kept) process.stderr.write(kept);
    return length;
  };
  process.once('exit', () => {
    const rest = filter.flush();
    if (rest) process.stderr.write(rest);
  });
}

export function loadH5(): Promise<H5> {
  loaded ??= import('h5wasm/node').then(async (mod) => {
    const h5 = mod.default;
    const runtime = (await h5.ready) as unknown as { FS: EmscriptenWriteFs };
    silenceHdf5Diagnostics(runtime.FS);
    return h5;
  });
  return loaded;
}

// One shared WebAssembly memory for pack's big buffers (decoded tile rows, patch batches), so cutting a patch's
// rows out of a band is one call into a four-instruction WebAssembly loop (memory.copy per row) instead of one
// JS typed-array copy and view per row: ~2.5x less CPU for the cut and no garbage (bench/RESULTS.md, issue 15).
// Blocks come in power-of-two sizes and are reused once freed (a fresh buffer costs a page fault per 4 KiB
// page); the memory grows on demand and never shrinks. Where the memory cannot be reserved, or is full,
// buffers are plain SharedArrayBuffers and copyRows copies row by row in JS: same bytes, more CPU.

/**
 * (module (import "m" "m" (memory 0 65536 shared))
 *   (func (export "copyRows") (param $src i32) (param $dst i32) (param $srcPitch i32) (param $dstPitch i32)
 *                             (param $len i32) (param $rows i32)
 *     (block (loop (br_if 1 (i32.eqz (local.get $rows)))
 *       (memory.copy (local.get $dst) (local.get $src) (local.get $len))
 *       (local.set $src (i32.add (local.get $src) (local.get $srcPitch)))
 *       (local.set $dst (i32.add (local.get $dst) (local.get $dstPitch)))
 *       (local.set $rows (i32.sub (local.get $rows) (i32.const 1))) (br 0)))))
 */
const BODY = [
  0, 2, 64, 3, 64, 32, 5, 69, 13, 1, 32, 1, 32, 0, 32, 4, 252, 10, 0, 0, 32, 0, 32, 2, 106, 33, 0, 32, 1, 32, 3, 106, 33, 1, 32, 5, 65, 1,
  107, 33, 5, 12, 0, 11, 11, 11,
];
const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
const MODULE = new Uint8Array([
  ...[0, 97, 115, 109, 1, 0, 0, 0],
  ...section(1, [1, 96, 6, 127, 127, 127, 127, 127, 127, 0]),
  ...section(2, [1, 1, 109, 1, 109, 2, 3, 0, 128, 128, 4]),
  ...section(3, [1, 0]),
  ...section(7, [1, 8, ...new TextEncoder().encode('copyRows'), 0, 0]),
  ...section(10, [1, BODY.length, ...BODY]),
]);

const PAGE = 65536;
/** wasm32's limit: 4 GiB (address space reserved up front, committed as it grows). */
const MAX_PAGES = 65536;
/** Grow by at least this much at a time. */
const GROW_BYTES = 64 * 2 ** 20;
const MIN_BLOCK = 2 ** 20;

type CopyRows = (src: number, dst: number, srcPitch: number, dstPitch: number, len: number, rows: number) => void;

// The few WebAssembly JS API members used here (the build's libs, ES2023 + @types/node, do not declare them).
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export class SharedArena {
  /** Every SharedArrayBuffer object this memory has handed out (growing makes a new one). */
  private readonly buffers = new WeakSet<SharedArrayBuffer>();
  /** Freed blocks by size; block start by view. */
  private readonly free = new Map<number, number[]>();
  private readonly blocks = new WeakMap<Uint8Array, { start: number; size: number }>();
  private top = 0;
  private used = 0;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly copy: CopyRows,
    private readonly maxPages: number,
  ) {}

  /** A new arena, or null where shared WebAssembly memory cannot be reserved (e.g. a small `ulimit -v`). */
  static create(maxPages = MAX_PAGES): SharedArena | null {
    try {
      const memory = new wasm.Memory({ initial: 0, maximum: maxPages, shared: true });
      const instance = new wasm.Instance(new wasm.Module(MODULE), { m: { m: memory } });
      return new SharedArena(memory, instance.exports.copyRows as CopyRows, maxPages);
    } catch {
      return null;
    }
  }

  /** `bytes` bytes (contents undefined), in the arena when it has room, else in a SharedArrayBuffer of their own. */
  alloc(bytes: number): Uint8Array {
    const size = 2 ** Math.ceil(Math.log2(Math.max(bytes, MIN_BLOCK)));
    // The smallest free block that is large enough (bands of a slide vary in width from row to row).
    let fit = 0;
    for (const [s, list] of this.free) if (s >= size && list.length > 0 && (fit === 0 || s < fit)) fit = s;
    let start = fit > 0 ? (this.free.get(fit)?.pop() as number) : -1;
    if (start < 0 && this.reserve(size)) {
      start = this.top;
      this.top += size;
    }
    if (start < 0) return new Uint8Array(new SharedArrayBuffer(bytes));
    const view = new Uint8Array(this.buffer(), start, bytes);
    this.blocks.set(view, { start, size: fit || size });
    this.used += fit || size;
    return view;
  }

  /** Hand back a view alloc returned (others are left to the GC); it must not be used afterwards. */
  release(view: Uint8Array): void {
    const block = this.blocks.get(view);
    if (!block) return;
    this.blocks.delete(view);
    this.used -= block.size;
    const list = this.free.get(block.size) ?? [];
    list.push(block.start);
    this.free.set(block.size, list);
  }

  /** Bytes of memory the arena holds (committed as touched). */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes of blocks handed out and not yet released. */
  get inUseBytes(): number {
    return this.used;
  }

  isInside(view: Uint8Array): boolean {
    return view.buffer instanceof SharedArrayBuffer && this.buffers.has(view.buffer);
  }

  /** Copy the rows (see RowCopy); in WebAssembly when both views are in this arena. */
  copyRows(c: RowCopy): void {
    checkRows(c);
    if (c.rows > 0 && this.isInside(c.src) && this.isInside(c.dst))
      this.copy(c.src.byteOffset + c.srcAt, c.dst.byteOffset + c.dstAt, c.srcPitch, c.dstPitch, c.len, c.rows);
    else copyRowsJs(c);
  }

  private buffer(): SharedArrayBuffer {
    const b = this.memory.buffer as unknown as SharedArrayBuffer;
    this.buffers.add(b);
    return b;
  }

  private reserve(size: number): boolean {
    const need = this.top + size - this.memory.buffer.byteLength;
    if (need <= 0) return true;
    const pages = Math.ceil(Math.max(need, GROW_BYTES) / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    try {
      this.memory.grow(Math.min(pages, this.maxPages - have));
    } catch {
      return false;
    }
    return this.top + size <= this.memory.buffer.byteLength;
  }
}

/** `rows` rows of `len` bytes from `src` (from byte srcAt, srcPitch apart) to `dst` (dstAt, dstPitch apart). */
export interface RowCopy {
  src: Uint8Array;
  srcAt: number;
  srcPitch: number;
  dst: Uint8Array;
  dstAt: number;
  dstPitch: number;
  len: number;
  rows: number;
}

function checkRows({ src, srcAt, srcPitch, dst, dstAt, dstPitch, len, rows }: RowCopy): void {
  if (rows <= 0) return;
  if (srcAt < 0 || dstAt < 0 || srcAt + (rows - 1) * srcPitch + len > src.length || dstAt + (rows - 1) * dstPitch + len > dst.length)
    throw new RangeError('copyRows: rows reach past the view');
}

/** The JS route: one typed-array copy per row (views made by the constructor: half subarray's cost). */
export function copyRowsJs(c: RowCopy): void {
  checkRows(c);
  const { src, dst } = c;
  for (let r = 0; r < c.rows; r++)
    dst.set(new Uint8Array(src.buffer, src.byteOffset + c.srcAt + r * c.srcPitch, c.len), c.dstAt + r * c.dstPitch);
}

/** Copy rows between views: in WebAssembly when both are in the process's arena, else in JS. */
export function copyRows(c: RowCopy): void {
  const arena = sharedArena();
  if (arena) arena.copyRows(c);
  else copyRowsJs(c);
}

/** `bytes` shared bytes from the process's arena, or a SharedArrayBuffer of their own where there is none. */
export function allocShared(bytes: number): Uint8Array {
  return sharedArena()?.alloc(bytes) ?? new Uint8Array(new SharedArrayBuffer(bytes));
}

/** Hand back a view allocShared returned (see SharedArena.release). */
export function releaseShared(view: Uint8Array): void {
  sharedArena()?.release(view);
}

let shared: SharedArena | null | undefined;

/** The process's arena (per thread), created on first use; null where it cannot be. */
export function sharedArena(): SharedArena | null {
  if (shared === undefined) shared = SharedArena.create();
  return shared;
}

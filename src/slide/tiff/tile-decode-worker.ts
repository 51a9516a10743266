// A tile-decode worker thread: reads JPEG tiles of a TIFF level from the file and decodes each with
// TurboJPEG straight into its place in a shared band buffer (tile-decode-pool.ts sends the jobs).
// Every tile is checked first (jpeg-check.ts) and libjpeg's warnings fail it: never a grey tile.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { jpegTileProblem, TileDataError } from './jpeg-check.js';
import { buildJpegStream } from './jpeg-stream.js';
import { loadTurboJpeg } from './turbojpeg.js';
import type { TileFailure, TileJob, TileJobReply, TileJobTile } from './tile-job.js';

const port = parentPort;
if (!port) throw new Error('tile-decode-worker.js runs as a worker thread');
const tj = loadTurboJpeg();
port.postMessage(typeof tj === 'string' ? { ready: false, reason: tj } : { ready: true });

/** More than any JPEG tile holds (a 4096 x 4096 tile at quality 100 is ~30 MiB): larger byte counts are damage. */
const MAX_TILE_BYTES = 64 * 2 ** 20;

// One read buffer per worker, grown as needed: fresh memory for every band would cost a page fault per page.
let scratch = Buffer.alloc(0);
function spanBuffer(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafe(Math.max(bytes, 2 * scratch.length));
  return scratch.subarray(0, bytes);
}

function decodeJob(job: TileJob): TileFailure[] {
  if (typeof tj === 'string') throw new Error(tj);
  const band = new Uint8Array(job.buffer, job.byteOffset, job.byteLength);
  const { tileWidth: tw, tileHeight: th } = job;
  const failures: TileFailure[] = [];
  const fd = openSync(job.file, 'r');
  try {
    // The tiles of a row usually lie one after the other: read them in one go (unless they are scattered, or
    // a damaged byte count claims more than a tile can hold: then each on its own, within its limit).
    const stored = job.tiles.filter((t) => t.offset !== 0 && t.count !== 0);
    const start = Math.min(...stored.map((t) => t.offset));
    const end = Math.max(...stored.map((t) => t.offset + t.count));
    const sum = stored.reduce((n, t) => n + t.count, 0);
    const isSpan = stored.length > 0 && end - start <= 2 * sum + 65536 && stored.every((t) => t.count <= MAX_TILE_BYTES);
    const span = isSpan ? spanBuffer(end - start) : Buffer.alloc(0);
    const got = isSpan ? readSync(fd, span, 0, span.length, start) : 0;
    const bytesOf = (tile: TileJobTile): Uint8Array => {
      if (tile.count > MAX_TILE_BYTES) {
        throw new TileDataError(`damaged JPEG data: the tile's byte count ${tile.count} is more than a ${tw} x ${th} tile can hold`);
      }
      if (!isSpan) {
        const own = Buffer.allocUnsafe(tile.count);
        const n = readSync(fd, own, 0, tile.count, tile.offset);
        if (n < tile.count) throw new TileDataError(`damaged JPEG data: only ${n} of ${tile.count} bytes are in the file (truncated)`);
        return own;
      }
      const available = Math.max(0, Math.min(tile.count, got - (tile.offset - start)));
      if (available < tile.count)
        throw new TileDataError(`damaged JPEG data: only ${available} of ${tile.count} bytes are in the file (truncated)`);
      return span.subarray(tile.offset - start, tile.offset - start + tile.count);
    };
    for (const tile of job.tiles) {
      const pitch = tile.pitch;
      const at = (row: number) => tile.dst + row * pitch;
      if (tile.offset === 0 || tile.count === 0) {
        // A sparse tile (never written) is background.
        for (let r = 0; r < th; r++) band.fill(255, at(r), at(r) + tw * 3);
        continue;
      }
      try {
        const bytes = bytesOf(tile);
        const problem = jpegTileProblem(bytes);
        if (problem !== null) throw new TileDataError(`damaged JPEG data: ${problem}`);
        const stream = buildJpegStream(bytes, job.tables, job.isRgb);
        const { width, height } = tj.header(stream);
        if (width === tw && height === th) {
          tj.decode(stream, band.subarray(tile.dst), tw, pitch, th);
        } else if (width <= tw && height <= th && width > 0 && height > 0) {
          // A tile stored smaller than the tile size: decode it apart and pad with white.
          const small = new Uint8Array(width * height * 3);
          tj.decode(stream, small, width, width * 3, height);
          for (let r = 0; r < th; r++) {
            band.fill(255, at(r), at(r) + tw * 3);
            if (r < height) band.set(small.subarray(r * width * 3, (r + 1) * width * 3), at(r));
          }
        } else {
          throw new TileDataError(`damaged JPEG data: the tile declares ${width} x ${height} pixels, the level's tiles are ${tw} x ${th}`);
        }
      } catch (err) {
        failures.push({ tile: tile.index, message: (err as Error).message, isDataError: err instanceof TileDataError });
      }
    }
  } finally {
    closeSync(fd);
  }
  return failures;
}

port.on('message', (job: TileJob) => {
  let reply: TileJobReply;
  try {
    reply = { id: job.id, failures: decodeJob(job) };
  } catch (err) {
    reply = { id: job.id, failures: [], error: (err as Error).message };
  }
  port.postMessage(reply);
});

// A least-recently-used cache of decoded tiles bounded by bytes, with in-flight de-duplication:
// concurrent requests for a tile that is being decoded share one promise. Knows nothing of TIFF.

export class TileCache {
  private readonly entries = new Map<string, Uint8Array>();
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  private bytes = 0;

  /** @param maxBytes upper bound on the summed byteLength of cached tiles; 0 caches nothing. */
  constructor(private readonly maxBytes: number) {}

  /** Cached bytes right now. */
  get sizeBytes(): number {
    return this.bytes;
  }

  get entryCount(): number {
    return this.entries.size;
  }

  /** Return the tile for `key`, calling `load` only if it is neither cached nor already loading. */
  get(key: string, load: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const promise = load().then(
      (tile) => {
        this.inFlight.delete(key);
        this.store(key, tile);
        return tile;
      },
      (err: unknown) => {
        this.inFlight.delete(key);
        throw err;
      },
    );
    this.inFlight.set(key, promise);
    return promise;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private store(key: string, tile: Uint8Array): void {
    if (tile.byteLength > this.maxBytes) return;
    this.entries.set(key, tile);
    this.bytes += tile.byteLength;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.byteLength;
    }
  }
}

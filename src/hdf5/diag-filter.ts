// Drops HDF5's automatic error-stack dump ("HDF5-DIAG: Error detected in HDF5 ..." and its indented
// "#000:", "major:", "minor:" lines) from text written to stderr; every other line passes. Pure: h5.ts
// feeds it what the HDF5 module writes to its standard error stream.

/** Line filter over a stream of chunks: `push` returns the complete lines to pass on, in order. */
export class Hdf5DiagFilter {
  private pending = '';
  private isInDump = false;

  push(chunk: string): string {
    this.pending += chunk;
    const end = this.pending.lastIndexOf('\n');
    if (end < 0) return '';
    const lines = this.pending.slice(0, end + 1).split(/(?<=\n)/);
    this.pending = this.pending.slice(end + 1);
    return lines.filter((line) => !this.isDumpLine(line)).join('');
  }

  /** What is left of an unfinished last line (passed unless it belongs to a dump). */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest && !this.isDumpLine(rest) ? rest : '';
  }

  // A dump opens with `HDF5-DIAG:` and goes on with indented lines; a message holding a newline (the
  // sec2 driver's `time = <ctime>\n, filename = ...`) continues with a line starting with a comma.
  private isDumpLine(line: string): boolean {
    if (line.startsWith('HDF5-DIAG:')) this.isInDump = true;
    else if (this.isInDump && !/^[\s,]/.test(line)) this.isInDump = false;
    return this.isInDump;
  }
}

// The project's one CSV module: RFC 4180 parsing (quoted fields with commas, doubled quotes and newlines;
// CRLF, LF or CR line ends; a UTF-8 BOM at the start dropped) and formatting of fields and rows. Pure.

/** One record and the 1-based line of the file where it starts (a quoted newline makes a record span lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export interface CsvParseOptions {
  /**
   * Throw a CsvSyntaxError on what RFC 4180 does not allow (a quote left open, a quote inside an unquoted
   * field, text after a closing quote) instead of reading it leniently. @default false
   */
  isStrict?: boolean;
}

/** Text that is not valid CSV (strict parsing only), with the line where the problem is. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

// Parsing state of one pass over the text.
interface Cursor {
  records: CsvRecord[];
  fields: string[];
  field: string;
  line: number;
  recordLine: number;
}

function endRecord(c: Cursor): void {
  c.fields.push(c.field);
  c.records.push({ fields: c.fields, line: c.recordLine });
  c.fields = [];
  c.field = '';
}

/** Splits CSV text into records; a blank line is a record with one empty field. */
export function parseCsvRecords(input: string, options: CsvParseOptions = {}): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const c: Cursor = { records: [], fields: [], field: '', line: 1, recordLine: 1 };
  let isQuoted = false;
  let quoteLine = 0;
  let wasQuoted = false;
  const fail = (message: string, line = c.line) => {
    if (options.isStrict) throw new CsvSyntaxError(line, message);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (isQuoted) {
      if (ch === '"' && text[i + 1] === '"') {
        c.field += '"';
        i++;
      } else if (ch === '"') isQuoted = false;
      else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) c.line++;
        c.field += ch;
      }
    } else if (ch === '"') {
      if (c.field !== '') fail('a quote inside an unquoted field');
      isQuoted = true;
      wasQuoted = true;
      quoteLine = c.line;
    } else if (ch === ',') {
      c.fields.push(c.field);
      c.field = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord(c);
      wasQuoted = false;
      c.line++;
      c.recordLine = c.line;
    } else {
      if (wasQuoted) fail('text after the closing quote of a field');
      c.field += ch;
    }
  }
  if (isQuoted) fail(`the quote opened on line ${quoteLine} is never closed`, quoteLine);
  if (c.field !== '' || c.fields.length || wasQuoted) endRecord(c);
  return c.records;
}

/** The fields of every record (see parseCsvRecords). */
export function parseCsv(text: string, options: CsvParseOptions = {}): string[][] {
  return parseCsvRecords(text, options).map((r) => r.fields);
}

/**
 * One field as written: a number rounded to 6 decimals (non-finite: empty), a string quoted when it holds
 * a comma, a quote or a line break. Values are written as they are, never evaluated.
 */
export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row of fields joined by commas, without a line end. */
export function csvRow(values: ReadonlyArray<string | number>): string {
  return values.map(csvField).join(',');
}

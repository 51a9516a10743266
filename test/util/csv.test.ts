// The one CSV module: RFC 4180 parsing (quotes, doubled quotes, newlines in fields, CRLF, BOM) with line
// numbers, strict refusals, and formatting checked against Python's csv module.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { CsvSyntaxError, csvField, csvRow, parseCsv, parseCsvRecords } from '../../src/util/csv.js';
import { SYSTEM_PYTHON } from '../fixtures/index.js';

describe('parseCsv', () => {
  test.each([
    [
      'plain fields',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'no line end at the end',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF line ends',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CR line ends',
      'a,b\r1,2\r',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a BOM at the start is dropped',
      '\ufeffslide,x\n1,2\n',
      [
        ['slide', 'x'],
        ['1', '2'],
      ],
    ],
    ['a comma and a doubled quote in a quoted field', 'a\n"x, ""y"""\n', [['a'], ['x, "y"']]],
    [
      'a newline (CRLF kept) in a quoted field',
      'a,b\n"1\r\n2",3\n',
      [
        ['a', 'b'],
        ['1\r\n2', '3'],
      ],
    ],
    [
      'empty fields',
      ',,\n"",x\n',
      [
        ['', '', ''],
        ['', 'x'],
      ],
    ],
    ['a blank line is one empty field', 'a\n\nb\n', [['a'], [''], ['b']]],
    ['an empty text', '', []],
    ['a BOM only', '\ufeff', []],
  ])('%s', (_name, text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  test('records carry the line they start on, past quoted newlines of either kind', () => {
    const text = 'h1,h2\r\n"a\nb",1\r\n"c\r\nd\re",2\n\nlast,3';
    expect(parseCsvRecords(text).map((r) => [r.fields[0], r.line])).toEqual([
      ['h1', 1],
      ['a\nb', 2],
      ['c\r\nd\re', 4],
      ['', 7],
      ['last', 8],
    ]);
  });

  test.each([
    ['a quote left open', 'a\n"x,y\nz\n', 2, 'the quote opened on line 2 is never closed'],
    ['a quote inside an unquoted field', 'a\nab"c\n', 2, 'a quote inside an unquoted field'],
    ['text after a closing quote', 'a\nb\n"x"y\n', 3, 'text after the closing quote of a field'],
    ['a quote after a quoted field', 'a\n"x""\n"\n"y" "z"\n', 4, 'text after the closing quote of a field'],
  ])('strict parsing refuses %s, naming the line', (_name, text, line, message) => {
    expect(parseCsv(text)).toBeDefined();
    let thrown: unknown;
    try {
      parseCsv(text, { isStrict: true });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CsvSyntaxError);
    expect((thrown as CsvSyntaxError).line).toBe(line);
    expect((thrown as CsvSyntaxError).message).toBe(message);
  });
});

describe('csvField and csvRow', () => {
  test.each([
    [0.1234567, '0.123457'],
    [3, '3'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\ronly', '"cr\ronly"'],
    ['=cmd()', '=cmd()'],
    ['$(touch /tmp/x)', '$(touch /tmp/x)'],
  ])('csvField(%j) is %j', (v, out) => {
    expect(csvField(v)).toBe(out);
  });

  test("rows written by csvRow read back equal with Python's csv module and with parseCsv", () => {
    const rows = [
      ['id', 'text', 'n'],
      ['a', 'comma, "quote"', 1.5],
      ['b', 'line\r\nbreak and cr\r', Number.NaN],
      ['c', '=cmd() $(touch /tmp/x) `id`', -2],
    ];
    const text = `${rows.map(csvRow).join('\n')}\n`;
    const expected = rows.map((r) => r.map((v) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v)));
    const script = 'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))';
    const python = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', script], { input: text, encoding: 'utf8' }));
    expect(python).toEqual(expected);
    expect(parseCsv(text, { isStrict: true })).toEqual(expected);
  });
});

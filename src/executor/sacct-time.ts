// The time format sacct's --starttime reads: YYYY-MM-DDTHH:MM:SS without a zone, which sacct takes as
// the local time of the machine it runs on (this one). Pure: the zone offset is an argument.

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `date` as local wall-clock time, `offsetMin` minutes behind UTC (Date#getTimezoneOffset's sign:
 * 300 for New York in winter, -540 for Tokyo). Defaults to this process's zone (TZ).
 */
export function renderSacctTime(date: Date, offsetMin = date.getTimezoneOffset()): string {
  const local = new Date(date.getTime() - offsetMin * 60_000);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
  );
}

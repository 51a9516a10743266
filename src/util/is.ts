// Tiny type guards and validators shared by the option normalizers.
import { OptionError } from '../errors.js';

export function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

export function describeValue(v: unknown): string {
  return `\`${String(v)}\` (${typeof v})`;
}

export function expectPositiveInt(name: string, v: unknown): number {
  if (!isPositiveInt(v)) throw new OptionError(`Expected \`${name}\` to be a positive integer, received ${describeValue(v)}`);
  return v;
}

export function expectPositiveNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new OptionError(`Expected \`${name}\` to be a positive number, received ${describeValue(v)}`);
  }
  return v;
}

export function expectInRange(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new OptionError(`Expected \`${name}\` to be a number between ${min} and ${max}, received ${describeValue(v)}`);
  }
  return v;
}

export function expectOneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new OptionError(`Expected \`${name}\` to be one of ${allowed.map((a) => `\`${a}\``).join(', ')}, received ${describeValue(v)}`);
  }
  return v as T;
}

import { types } from 'node:util';
import { shown } from './words';

/**
 * Errors raised for bad user input. Every error carries a stable `code` (as in eemeli/yaml)
 * and the exit code the CLI returns for it: 2 for bad usage or input.
 */
export type ErrorCode =
  | 'UNKNOWN_INSTANCE_TYPE'
  | 'MISSING_FACT'
  | 'BAD_OPTION'
  | 'BAD_USAGE'
  | 'BAD_INPUT'
  | 'READ_ERROR'
  | 'WRITE_ERROR'
  | 'PARSE_ERROR';

export class EksNodegroupError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** For a bad option: its path in the options object (`volume.size`), so a CLI can name its flag. */
  option?: string;
  constructor(code: ErrorCode, message: string, exitCode = 2) {
    super(message);
    this.name = 'EksNodegroupError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad option value: names the option, what was given and what is allowed. */
export function badOption(option: string, given: unknown, allowed: string, path = /^[A-Za-z][\w.]*$/.test(option) ? option : undefined): EksNodegroupError {
  const e = new EksNodegroupError('BAD_OPTION', `invalid value for ${option}: ${shown(given)} (allowed: ${allowed})`);
  if (path !== undefined) e.option = path;
  return e;
}

/** Checks that `value` is a whole number ≥ min; throws badOption otherwise. */
export function requireInteger(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw badOption(option, value, `a whole number ≥ ${min}`);
  }
  return value;
}

/** A wrong argument to a library function: BAD_INPUT naming the function, the argument and what it takes. */
export function badArgument(fn: string, argument: string, expected: string, given: unknown): EksNodegroupError {
  const what = given === null ? 'null' : given === undefined ? 'undefined' : types.isProxy(given) ? 'a Proxy' : Array.isArray(given) ? 'a list' : typeof given === 'object' ? 'an object' : `${shown(given)}`;
  return new EksNodegroupError('BAD_INPUT', `${fn}: ${argument} must be ${expected}, got ${what}`);
}

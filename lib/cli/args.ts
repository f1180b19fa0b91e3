/** Flag parsing shared by the commands: node's util.parseArgs with errors a person can act on. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EksNodegroupError, suggest } from '../core';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses `args` against `spec`; unknown flags and missing values name the flag and the usage. */
export function parseFlags(args: string[], spec: FlagSpec, usage: string): Parsed {
  try {
    const r = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    let msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(msg);
    if (unknown) {
      const [near] = suggest(unknown[2], Object.keys(spec), 1);
      if (near !== undefined) msg += ` (did you mean --${near}?)`;
    }
    throw new EksNodegroupError('BAD_USAGE', `${msg}\nusage: ${usage}\n(--help lists every flag)`);
  }
}

/** A whole-number flag value ≥ min, or undefined when absent. */
export function intFlag(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value).trim();
  if (!/^-?\d+$/.test(s) || Number(s) < min) {
    throw new EksNodegroupError('BAD_OPTION', `invalid value for --${name}: ${JSON.stringify(value)} (allowed: a whole number ≥ ${min})`);
  }
  return Number(s);
}

/** A flag value from a fixed set, or undefined when absent. */
export function choiceFlag<T extends string>(name: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new EksNodegroupError('BAD_OPTION', `invalid value for --${name}: ${JSON.stringify(value)} (allowed: ${allowed.join(', ')})`);
  }
  return value as T;
}

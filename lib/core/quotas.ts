/**
 * CloudFormation's quotas (AWS CloudFormation User Guide, "Quotas"): what CloudFormation refuses,
 * so every stage refuses it too, before any heavy work.
 */
import { EksNodegroupError } from './errors';
import { isRecord } from './object';

export const QUOTAS = Object.freeze({
  parameters: 200,
  resources: 500,
  outputs: 200,
  mappings: 200,
  /** Top-level keys of one mapping, and attributes under one top-level key. */
  mappingKeys: 200,
  mappingAttributes: 200,
  /** Logical IDs and names: parameters, resources, outputs, conditions, mappings and their keys. */
  nameLength: 255,
  /** A parameter value (a Default counts). */
  parameterValueBytes: 4_096,
  /** Template body passed inline (`--template-body`, `deploy` without `--s3-bucket`). */
  inlineBodyBytes: 51_200,
  /** Template body read from S3 ("1 MB"; counted as 1,000,000 bytes to stay on the safe side). */
  s3BodyBytes: 1_000_000,
});

/**
 * What render's intrinsic functions may build (this tool's limits, from CloudFormation's largest
 * template body: a resolved value cannot sensibly be larger than the template it comes from).
 */
export const RENDER_LIMITS = Object.freeze({
  /** Characters of one string, or items of one list, a function returns (Fn::Join, Fn::Sub, Fn::Split, …). */
  value: QUOTAS.s3BodyBytes,
  /**
   * Characters of text in one rendered template, counted as it is resolved (function results,
   * and strings and keys copied from the template, so aliases and Refs count each time they appear):
   * the text any input may hold (MAX_TEXT), so a rendered template can always be written out.
   */
  text: 4 * QUOTAS.s3BodyBytes,
});

/** One quota a template is over: where, and what the limit is. */
export interface QuotaProblem {
  path: string[];
  message: string;
}

const short = (name: string): string => JSON.stringify(name.length > 40 ? `${name.slice(0, 37)}...` : name);

/** The quotas `t` is over (counts, name lengths, parameter values); linear in the names it holds. */
export function quotaProblems(t: Record<string, unknown>): QuotaProblem[] {
  const out: QuotaProblem[] = [];
  const sections: [string, number, string][] = [
    ['Parameters', QUOTAS.parameters, 'parameters'],
    ['Resources', QUOTAS.resources, 'resources'],
    ['Outputs', QUOTAS.outputs, 'outputs'],
    ['Mappings', QUOTAS.mappings, 'mappings'],
    ['Conditions', Infinity, 'conditions'],
  ];
  const longName = (path: string[], name: string, what: string): void => {
    if (name.length > QUOTAS.nameLength) {
      out.push({ path: [...path, name], message: `${what} ${short(name)} is ${name.length} characters long; CloudFormation allows at most ${QUOTAS.nameLength}` });
    }
  };
  for (const [section, limit, what] of sections) {
    const s = t[section];
    if (!isRecord(s)) continue;
    const names = Object.keys(s);
    if (names.length > limit) {
      out.push({ path: [section], message: `${names.length} ${what}: CloudFormation allows at most ${limit} in one template (split the template or combine entries)` });
    }
    for (const name of names) longName([section], name, `the name of ${section}`);
  }
  if (isRecord(t.Mappings)) {
    for (const [name, m] of Object.entries(t.Mappings)) {
      if (!isRecord(m)) continue;
      const keys = Object.keys(m);
      if (keys.length > QUOTAS.mappingKeys) {
        out.push({ path: ['Mappings', name], message: `mapping ${short(name)} has ${keys.length} top-level keys; CloudFormation allows at most ${QUOTAS.mappingKeys} (split it, e.g. one mapping per instance family or size)` });
      }
      for (const top of keys) {
        longName(['Mappings', name], top, 'the mapping key');
        const attrs = m[top];
        if (!isRecord(attrs)) continue;
        const n = Object.keys(attrs);
        if (n.length > QUOTAS.mappingAttributes) {
          out.push({ path: ['Mappings', name, top], message: `mapping ${short(name)}.${short(top)} has ${n.length} keys; CloudFormation allows at most ${QUOTAS.mappingAttributes}` });
        }
        for (const a of n) longName(['Mappings', name, top], a, 'the mapping attribute');
      }
    }
  }
  if (isRecord(t.Parameters)) {
    for (const [name, p] of Object.entries(t.Parameters)) {
      const d = isRecord(p) ? p.Default : undefined;
      const bytes = typeof d === 'string' ? Buffer.byteLength(d, 'utf8') : 0;
      if (bytes > QUOTAS.parameterValueBytes) {
        out.push({ path: ['Parameters', name, 'Default'], message: `the Default of ${short(name)} is ${bytes} bytes; CloudFormation allows parameter values of at most ${QUOTAS.parameterValueBytes}` });
      }
    }
  }
  return out;
}

/** Throws BAD_INPUT naming `label` and the first quotas `t` is over (diff and render refuse such templates). */
export function assertWithinQuotas(t: Record<string, unknown>, label: string): void {
  const problems = quotaProblems(t);
  if (!problems.length) return;
  const shown = problems.slice(0, 3).map((p) => p.message);
  if (problems.length > 3) shown.push(`and ${problems.length - 3} more`);
  throw new EksNodegroupError('BAD_INPUT', `${label}: CloudFormation would refuse this template: ${shown.join('; ')}`);
}

/** Throws BAD_INPUT when template text is over CloudFormation's largest body (checked before parsing). */
export function assertBodySize(text: string, label: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > QUOTAS.s3BodyBytes) {
    throw new EksNodegroupError('BAD_INPUT', `${label}: ${bytes} bytes, over CloudFormation's limit of ${QUOTAS.s3BodyBytes} bytes for a template body (even from S3); split it into nested stacks`);
  }
}

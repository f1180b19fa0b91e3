/**
 * Checks `NodeGroupOptions` against the JSON Schema generated from the option types
 * (precompiled by ajv standalone: no schema compilation at run time). Errors name the option,
 * the value given and what is allowed.
 */
import { EksNodegroupError, fromPointer, suggest } from '../core';
import type { NodeGroupOptions } from './options';
import validateOptions from './options-validator.generated';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: Record<string, unknown>;
  schema?: unknown;
  data?: unknown;
}

type Validator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

function optionName(instancePath: string, prefix: string): string {
  const p = fromPointer(instancePath)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  return p === '' ? prefix || 'options' : prefix ? `${prefix}.${p}` : p;
}

function range(ps: Record<string, unknown>): string {
  return [ps.type === 'integer' ? 'a whole number' : 'a number', ps.minimum !== undefined ? `≥ ${ps.minimum}` : '', ps.maximum !== undefined ? `≤ ${ps.maximum}` : '']
    .filter(Boolean)
    .join(' ');
}

function allowedOf(e: AjvError): string {
  const ps = e.parentSchema ?? {};
  switch (e.keyword) {
    case 'enum':
      return (e.params.allowedValues as unknown[]).map(String).join(', ');
    case 'type':
      if (e.params.type === 'integer') return range(ps);
      return `a value of type ${Array.isArray(e.params.type) ? (e.params.type as string[]).join(' or ') : String(e.params.type)}`;
    case 'minimum':
    case 'maximum':
      return range(ps);
    case 'pattern':
      return `text matching ${String(e.params.pattern)}${typeof ps.description === 'string' ? ` (${ps.description.split('. ')[0]})` : ''}`;
    case 'anyOf':
      return 'a string, number, boolean, list of strings or map of strings';
    default:
      return e.message ?? e.keyword;
  }
}

/** The generated ajv validator of NodeGroupOptions. */
export function optionsValidator(): Validator {
  return validateOptions as unknown as Validator;
}

/** Throws BAD_OPTION for the first value that breaks the schema; `prefix` names the source (a config file). */
export function checkNodeGroupOptions(options: unknown, source?: string): NodeGroupOptions {
  // No options (plain `gen`): every option is optional, so there is nothing to check and the
  // validator need not load (spec/gen-config-schema.spec.ts checks that it accepts {}).
  if (options !== null && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype && Reflect.ownKeys(options).length === 0) {
    return options as NodeGroupOptions;
  }
  const validate = optionsValidator();
  if (validate(options)) return options as NodeGroupOptions;
  const e = (validate.errors ?? [])[0];
  if (!e) throw new EksNodegroupError('BAD_OPTION', `${source ? `${source}: ` : ''}invalid options`);
  const where = source ? `${source}: ` : '';
  if (e.keyword === 'additionalProperties') {
    const known = Object.keys((e.parentSchema?.properties as Record<string, unknown>) ?? {});
    const name = String(e.params.additionalProperty);
    const parent = optionName(e.instancePath, '');
    const [near] = suggest(name, known, 1);
    const hint = near !== undefined ? `did you mean "${near}"? ` : '';
    return fail(
      `${where}unknown option "${parent && parent !== 'options' ? `${parent}.` : ''}${name}" (${hint}allowed: ${known.join(', ')})`,
    );
  }
  if (e.keyword === 'required') {
    return fail(`${where}option "${optionName(e.instancePath, '')}" lacks "${String(e.params.missingProperty)}"`);
  }
  return fail(`${where}invalid value for ${optionName(e.instancePath, '')}: ${JSON.stringify(e.data)} (allowed: ${allowedOf(e)})`);
}

function fail(message: string): never {
  throw new EksNodegroupError('BAD_OPTION', message);
}

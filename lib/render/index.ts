/**
 * Render: resolve a CloudFormation template (long form, as parseTemplate returns it) for one set
 * of parameter values, the way CloudFormation would when it creates the stack, so a user (and our
 * tests) can see exactly what a node of a given instance type receives.
 *
 * Resolved: parameters (Default, Type-aware: Number, List<…>/CommaDelimitedList → arrays,
 * AWS::SSM::Parameter::Value<…> → a placeholder or a value the caller gives; AllowedValues,
 * AllowedPattern, Min/MaxLength, Min/MaxValue checked), pseudo parameters, Conditions and the
 * `Condition` of resources and outputs, Ref, Fn::If, Fn::FindInMap (with the
 * AWS::LanguageExtensions forms: intrinsic map name and keys, DefaultValue), Fn::Select, Fn::Split,
 * Fn::Join, Fn::Sub (both forms, `${!Literal}`, `${Resource.Attribute}`), Fn::Base64, Fn::GetAZs,
 * Fn::Length, Fn::ToJsonString, Fn::Cidr, AWS::NoValue (the key or list item is removed).
 * Things only a live stack knows become stable readable placeholders: `<NodeSecurityGroup>` for
 * Ref of a resource, `<NodeInstanceProfile.Arn>` for Fn::GetAtt, `<ssm:/path>` for an SSM
 * parameter value, `<import:Name>` for Fn::ImportValue.
 *
 * The rendered template keeps AWSTemplateFormatVersion, Description and Metadata as they are;
 * `Parameters` becomes name → resolved value, `Conditions` name → true/false, Resources and
 * Outputs whose condition is false are left out, and Mappings, Transform and Rules are dropped
 * (mappings are inlined where used; Rules are not evaluated).
 */
import { assertTemplate, plural, badArgument, checkTree, conditionOrder, cycleText, shown, EksNodegroupError, hasOwn as has, intrinsicKey, isRecord as isObject, jsonLength, pointerSegment as esc, PSEUDO_PARAMETERS, patternBudget, patternBudgetSpent, QUOTAS, RENDER_LIMITS, setOwn, subReferences, suggest, templatePattern, type ErrorCode } from '../core';

/** A parameter value as a caller gives it: a string (lists comma-separated), a number or a list. */
export type ParameterValue = string | number | boolean | readonly (string | number)[];

export interface RenderOptions {
  /** AWS::Region, and the region of Fn::GetAZs. Default `us-east-1`. */
  region?: string;
  /** AWS::Partition. Default: derived from the region (`aws`, `aws-cn`, `aws-us-gov`, …). */
  partition?: string;
  /** AWS::URLSuffix. Default: derived from the partition (`amazonaws.com`, `amazonaws.com.cn`, …). */
  urlSuffix?: string;
  /** AWS::AccountId. Default `123456789012` (the example account of AWS's documentation). */
  accountId?: string;
  /** AWS::StackName. Default `eks-nodegroup`. */
  stackName?: string;
  /** AWS::StackId. Default: an ARN built from the region, account and stack name. */
  stackId?: string;
  /** AWS::NotificationARNs. Default `[]`. */
  notificationArns?: string[];
  /** What Fn::GetAZs returns. Default: the region's `a`, `b` and `c` zones. */
  availabilityZones?: string[];
  /**
   * Values of SSM parameters by path, for parameters of type AWS::SSM::Parameter::Value<…>
   * (e.g. `{ '/aws/service/eks/optimized-ami/…/image_id': 'ami-0123…' }`). A path not given here
   * renders as the placeholder `<ssm:PATH>`.
   */
  ssmParameters?: Record<string, string>;
  /**
   * Render parameters that have neither a value nor a Default as the placeholder `<Name>`
   * (unchecked) instead of refusing: for looking at a template without its deploy-time values.
   */
  placeholders?: boolean;
  /**
   * Told what render leaves to CloudFormation unchecked (an AllowedPattern in Java syntax RE2 lacks,
   * values past the pattern budget), with the JSON pointer of the parameter. Unset: nothing is said.
   */
  onWarning?: (message: string, pointer: string) => void;
}

/** A rendered template: what CloudFormation would create for these parameter values. */
export interface RenderedTemplate {
  AWSTemplateFormatVersion?: unknown;
  Description?: unknown;
  Metadata?: unknown;
  /** Each parameter's resolved value (lists as arrays). */
  Parameters: Record<string, unknown>;
  /** Each condition's value. */
  Conditions: Record<string, boolean>;
  /** Resources whose condition holds, with every intrinsic resolved. */
  Resources: Record<string, Record<string, unknown>>;
  /** Outputs whose condition holds, resolved. */
  Outputs?: Record<string, Record<string, unknown>>;
}

/** A render error with the JSON pointer of the template node it is about (when there is one). */
export class RenderError extends EksNodegroupError {
  /** JSON pointer into the template, e.g. `/Resources/NodeLaunchTemplate/Properties/…`. */
  readonly pointer?: string;
  constructor(code: ErrorCode, message: string, pointer?: string) {
    super(code, message);
    this.name = 'RenderError';
    this.pointer = pointer;
  }
}

const PSEUDO = new Set(PSEUDO_PARAMETERS);

/** Removed from its object or list when it is the value of a key or an item. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');
type Resolved = unknown;

/** A value in a message: JSON, cut at 200 characters (a template value may be megabytes through aliases). */
const q = (v: unknown): string => shown(v, 200);

/** Partition and URL suffix of a region, by its prefix (AWS's partitions.json). */
export function partitionOfRegion(region: string): { partition: string; urlSuffix: string } {
  const table: [RegExp, string, string][] = [
    [/^cn-/, 'aws-cn', 'amazonaws.com.cn'],
    [/^us-gov-/, 'aws-us-gov', 'amazonaws.com'],
    [/^us-isob-/, 'aws-iso-b', 'sc2s.sgov.gov'],
    [/^us-isof-/, 'aws-iso-f', 'csp.hci.ic.gov'],
    [/^us-iso-/, 'aws-iso', 'c2s.ic.gov'],
    [/^eu-isoe-/, 'aws-iso-e', 'cloud.adc-e.uk'],
    [/^eusc-/, 'aws-eusc', 'amazonaws.eu'],
  ];
  for (const [re, partition, urlSuffix] of table) if (re.test(region)) return { partition, urlSuffix };
  return { partition: 'aws', urlSuffix: 'amazonaws.com' };
}

/** "closest: a, b; " or "" when nothing is close. */
function closestOf(word: string, keys: readonly string[]): string {
  const near = suggest(word, keys);
  return near.length ? `closest: ${near.join(', ')}; ` : '';
}

function listSample(values: readonly unknown[], max = 10): string {
  const shown = values.slice(0, max).map((v) => q(v)).join(', ');
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

// ---------------------------------------------------------------- parameters

interface ParameterSpec {
  Type?: unknown;
  Default?: unknown;
  AllowedValues?: unknown;
  AllowedPattern?: unknown;
  ConstraintDescription?: unknown;
  MinLength?: unknown;
  MaxLength?: unknown;
  MinValue?: unknown;
  MaxValue?: unknown;
}

const SSM_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;
const isListType = (t: string): boolean => t === 'CommaDelimitedList' || /^List<.+>$/.test(t);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Resolves and checks every parameter; all problems are reported at once. */
function resolveParameters(
  declared: Record<string, ParameterSpec>,
  given: Record<string, ParameterValue>,
  options: RenderOptions,
): Record<string, Resolved> {
  const names = Object.keys(declared);
  const problems: string[] = [];
  for (const k of Object.keys(given)) {
    const v = given[k];
    const bytes = Buffer.byteLength(Array.isArray(v) ? v.join(',') : String(v), 'utf8');
    if (bytes > QUOTAS.parameterValueBytes) problems.push(`parameter ${k}: the value is ${bytes} bytes; CloudFormation allows parameter values of at most ${QUOTAS.parameterValueBytes}`);
    if (!has(declared, k)) {
      const hint = suggest(k, names);
      problems.push(
        `unknown parameter ${q(k)}` +
          (hint.length ? `; did you mean ${hint.join(', ')}?` : names.length ? '' : '; the template declares no parameters') +
          (names.length ? ` (template parameters: ${names.join(', ')})` : ''),
      );
    }
  }
  const missing = options.placeholders ? [] : names.filter((n) => !has(given, n) && (declared[n] ?? {}).Default === undefined);
  if (missing.length) {
    const which = missing.length === 1 ? 'parameter' : 'parameters';
    problems.push(`missing value for ${which} without a Default: ${missing.join(', ')} (give ${missing.length === 1 ? 'it' : 'each one'} a value, e.g. ${missing[0]}=…)`);
  }
  const values: Record<string, Resolved> = {};
  const budget = patternBudget(); // one for the template: past it, values are not checked
  let unchecked: string | undefined; // the first parameter whose value the budget could not pay for
  const warn = (message: string, name: string): void => options.onWarning?.(message, `/Parameters/${esc(name)}`);
  for (const name of names) {
    const spec: ParameterSpec = isObject(declared[name]) ? (declared[name] as ParameterSpec) : {};
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    const ssm = SSM_TYPE.exec(type);
    const valueType = ssm ? ssm[1] : type;
    const list = isListType(valueType);
    const from = has(given, name) ? given[name] : spec.Default;
    if (from === undefined) {
      if (options.placeholders) setOwn(values, name, list ? [`<${name}>`] : `<${name}>`);
      continue; // otherwise reported as missing
    }
    const where = `parameter ${name}`;
    let items: string[];
    if (Array.isArray(from)) {
      if (!list) {
        problems.push(`${where}: got a list ${q(from)}, but its Type ${type} takes a single value`);
        continue;
      }
      items = from.map((x) => String(x));
    } else {
      const text = scalarText(from);
      if (text === undefined) {
        problems.push(`${where}: value ${q(from)} is not a string, number or list`);
        continue;
      }
      items = list ? (text === '' ? [] : text.split(',').map((s) => s.trim())) : [text];
    }
    // SSM parameter types: the value is the parameter's path; what CloudFormation reads there is
    // the caller's (options.ssmParameters) or a placeholder.
    if (ssm) {
      const pathText = items.join(',');
      const got = options.ssmParameters && has(options.ssmParameters, pathText) ? options.ssmParameters[pathText] : undefined;
      const resolvedText = got ?? `<ssm:${pathText}>`;
      setOwn(values, name, list ? (got === undefined ? [resolvedText] : got.split(',').map((s) => s.trim())) : resolvedText);
      continue;
    }
    const isNumber = valueType === 'Number' || valueType === 'List<Number>';
    const bad: string[] = [];
    let unshown = 0; // problems past the first few of a list, counted (a message each would be megabytes)
    const flag = (message: () => string): void => {
      if (bad.length < 5) bad.push(message());
      else unshown++;
    };
    const pattern = typeof spec.AllowedPattern === 'string' && !isNumber ? templatePattern(spec.AllowedPattern, budget) : undefined;
    if (pattern && 'unsupported' in pattern) warn(`parameter ${name}: AllowedPattern not checked (${pattern.unsupported}); CloudFormation checks it`, name);
    const allowed = Array.isArray(spec.AllowedValues) ? spec.AllowedValues.map((a) => String(a)) : undefined;
    const allowedSet = new Set(allowed);
    for (const item of items) {
      if (isNumber) {
        if (!NUMBER.test(item.trim())) {
          flag(() => `${q(item)} is not a Number`);
          continue;
        }
        const n = Number(item);
        if (spec.MinValue !== undefined && n < Number(spec.MinValue)) flag(() => `${item} is below its MinValue ${spec.MinValue}`);
        if (spec.MaxValue !== undefined && n > Number(spec.MaxValue)) flag(() => `${item} is above its MaxValue ${spec.MaxValue}`);
      } else {
        if (spec.MinLength !== undefined && item.length < Number(spec.MinLength)) {
          flag(() => `${q(item)} is shorter than its MinLength ${spec.MinLength}`);
        }
        if (spec.MaxLength !== undefined && item.length > Number(spec.MaxLength)) {
          flag(() => `${q(item)} is longer than its MaxLength ${spec.MaxLength}`);
        }
        if (pattern && !('unsupported' in pattern)) {
          const matched = pattern.matches(item, budget);
          if (matched === false) flag(() => `${q(item)} does not match its AllowedPattern ${spec.AllowedPattern}`);
          if (matched === undefined) unchecked ??= name;
        }
      }
      if (allowed && !allowedSet.has(item)) {
        flag(() => {
          const hint = suggest(item, allowed);
          return `${q(item)} is not one of its AllowedValues (${hint.length ? `closest: ${hint.join(', ')}; ` : ''}allowed: ${listSample(allowed)})`;
        });
      }
    }
    if (unshown) bad.push(`and ${plural(unshown, 'more problem')} with its values`);
    if (bad.length) {
      const why = typeof spec.ConstraintDescription === 'string' ? ` — ${spec.ConstraintDescription}` : '';
      problems.push(`${where}: ${bad.join('; ')}${why}`);
      continue;
    }
    // CloudFormation hands a Number parameter to Ref as a string; lists become arrays.
    setOwn(values, name, list ? items : items[0]);
  }
  if (unchecked !== undefined) {
    const more = budget.skipped > 1 ? ` and ${plural(budget.skipped - 1, 'later value')} are` : ' is';
    warn(`the value of parameter ${unchecked}${more} not checked against AllowedPattern: ${patternBudgetSpent} (CloudFormation checks them)`, unchecked);
  }
  if (problems.length) throw new RenderError('BAD_INPUT', problems.join('\n'));
  return values;
}

// ---------------------------------------------------------------- resolution

interface Context {
  params: Record<string, Resolved>;
  pseudo: Record<string, Resolved>;
  mappings: Record<string, unknown>;
  conditionDefs: Record<string, unknown>;
  conditions: Map<string, boolean>;
  evaluating: Set<string>;
  resources: Record<string, unknown>;
  /** Logical IDs of resources left out because their condition is false. */
  excluded: Set<string>;
  options: RenderOptions;
  /** Characters of text resolved so far (RENDER_LIMITS.text). */
  text: number;
}

function fail(pointer: string, message: string, code: ErrorCode = 'BAD_INPUT'): never {
  throw new RenderError(code, `${pointer}: ${message}`, pointer);
}

/** Counts `size` characters of resolved text, made by `what`, against RENDER_LIMITS.text. */
function spend(ctx: Context, size: number, ptr: string, what: string): void {
  ctx.text += size;
  if (ctx.text > RENDER_LIMITS.text) {
    fail(ptr, `${what} takes the rendered template past ${RENDER_LIMITS.text} characters of text, this tool's limit (four times CloudFormation's largest template body); is a value repeated over and over (YAML aliases, Ref)?`);
  }
}

/**
 * Refuses what `fn` would return, a string of `size` characters or a list of `size` items, over
 * RENDER_LIMITS.value (before it is built); counts it. A size past RENDER_LIMITS.text may be a
 * count stopped early (jsonLength), so it is said as "more than".
 */
function build(ctx: Context, size: number, ptr: string, fn: string, list = false): void {
  const [what, unit] = list ? ['a list', 'items'] : ['a string', 'characters'];
  if (size > RENDER_LIMITS.value) {
    const n = size > RENDER_LIMITS.text ? `more than ${RENDER_LIMITS.text}` : size;
    fail(ptr, `${fn} would return ${what} of ${n} ${unit}; render builds at most ${RENDER_LIMITS.value} ${unit}, the size of CloudFormation's largest template body`);
  }
  spend(ctx, size, ptr, fn);
}

function argList(ptr: string, fn: string, arg: unknown, min: number, max = min): unknown[] {
  if (!Array.isArray(arg) || arg.length < min || arg.length > max) {
    const n = min === max ? `${min}` : `${min} to ${max}`;
    fail(ptr, `${fn} takes a list of ${n} arguments, got ${q(arg)}`);
  }
  return arg;
}

function asString(ptr: string, what: string, v: Resolved): string {
  const s = scalarText(v);
  if (s === undefined) fail(ptr, `${what} must be a string, got ${v === NO_VALUE ? 'AWS::NoValue' : q(v)}`);
  return s;
}

function asList(ptr: string, what: string, v: Resolved): unknown[] {
  if (!Array.isArray(v)) fail(ptr, `${what} must be a list, got ${q(v)}`);
  return v;
}

/** Value of a named condition, evaluated once (cycles are errors). */
function condition(ctx: Context, name: unknown, ptr: string): boolean {
  if (typeof name !== 'string') fail(ptr, `a condition name must be a string, got ${q(name)}`);
  const known = ctx.conditions.get(name);
  if (known !== undefined) return known;
  if (!has(ctx.conditionDefs, name)) {
    const hint = suggest(name, Object.keys(ctx.conditionDefs));
    fail(ptr, `unknown condition ${q(name)}${hint.length ? `; did you mean ${hint.join(', ')}?` : ' (the template has no Conditions)'}`);
  }
  if (ctx.evaluating.has(name)) fail(ptr, `condition ${q(name)} depends on itself (${[...ctx.evaluating, name].join(' → ')})`);
  ctx.evaluating.add(name);
  const p = `/Conditions/${esc(name)}`;
  const v = resolve(ctx, ctx.conditionDefs[name], p, true);
  ctx.evaluating.delete(name);
  if (typeof v !== 'boolean') fail(p, `condition ${q(name)} must be a condition function (Fn::Equals, Fn::And, …), got ${q(v)}`);
  ctx.conditions.set(name, v);
  return v;
}

function asBoolean(ctx: Context, v: unknown, ptr: string): boolean {
  // Inside Fn::And/Or/Not an item is a condition function or {Condition: Name}.
  const r = resolve(ctx, v, ptr, true);
  if (typeof r !== 'boolean') fail(ptr, `expected a condition (Fn::Equals, Fn::Not, {Condition: Name}, …), got ${q(r)}`);
  return r;
}

function scalarEquals(a: Resolved, b: Resolved): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => scalarEquals(x, b[i]));
  }
  const sa = scalarText(a);
  const sb = scalarText(b);
  if (sa !== undefined && sb !== undefined) return sa === sb;
  return JSON.stringify(a) === JSON.stringify(b);
}

function refValue(ctx: Context, name: unknown, ptr: string): Resolved {
  if (typeof name !== 'string') fail(ptr, `Ref takes a name, got ${q(name)}`);
  if (has(ctx.params, name)) return ctx.params[name];
  if (PSEUDO.has(name)) return name === 'AWS::NoValue' ? NO_VALUE : ctx.pseudo[name];
  if (has(ctx.resources, name)) {
    if (ctx.excluded.has(name)) fail(ptr, `Ref ${name}: resource ${name} is not created with these parameters (its condition is false), so the stack would fail to deploy`);
    return `<${name}>`;
  }
  const known = [...Object.keys(ctx.params), ...Object.keys(ctx.resources), ...PSEUDO];
  const hint = suggest(name, known);
  fail(ptr, `Ref to unknown name ${q(name)} (not a parameter, resource or pseudo parameter)${hint.length ? `; did you mean ${hint.join(', ')}?` : ''}`);
}

function getAtt(ctx: Context, arg: unknown, ptr: string): Resolved {
  let parts: unknown[];
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    parts = dot > 0 ? [arg.slice(0, dot), arg.slice(dot + 1)] : [arg];
  } else parts = Array.isArray(arg) ? arg : [arg];
  if (parts.length !== 2) fail(ptr, `Fn::GetAtt takes [Resource, Attribute], got ${q(arg)}`);
  const res = parts[0];
  const attr = asString(ptr, 'the Fn::GetAtt attribute', resolve(ctx, parts[1], `${ptr}/1`));
  if (typeof res !== 'string' || !has(ctx.resources, res)) {
    const hint = typeof res === 'string' ? suggest(res, Object.keys(ctx.resources)) : [];
    fail(ptr, `Fn::GetAtt of unknown resource ${q(res)}${hint.length ? `; did you mean ${hint.join(', ')}?` : ''}`);
  }
  if (ctx.excluded.has(res)) fail(ptr, `Fn::GetAtt ${res}.${attr}: resource ${res} is not created with these parameters (its condition is false), so the stack would fail to deploy`);
  return `<${res}.${attr}>`;
}

function findInMap(ctx: Context, arg: unknown, ptr: string): Resolved {
  const a = argList(ptr, 'Fn::FindInMap', arg, 3, 4);
  const [mapName, top, second] = [0, 1, 2].map((i) => asString(`${ptr}/${i}`, `Fn::FindInMap argument ${i + 1}`, resolve(ctx, a[i], `${ptr}/${i}`)));
  let fallback: { value: unknown } | undefined;
  if (a.length === 4) {
    if (!isObject(a[3]) || !has(a[3], 'DefaultValue') || Object.keys(a[3]).length !== 1) {
      fail(`${ptr}/3`, `the 4th argument of Fn::FindInMap must be {DefaultValue: …}, got ${q(a[3])}`);
    }
    fallback = { value: a[3].DefaultValue };
  }
  const useDefault = (): Resolved => resolve(ctx, fallback!.value, `${ptr}/3/DefaultValue`);
  if (!has(ctx.mappings, mapName) || !isObject(ctx.mappings[mapName])) {
    if (fallback) return useDefault();
    const hint = suggest(mapName, Object.keys(ctx.mappings));
    fail(ptr, `Fn::FindInMap: no mapping ${q(mapName)}${hint.length ? `; did you mean ${hint.join(', ')}?` : ' (the template has no Mappings)'}`);
  }
  const map = ctx.mappings[mapName] as Record<string, unknown>;
  // Name the parameter values the keys came from: that is what the user can change.
  const from = [...parametersIn(a.slice(0, 3))]
    .filter((n) => has(ctx.params, n))
    .map((n) => `${n}=${q(ctx.params[n])}`);
  const deploy = `${from.length ? `the keys come from ${from.join(', ')}; ` : ''}CloudFormation would fail to deploy the stack with these parameters`;
  if (!has(map, top) || !isObject(map[top])) {
    if (fallback) return useDefault();
    const keys = Object.keys(map);
    fail(ptr, `Fn::FindInMap: mapping ${mapName} has no key ${q(top)} (${closestOf(top, keys)}${plural(keys.length, 'key')}) — ${deploy}`);
  }
  const entry = map[top] as Record<string, unknown>;
  if (!has(entry, second)) {
    if (fallback) return useDefault();
    const keys = Object.keys(entry);
    fail(ptr, `Fn::FindInMap: mapping ${mapName}, key ${q(top)} has no second-level key ${q(second)} (${closestOf(second, keys)}${plural(keys.length, 'key')}) — ${deploy}`);
  }
  spend(ctx, jsonLength(entry[second], RENDER_LIMITS.text), ptr, 'Fn::FindInMap');
  return entry[second];
}

/** Names referenced by Ref and Fn::Sub inside `v`, in order, without repeats. */
function parametersIn(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => parametersIn(x, out));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Ref' && typeof x === 'string') out.add(x);
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(x) ? x[0] : x;
        if (typeof text === 'string') for (const { name } of subReferences(text)) if (!name.startsWith('!')) out.add(name);
        if (Array.isArray(x)) parametersIn(x[1], out);
      } else parametersIn(x, out);
    }
  }
  return out;
}

function sub(ctx: Context, arg: unknown, ptr: string): string {
  let text: unknown;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(arg)) {
    const a = argList(ptr, 'Fn::Sub', arg, 1, 2);
    text = a[0];
    if (a.length === 2 && a[1] !== null) {
      if (!isObject(a[1])) fail(`${ptr}/1`, `the variables of Fn::Sub must be a map, got ${q(a[1])}`);
      vars = a[1];
    }
  } else text = arg;
  if (typeof text !== 'string') fail(ptr, `Fn::Sub takes a string or [string, {variables}], got ${q(text)}`);
  const textPtr = Array.isArray(arg) ? `${ptr}/0` : ptr;
  const cache = new Map<string, string>();
  const value = (name: string, whole: string): string => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal} stays literal
    const seen = cache.get(name);
    if (seen !== undefined) return seen;
    let v: Resolved;
    if (has(vars, name)) v = resolve(ctx, vars[name], `${ptr}/1/${esc(name)}`);
    else if (has(ctx.params, name) || PSEUDO.has(name) || has(ctx.resources, name)) v = refValue(ctx, name, textPtr);
    else if (name.includes('.') && has(ctx.resources, name.slice(0, name.indexOf('.')))) v = getAtt(ctx, name, textPtr);
    else {
      const known = [...Object.keys(vars), ...Object.keys(ctx.params), ...Object.keys(ctx.resources), ...PSEUDO];
      const hint = suggest(name, known);
      fail(textPtr, `Fn::Sub: ${whole} names no variable, parameter, resource or pseudo parameter${hint.length ? `; did you mean ${hint.join(', ')}?` : ''}`);
    }
    if (Array.isArray(v)) fail(textPtr, `Fn::Sub: ${whole} is a list (${q(v)}); Fn::Sub takes strings only (join it with Fn::Join)`);
    const s = asString(textPtr, `Fn::Sub ${whole}`, v);
    cache.set(name, s);
    return s;
  };
  const refs = subReferences(text);
  const values = refs.map((ref) => value(ref.name, text.slice(ref.start, ref.end)));
  build(ctx, refs.reduce((n, ref, i) => n - (ref.end - ref.start) + values[i].length, text.length), ptr, 'Fn::Sub');
  const parts: string[] = [];
  let last = 0;
  refs.forEach((ref, i) => {
    parts.push(text.slice(last, ref.start), values[i]);
    last = ref.end;
  });
  parts.push(text.slice(last));
  return parts.join('');
}

function getAZs(ctx: Context, arg: unknown, ptr: string): string[] {
  const region = asString(ptr, 'the Fn::GetAZs region', resolve(ctx, arg ?? '', ptr));
  const r = region === '' ? (ctx.pseudo['AWS::Region'] as string) : region;
  if (ctx.options.availabilityZones && r === ctx.pseudo['AWS::Region']) return [...ctx.options.availabilityZones];
  return ['a', 'b', 'c'].map((z) => `${r}${z}`);
}

/** Fn::Cidr: `count` subnets of `cidrBits` host bits carved from an IPv4 or IPv6 block. */
function cidr(ctx: Context, arg: unknown, ptr: string): string[] {
  const a = argList(ptr, 'Fn::Cidr', arg, 3);
  const block = asString(`${ptr}/0`, 'the Fn::Cidr block', resolve(ctx, a[0], `${ptr}/0`));
  const count = Number(asString(`${ptr}/1`, 'the Fn::Cidr count', resolve(ctx, a[1], `${ptr}/1`)));
  const bits = Number(asString(`${ptr}/2`, 'the Fn::Cidr bits', resolve(ctx, a[2], `${ptr}/2`)));
  const m = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(block);
  const v6 = block.includes(':');
  const width = v6 ? 128 : 32;
  if (!m || Number(m[2]) > width) fail(`${ptr}/0`, `Fn::Cidr: ${q(block)} is not an IPv4 or IPv6 CIDR block`);
  const prefix = Number(m[2]);
  if (!Number.isInteger(count) || count < 1 || count > 256) fail(`${ptr}/1`, `Fn::Cidr: count must be 1 to 256, got ${q(a[1])}`);
  if (!Number.isInteger(bits) || bits < 0 || width - bits < prefix) {
    fail(`${ptr}/2`, `Fn::Cidr: ${bits} subnet bits do not fit in ${block}`);
  }
  let base: bigint;
  if (v6) {
    const halves = m[1].split('::');
    const h = halves[0] ? halves[0].split(':') : [];
    const t = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
    const groups = halves.length === 2 ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
    if (halves.length > 2) fail(`${ptr}/0`, `Fn::Cidr: ${q(block)} is not an IPv6 CIDR block`);
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) fail(`${ptr}/0`, `Fn::Cidr: ${q(block)} is not an IPv6 CIDR block`);
    base = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  } else {
    const o = m[1].split('.').map(Number);
    if (o.length !== 4 || o.some((x) => !Number.isInteger(x) || x > 255)) fail(`${ptr}/0`, `Fn::Cidr: ${q(block)} is not an IPv4 CIDR block`);
    base = o.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  }
  const hostMask = (1n << BigInt(width - prefix)) - 1n;
  base &= ~hostMask;
  const size = 1n << BigInt(bits);
  const available = 1n << BigInt(width - prefix - bits);
  if (BigInt(count) > available) fail(`${ptr}/1`, `Fn::Cidr: ${block} holds only ${available} subnets of ${bits} host bits, ${count} asked for`);
  const fmt = (n: bigint): string => {
    if (!v6) return [24n, 16n, 8n, 0n].map((sh) => String((n >> sh) & 255n)).join('.');
    const g = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((sh) => ((n >> sh) & 0xffffn).toString(16));
    // RFC 5952: the longest run (≥ 2) of zero groups becomes "::".
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && g[j] === '0') j++;
      if (j - i > bestLen) [best, bestLen] = [i, j - i];
      i = j === i ? i + 1 : j;
    }
    if (best < 0) return g.join(':');
    return `${g.slice(0, best).join(':')}::${g.slice(best + bestLen).join(':')}`;
  };
  return Array.from({ length: count }, (_, i) => `${fmt(base + BigInt(i) * size)}/${width - bits}`);
}

/** Resolves every intrinsic in `v`. `cond` is true inside condition functions. */
function resolve(ctx: Context, v: unknown, ptr: string, cond = false): Resolved {
  if (typeof v === 'string') spend(ctx, v.length, ptr, 'this string');
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = resolve(ctx, v[i], `${ptr}/${i}`, cond);
      if (r !== NO_VALUE) out.push(r);
    }
    return out;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && cond && keys[0] === 'Condition') return condition(ctx, obj.Condition, `${ptr}/Condition`);
  const fn = intrinsicKey(obj);
  if (fn && fn !== 'Condition') {
    const arg = obj[fn];
    const p = `${ptr}/${esc(fn)}`;
    switch (fn) {
      case 'Ref': {
        const r = refValue(ctx, arg, p);
        if (r !== NO_VALUE) spend(ctx, jsonLength(r, RENDER_LIMITS.text), p, `Ref ${arg}`);
        return r;
      }
      case 'Fn::GetAtt': {
        const r = getAtt(ctx, arg, p);
        spend(ctx, String(r).length, p, 'Fn::GetAtt');
        return r;
      }
      case 'Fn::If': {
        const a = argList(p, 'Fn::If', arg, 3);
        return condition(ctx, a[0], `${p}/0`) ? resolve(ctx, a[1], `${p}/1`, cond) : resolve(ctx, a[2], `${p}/2`, cond);
      }
      case 'Fn::Equals': {
        const a = argList(p, 'Fn::Equals', arg, 2);
        return scalarEquals(resolve(ctx, a[0], `${p}/0`), resolve(ctx, a[1], `${p}/1`));
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const a = argList(p, fn, arg, 2, 10);
        const bools = a.map((x, i) => asBoolean(ctx, x, `${p}/${i}`));
        return fn === 'Fn::And' ? bools.every(Boolean) : bools.some(Boolean);
      }
      case 'Fn::Not': {
        const a = argList(p, 'Fn::Not', arg, 1);
        return !asBoolean(ctx, a[0], `${p}/0`);
      }
      case 'Fn::FindInMap':
        return findInMap(ctx, arg, p);
      case 'Fn::Select': {
        const a = argList(p, 'Fn::Select', arg, 2);
        const idxText = asString(`${p}/0`, 'the Fn::Select index', resolve(ctx, a[0], `${p}/0`));
        const list = asList(`${p}/1`, 'the Fn::Select list', resolve(ctx, a[1], `${p}/1`));
        const idx = Number(idxText);
        if (!/^\d+$/.test(idxText.trim()) || idx >= list.length) {
          fail(p, `Fn::Select index ${idxText} is out of range for a list of ${list.length} (${listSample(list, 5)})`);
        }
        return list[idx];
      }
      case 'Fn::Split': {
        const a = argList(p, 'Fn::Split', arg, 2);
        const delim = asString(`${p}/0`, 'the Fn::Split delimiter', resolve(ctx, a[0], `${p}/0`));
        const text = asString(`${p}/1`, 'the Fn::Split source', resolve(ctx, a[1], `${p}/1`));
        if (delim === '') fail(`${p}/0`, 'Fn::Split needs a non-empty delimiter');
        let items = 1;
        for (let at = text.indexOf(delim); at >= 0; at = text.indexOf(delim, at + delim.length)) items++;
        build(ctx, items, p, 'Fn::Split', true);
        spend(ctx, text.length - (items - 1) * delim.length, p, 'Fn::Split');
        return text.split(delim);
      }
      case 'Fn::Join': {
        const a = argList(p, 'Fn::Join', arg, 2);
        const delim = asString(`${p}/0`, 'the Fn::Join delimiter', resolve(ctx, a[0], `${p}/0`));
        const list = asList(`${p}/1`, 'the Fn::Join list', resolve(ctx, a[1], `${p}/1`));
        const items = list.map((x, i) => asString(`${p}/1/${i}`, 'a Fn::Join item', x));
        build(ctx, items.reduce((n, x) => n + x.length, Math.max(0, items.length - 1) * delim.length), p, 'Fn::Join');
        return items.join(delim);
      }
      case 'Fn::Sub':
        return sub(ctx, arg, p);
      case 'Fn::Base64': {
        const text = asString(p, 'the Fn::Base64 argument', resolve(ctx, arg, p));
        build(ctx, 4 * Math.ceil(Buffer.byteLength(text, 'utf8') / 3), p, 'Fn::Base64');
        return Buffer.from(text, 'utf8').toString('base64');
      }
      case 'Fn::GetAZs': {
        const r = getAZs(ctx, arg, p);
        spend(ctx, jsonLength(r, RENDER_LIMITS.text), p, 'Fn::GetAZs');
        return r;
      }
      case 'Fn::Length':
        return asList(p, 'the Fn::Length argument', resolve(ctx, arg, p)).length;
      case 'Fn::ToJsonString': {
        const r = resolve(ctx, arg, p);
        if (!isObject(r) && !Array.isArray(r)) fail(p, `Fn::ToJsonString takes a map or a list, got ${q(r)}`);
        build(ctx, jsonLength(r, RENDER_LIMITS.text), p, 'Fn::ToJsonString');
        return JSON.stringify(r);
      }
      case 'Fn::ImportValue': {
        const r = `<import:${asString(p, 'the Fn::ImportValue name', resolve(ctx, arg, p))}>`;
        spend(ctx, r.length, p, 'Fn::ImportValue');
        return r;
      }
      case 'Fn::Cidr': {
        const r = cidr(ctx, arg, p);
        spend(ctx, jsonLength(r, RENDER_LIMITS.text), p, 'Fn::Cidr');
        return r;
      }
      case 'Fn::Transform':
        fail(p, 'Fn::Transform runs a CloudFormation macro, which render cannot run');
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k.startsWith('Fn::ForEach::')) fail(`${ptr}/${esc(k)}`, 'Fn::ForEach (AWS::LanguageExtensions) is not supported by render');
    spend(ctx, k.length, `${ptr}/${esc(k)}`, 'this key');
    const r = resolve(ctx, obj[k], `${ptr}/${esc(k)}`, cond);
    if (r !== NO_VALUE) setOwn(out, k, r);
  }
  return out;
}

function section(template: Record<string, unknown>, name: string): Record<string, unknown> {
  const s = template[name];
  if (s === undefined || s === null) return {};
  if (!isObject(s)) fail(`/${name}`, `${name} must be a map, got ${q(s)}`);
  return s;
}

/**
 * Resolves `template` (long form, as parseTemplate returns it) for `parameters`, like
 * CloudFormation creating the stack. Pure: the template is not changed. Bad parameters (missing,
 * unknown, not allowed, not a Number) and anything CloudFormation would refuse (a FindInMap key
 * that is not there, a Ref to nothing) throw a RenderError naming the parameter or the pointer.
 */
export function renderTemplate(
  templateArg: object,
  parameters: Record<string, ParameterValue> = {},
  options: RenderOptions = {},
): RenderedTemplate {
  const template = assertTemplate(templateArg, 'template');
  checkTree(parameters, 'parameters');
  if (!isObject(parameters)) throw new RenderError('BAD_INPUT', `parameters must be a map of name → value, got ${shown(parameters)}`);
  if (!isObject(options as unknown)) throw badArgument('renderTemplate', 'options', 'an object (or nothing)', options);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw badArgument('renderTemplate', 'options.onWarning', 'a function (message, pointer)', options.onWarning);
  checkTree(options, 'render options', { opaque: true }); // onWarning is a callback
  const transforms = template.Transform === undefined ? [] : Array.isArray(template.Transform) ? template.Transform : [template.Transform];
  for (const t of transforms) {
    if (t !== 'AWS::LanguageExtensions') {
      fail('/Transform', `render cannot apply the transform ${q(t)} (it runs inside CloudFormation); only AWS::LanguageExtensions is supported`);
    }
  }
  const region = options.region ?? 'us-east-1';
  const derived = partitionOfRegion(region);
  const partition = options.partition ?? derived.partition;
  const accountId = options.accountId ?? '123456789012';
  const stackName = options.stackName ?? 'eks-nodegroup';
  const ctx: Context = {
    params: {},
    pseudo: {
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': options.urlSuffix ?? (options.partition ? partitionUrlSuffix(partition) : derived.urlSuffix),
      'AWS::AccountId': accountId,
      'AWS::StackName': stackName,
      'AWS::StackId': options.stackId ?? `arn:${partition}:cloudformation:${region}:${accountId}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
      'AWS::NotificationARNs': [...(options.notificationArns ?? [])],
    },
    mappings: section(template, 'Mappings'),
    conditionDefs: section(template, 'Conditions'),
    conditions: new Map(),
    evaluating: new Set(),
    resources: section(template, 'Resources'),
    excluded: new Set(),
    options,
    text: 0,
  };
  ctx.params = resolveParameters(section(template, 'Parameters') as Record<string, ParameterSpec>, parameters, options);
  // Each condition after those it uses, so none waits on a chain of others (800 overflowed the stack).
  const { order, cycle } = conditionOrder(ctx.conditionDefs);
  if (cycle) fail(`/Conditions/${esc(cycle[0])}`, `condition ${q(cycle[0])} depends on itself (${cycleText(cycle)}); CloudFormation refuses circular condition dependencies`);
  for (const name of order) condition(ctx, name, `/Conditions/${esc(name)}`);

  const included = (what: 'Resources' | 'Outputs', id: string, entry: unknown): boolean => {
    if (!isObject(entry) || entry.Condition === undefined) return true;
    return condition(ctx, entry.Condition, `/${what}/${esc(id)}/Condition`);
  };
  for (const [id, res] of Object.entries(ctx.resources)) if (!included('Resources', id, res)) ctx.excluded.add(id);

  const resources: Record<string, Record<string, unknown>> = {};
  for (const [id, res] of Object.entries(ctx.resources)) {
    if (ctx.excluded.has(id)) continue;
    const ptr = `/Resources/${esc(id)}`;
    if (!isObject(res)) fail(ptr, `a resource must be a map with a Type, got ${q(res)}`);
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(res)) {
      if (k === 'Condition') continue;
      const r = k === 'Type' || k === 'DependsOn' ? val : resolve(ctx, val, `${ptr}/${esc(k)}`);
      if (r !== NO_VALUE) out[k] = r;
    }
    resources[id] = out;
  }
  const rendered: RenderedTemplate = { Parameters: { ...ctx.params }, Conditions: Object.fromEntries(ctx.conditions), Resources: resources };
  if (template.AWSTemplateFormatVersion !== undefined) rendered.AWSTemplateFormatVersion = template.AWSTemplateFormatVersion;
  if (template.Description !== undefined) rendered.Description = template.Description;
  if (template.Metadata !== undefined) rendered.Metadata = template.Metadata;
  // Copied as they are, but counted: through aliases they may repeat long strings.
  spend(ctx, jsonLength([template.Description, template.Metadata], RENDER_LIMITS.text), '/Metadata', 'the template Description and Metadata');
  // Key order of the output: the template's own order of sections.
  const ordered: Record<string, unknown> = {};
  for (const k of ['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Conditions', 'Resources'] as const) {
    if (rendered[k] !== undefined) ordered[k] = rendered[k];
  }
  if (template.Outputs !== undefined) {
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const [id, o] of Object.entries(section(template, 'Outputs'))) {
      if (!included('Outputs', id, o)) continue;
      const ptr = `/Outputs/${esc(id)}`;
      if (!isObject(o)) fail(ptr, `an output must be a map with a Value, got ${q(o)}`);
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(o)) {
        if (k === 'Condition') continue;
        const r = resolve(ctx, val, `${ptr}/${esc(k)}`);
        if (r !== NO_VALUE) out[k] = r;
      }
      outputs[id] = out;
    }
    ordered.Outputs = outputs;
  }
  return ordered as unknown as RenderedTemplate;
}

function partitionUrlSuffix(partition: string): string {
  const bySuffix: Record<string, string> = {
    'aws-cn': 'amazonaws.com.cn',
    'aws-iso': 'c2s.ic.gov',
    'aws-iso-b': 'sc2s.sgov.gov',
    'aws-iso-e': 'cloud.adc-e.uk',
    'aws-iso-f': 'csp.hci.ic.gov',
    'aws-eusc': 'amazonaws.eu',
  };
  return bySuffix[partition] ?? 'amazonaws.com';
}

export {
  userDataOf,
  decodeUserData,
  maxPodsFromUserData,
  type UserDataEntry,
  type UserDataFormat,
  type UserDataMaxPods,
} from './user-data';

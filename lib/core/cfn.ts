/** Facts of the CloudFormation template language that several stages read. */
import { EksNodegroupError } from './errors';
import { hasOwn, isRecord } from './object';
import { assertWithinQuotas } from './quotas';
import { checkTree } from './tree';

/** Every intrinsic function: its short-form YAML tag (without `!`) → its long-form key. */
export const INTRINSICS: Readonly<Record<string, string>> = Object.freeze({
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
});

/** The long-form key → its short-form tag (`Fn::Sub` → `Sub`). */
export const SHORT_FORM: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(Object.entries(INTRINSICS).map(([tag, key]) => [key, tag])));

/** Functions that only make conditions (in Conditions, or inside Fn::If's first argument). */
const CONDITION_ONLY = new Set(['Fn::And', 'Fn::Equals', 'Fn::Not', 'Fn::Or', 'Condition']);

/** Every function that may stand where a property value goes (sorted). */
export const VALUE_FUNCTIONS: readonly string[] = Object.freeze(Object.values(INTRINSICS).filter((k) => !CONDITION_ONLY.has(k)).sort());

/** CloudFormation's pseudo parameters (AWS CloudFormation User Guide, "Pseudo parameters reference"). */
export const PSEUDO_PARAMETERS: readonly string[] = Object.freeze([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** The long-form key when `v` is a one-key object naming an intrinsic function (`{ Ref: … }`, `{ 'Fn::Sub': … }`). */
export function intrinsicKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && hasOwn(SHORT_FORM, keys[0]) ? keys[0] : undefined;
}

/** One `${…}` of a Fn::Sub string: where it starts, where it ends (after the `}`), and the name inside. */
export interface SubReference {
  start: number;
  end: number;
  name: string;
}

/**
 * The `${…}` references of a Fn::Sub string, in order (`${!Literal}` included, name `!Literal`).
 * A scan rather than /\$\{([^}]*)\}/g, which retries from every `${` to the end of the text when
 * no `}` follows: quadratic in hostile text.
 */
export function subReferences(text: string): SubReference[] {
  const out: SubReference[] = [];
  for (let at = text.indexOf('${'); at >= 0; ) {
    const close = text.indexOf('}', at + 2);
    if (close < 0) break; // no later `${` has a `}` after it either
    out.push({ start: at, end: close + 1, name: text.slice(at + 2, close) });
    at = text.indexOf('${', close + 1);
  }
  return out;
}

/**
 * The conditions `v` uses, as render evaluates it: `{Condition: Name}` where a condition is
 * expected (a condition's body, inside Fn::And, Fn::Or, Fn::Not) and the first argument of Fn::If.
 */
function conditionsUsed(v: unknown, inCondition: boolean, out: Set<string>): Set<string> {
  if (Array.isArray(v)) {
    for (const x of v) conditionsUsed(x, inCondition, out);
    return out;
  }
  if (!isRecord(v)) return out;
  const fn = intrinsicKey(v);
  const arg = fn && v[fn];
  if (fn === 'Condition' && inCondition) {
    if (typeof arg === 'string') out.add(arg);
  } else if (fn === 'Fn::If' && Array.isArray(arg)) {
    if (typeof arg[0] === 'string') out.add(arg[0]);
    conditionsUsed(arg.slice(1), inCondition, out);
  } else if (fn && fn !== 'Condition') conditionsUsed(arg, fn === 'Fn::And' || fn === 'Fn::Or' || fn === 'Fn::Not', out);
  else for (const x of Object.values(v)) conditionsUsed(x, inCondition, out);
  return out;
}

/**
 * The Conditions section in an order where each condition comes after the conditions it uses
 * (declaration order otherwise), and the first cycle among them as [A, B, …, A]: CloudFormation
 * refuses circular condition dependencies. Iterative, so a chain of any length cannot overflow the stack.
 */
export function conditionOrder(conditions: Record<string, unknown>): { order: string[]; cycle?: string[] } {
  const order: string[] = [];
  let cycle: string[] | undefined;
  const state = new Map<string, 'open' | 'done'>();
  for (const root of Object.keys(conditions)) {
    if (state.has(root)) continue;
    const stack = [{ name: root, uses: [...conditionsUsed(conditions[root], true, new Set())], i: 0 }];
    state.set(root, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i === top.uses.length) {
        state.set(top.name, 'done');
        order.push(top.name);
        stack.pop();
        continue;
      }
      const next = top.uses[top.i++];
      if (!hasOwn(conditions, next)) continue; // unknown: the caller reports it where it is used
      if (state.get(next) === 'open') cycle ??= [...stack.slice(stack.findIndex((f) => f.name === next)).map((f) => f.name), next];
      else if (!state.has(next)) {
        state.set(next, 'open');
        stack.push({ name: next, uses: [...conditionsUsed(conditions[next], true, new Set())], i: 0 });
      }
    }
  }
  return cycle ? { order, cycle } : { order };
}

/** A cycle of conditions for a message: `A → B → A`, the middle of a long one left out. */
export function cycleText(cycle: readonly string[]): string {
  return cycle.length <= 12 ? cycle.join(' → ') : `${cycle.slice(0, 5).join(' → ')} → … → ${cycle.slice(-5).join(' → ')} (${cycle.length - 1} conditions)`;
}

/** The top-level sections of a template that hold name → definition mappings. */
const MAPPING_SECTIONS = ['Resources', 'Parameters', 'Outputs', 'Mappings', 'Conditions', 'Metadata', 'Rules'];
const SECTIONS = [...MAPPING_SECTIONS, 'AWSTemplateFormatVersion', 'Description', 'Transform'];

/**
 * Returns `t` when it is a template object: a mapping with at least one CloudFormation section,
 * each mapping section a mapping, a tree (checkTree) and within CloudFormation's quotas. Throws
 * BAD_INPUT naming `label` otherwise.
 */
export function assertTemplate(t: unknown, label: string): Record<string, unknown> {
  checkTree(t, label);
  if (!isRecord(t)) {
    throw new EksNodegroupError('BAD_INPUT', `${label}: expected a CloudFormation template object, got ${t === null ? 'null' : Array.isArray(t) ? 'a list' : typeof t}`);
  }
  if (!SECTIONS.some((s) => hasOwn(t, s))) {
    const keys = Object.keys(t);
    throw new EksNodegroupError(
      'BAD_INPUT',
      `${label}: not a CloudFormation template (none of the sections ${SECTIONS.join(', ')}; top-level keys: ${keys.slice(0, 5).map((k) => (k.length > 40 ? k.slice(0, 37) + '...' : k)).join(', ') || 'none'})`,
    );
  }
  for (const s of MAPPING_SECTIONS) {
    if (t[s] !== undefined && t[s] !== null && !isRecord(t[s])) {
      throw new EksNodegroupError('BAD_INPUT', `${label}: ${s} must be a mapping of names to definitions, got ${Array.isArray(t[s]) ? 'a list' : typeof t[s]}`);
    }
  }
  assertWithinQuotas(t, label);
  return t;
}

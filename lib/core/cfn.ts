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
  return keys.length === 1 && Object.prototype.hasOwnProperty.call(SHORT_FORM, keys[0]) ? keys[0] : undefined;
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

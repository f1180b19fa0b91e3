/**
 * A semantic diff of two CloudFormation templates (data only; lib/format renders it).
 *
 * Both templates are compared in long form (parseTemplate reads YAML or JSON, short or long form),
 * after the normal form of lib/diff/equal.ts: key order, quoting and the number-vs-string spellings
 * CloudFormation treats as equal make no difference.
 *
 * The result is a list of entries, one per thing a reader cares about:
 * - Description, AWSTemplateFormatVersion, Transform: one entry each when changed;
 * - Parameters, Conditions, Outputs, Rules, Metadata: one entry per key, with field-level changes
 *   (AllowedValues per value);
 * - Mappings: one entry per mapping added or removed, and per top-level key (e.g. one instance type)
 *   when a mapping is on both sides;
 * - Resources: one entry per resource, with property paths and the update impact from
 *   @aws-cdk/cloudformation-diff (lib/diff/impact.ts).
 * Multi-line strings (user data in `Fn::Sub`, or `Fn::Join` bodies) are compared line by line.
 * When either template carries max-pods values, `maxPods` compares them with today's data.
 */
import { assertTemplate, badArgument, checkTree, hasOwn, isRecord as isObj, MAX_TEXT, own, toPointer } from '../core';
import type { MaxPodsOptions } from '../max-pods';
import { cfnEqual, normalizeTemplate, valueNumbering } from './equal';
import type { Impact } from './impact';
import { maxPodsView, type MaxPodsView } from './max-pods';
import { indirectChanges, nodeReplacements, type ChangedResource, type NodeReplacement } from './nodes';
import { imageChanges, type ImageChange } from './images';
import { diffArrays, structuredPatch } from 'diff';
import { knownResourceType, resourceImpacts } from './impact';

export type { Impact } from './impact';
export type { MaxPodsRow, MaxPodsView } from './max-pods';
export type { NodeReplacement, NodeUpdate } from './nodes';
export type { ImageChange, ImageChoice } from './images';
export { cfnEqual } from './equal';
export { assertTemplate } from '../core';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One hunk of a line-by-line comparison: lines start with ' ' (context), '-' (old) or '+' (new). */
export interface LineHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** One change inside an entry. */
export interface ValueChange {
  kind: ChangeKind;
  /** JSON pointer (RFC 6901) into the new template (the old one for removals). */
  pointer: string;
  /** Keys from the entry down to the value, e.g. ['Properties', 'LaunchTemplateData', 'UserData']. */
  path: string[];
  old?: unknown;
  new?: unknown;
  /** Multi-line text compared line by line (user data). */
  lines?: LineHunk[];
  /** For a resource property: what changing it does (from cloudformation-diff). */
  impact?: Impact;
}

/** One parameter, resource, output, mapping entry, … that differs. */
export interface DiffEntry {
  kind: ChangeKind;
  section: string;
  /** Logical name: parameter, resource, output, condition or mapping name. */
  name: string;
  /** For Mappings on both sides: the top-level key (e.g. an instance type). */
  key?: string;
  /** JSON pointer of the entry. */
  pointer: string;
  /** Whole value, for added and removed entries. */
  old?: unknown;
  new?: unknown;
  /** Field-level changes, for changed entries. */
  changes: ValueChange[];
  /** Resources: the type on each side. */
  resourceType?: { old?: string; new?: string };
  /** Resources: what CloudFormation would do to the resource. */
  impact?: Impact;
  /**
   * Resources: the type is not in the AWS resource database (a custom resource, or newer than the
   * database), so `impact` is the least CloudFormation does (update); its provider may replace it.
   */
  typeUnknown?: boolean;
  /**
   * Resources: changed properties the AWS resource database does not know for the type (newer
   * than the database, or misspelt); cloudformation-diff sees no change in them, so each counts as
   * an update.
   */
  unknownProperties?: string[];
}

export interface DiffSummary {
  added: number;
  removed: number;
  changed: number;
}

export interface TemplateDiff {
  /** True when the templates mean the same to CloudFormation. */
  identical: boolean;
  entries: DiffEntry[];
  summary: DiffSummary & { bySection: Record<string, DiffSummary> };
  /** True when IAM policies or security-group rules change (cloudformation-diff's scrutiny). */
  permissionsChanged: boolean;
  /** True when value changes were left out: the diff lists at most MAX_CHANGES (the entries are all there). */
  truncated?: boolean;
  /** Per instance type: old, new and computed max pods, when either side carries values. */
  maxPods?: MaxPodsView;
  /**
   * Auto Scaling groups whose nodes the update concerns: replaced by their update policy, or left
   * on the old configuration (lib/diff/nodes.ts). Absent when no group is concerned.
   */
  nodes?: NodeReplacement[];
  /**
   * Per CPU architecture, the image a node of an offered type gets (with the parameters'
   * defaults), where it changes or is of the other architecture (lib/diff/images.ts).
   */
  images?: ImageChange[];
}

export interface DiffOptions {
  /** Options for the computed max-pods column (as the new template was generated); default none. */
  maxPods?: MaxPodsOptions;
  /** Lines of context around changed lines in multi-line text; default 2. */
  context?: number;
}

/** Section order in reports; other top-level keys follow, sorted. */
export const SECTION_ORDER = [
  'AWSTemplateFormatVersion',
  'Description',
  'Transform',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Resources',
  'Outputs',
] as const;

const SCALAR_SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Transform']);

type Obj = Record<string, unknown>;



// ------------------------------------------------------------------ text (user data)

const REF_LIKE = new Set(['Ref', 'Fn::GetAtt']);

/**
 * The text a value stands for when it is a string built by `Fn::Sub` or `Fn::Join`: `Fn::Sub`
 * bodies as written; `Fn::Join` parts concatenated with `Ref`/`GetAtt` as `${Name}` / `${A.B}`
 * and other functions as `${<json>}`. So user data moved from Join to Sub compares line by line.
 */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (!isObj(v) || Object.keys(v).length !== 1) return undefined;
  if ('Fn::Sub' in v) {
    const a = v['Fn::Sub'];
    if (typeof a === 'string') return a;
    if (Array.isArray(a) && typeof a[0] === 'string' && (a.length === 1 || (isObj(a[1]) && Object.keys(a[1]).length === 0))) return a[0];
    return undefined;
  }
  if ('Fn::Join' in v) {
    const a = v['Fn::Join'];
    if (!Array.isArray(a) || a.length !== 2 || typeof a[0] !== 'string' || !Array.isArray(a[1])) return undefined;
    return a[1].map((p) => (typeof p === 'string' ? p : placeholder(p))).join(a[0]);
  }
  return undefined;
}

/** `Fn::Sub` argument as [body, variables] (variables undefined when absent or empty). */
function subParts(arg: unknown): [unknown, unknown] {
  if (Array.isArray(arg)) {
    const vars = isObj(arg[1]) && Object.keys(arg[1]).length === 0 ? undefined : arg[1];
    return [arg[0], vars];
  }
  return [arg, undefined];
}

function placeholder(p: unknown): string {
  if (isObj(p) && Object.keys(p).length === 1) {
    const [k] = Object.keys(p);
    if (k === 'Ref' && typeof p.Ref === 'string') return '${' + p.Ref + '}';
    if (k === 'Fn::GetAtt' && Array.isArray(p[k])) return '${' + (p[k] as unknown[]).join('.') + '}';
    if (!REF_LIKE.has(k)) return '${' + JSON.stringify(p) + '}';
  }
  return '${' + JSON.stringify(p) + '}';
}

/**
 * Edits the sequence diffs look for before giving up: Myers' diff costs length × edits, so two
 * unrelated 20,000-line texts (or lists) would take minutes; past this they are shown whole.
 */
const MAX_EDITS = 2000;

function lineHunks(a: string, b: string, context: number): LineHunk[] | undefined {
  const p = structuredPatch('old', 'new', a.endsWith('\n') ? a : a + '\n', b.endsWith('\n') ? b : b + '\n', '', '', { context, maxEditLength: MAX_EDITS });
  return p?.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines }));
}

// ------------------------------------------------------------------ value diff

interface Walk {
  out: ValueChange[];
  context: number;
  /** Changes listed so far, over all entries, and the characters of their pointers. */
  listed: number;
  pointerText: number;
  /** True once a change was left out (MAX_CHANGES). */
  truncated: boolean;
  /** Numbers for values, equal when cfnEqual is (one numbering per diff: list items compare by number). */
  number: (v: unknown) => number;
}

/**
 * Most value changes one diff lists: past it, entries are still found and counted, their values
 * no longer compared (two 1 MB templates of changed scalars would list a million changes).
 */
export const MAX_CHANGES = 10_000;

/**
 * Most characters the pointers of listed changes may hold: 10,000 changes under one 900 KB key
 * would be 9 GB of text to print (each change also carries its path, as long again).
 */
const MAX_POINTER_TEXT = MAX_TEXT / 2;

function emit(w: Walk, c: ValueChange): void {
  if (w.listed >= MAX_CHANGES || w.pointerText + c.pointer.length > MAX_POINTER_TEXT) w.truncated = true;
  else {
    w.listed++;
    w.pointerText += c.pointer.length;
    w.out.push(c);
  }
}

/**
 * Appends the differences between two values (already known to be unequal or not) to w.out.
 * `path` leads to the value in the new template, `oldPath` in the old one: they differ after list
 * items were added or removed before it, and a removal is located in the old template.
 */
function diffValue(a: unknown, b: unknown, path: string[], base: string[], w: Walk, oldPath: string[] = path): void {
  if (w.listed >= MAX_CHANGES) {
    if (!cfnEqual(a, b)) w.truncated = true;
    return;
  }
  if (cfnEqual(a, b)) return;
  const ptr = (p: (string | number)[]) => toPointer([...base, ...p]);
  if (a === undefined) {
    emit(w, { kind: 'added', pointer: ptr(path), path, new: b });
    return;
  }
  if (b === undefined) {
    emit(w, { kind: 'removed', pointer: ptr(oldPath), path: oldPath, old: a });
    return;
  }
  const ta = textOf(a);
  const tb = textOf(b);
  const bothText = ta !== undefined && tb !== undefined;
  // Both `Fn::Sub`: compare the bodies (line by line) and the variable maps apart.
  const bothSub = isObj(a) && isObj(b) && 'Fn::Sub' in a && 'Fn::Sub' in b && Object.keys(a).length === 1 && Object.keys(b).length === 1;
  if (bothSub) {
    const [bodyA, varsA] = subParts(a['Fn::Sub']);
    const [bodyB, varsB] = subParts(b['Fn::Sub']);
    const arrayForm = Array.isArray(b['Fn::Sub']);
    const oldArrayForm = Array.isArray(a['Fn::Sub']);
    diffValue(bodyA, bodyB, arrayForm ? [...path, 'Fn::Sub', '0'] : [...path, 'Fn::Sub'], base, w, oldArrayForm ? [...oldPath, 'Fn::Sub', '0'] : [...oldPath, 'Fn::Sub']);
    diffValue(varsA, varsB, [...path, 'Fn::Sub', '1'], base, w, [...oldPath, 'Fn::Sub', '1']);
    return;
  }
  if (bothText && (ta.includes('\n') || tb.includes('\n')) && !bothSub) {
    if (ta === tb) {
      // Same text, different spelling (Join vs Sub): a change worth showing, but no line changes.
      emit(w, { kind: 'changed', pointer: ptr(path), path, old: a, new: b });
    } else {
      const lines = lineHunks(ta, tb, w.context);
      emit(w, { kind: 'changed', pointer: ptr(path), path, old: a, new: b, ...(lines ? { lines } : {}) });
    }
    return;
  }
  if (isObj(a) && isObj(b)) {
    const aFn = Object.keys(a).length === 1 && Object.keys(a)[0];
    const bFn = Object.keys(b).length === 1 && Object.keys(b)[0];
    const aIntrinsic = typeof aFn === 'string' && (aFn.startsWith('Fn::') || aFn === 'Ref' || aFn === 'Condition');
    const bIntrinsic = typeof bFn === 'string' && (bFn.startsWith('Fn::') || bFn === 'Ref' || bFn === 'Condition');
    if ((aIntrinsic || bIntrinsic) && aFn !== bFn) {
      emit(w, { kind: 'changed', pointer: ptr(path), path, old: a, new: b });
      return;
    }
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !hasOwn(a, k))];
    for (const k of keys) diffValue(own(a, k), own(b, k), [...path, k], base, w, [...oldPath, k]);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    diffArray(a, b, path, base, w, oldPath);
    return;
  }
  emit(w, { kind: 'changed', pointer: ptr(path), path, old: a, new: b });
}

/** Lists: AllowedValues as sets; same length index by index; otherwise a sequence diff. */
function diffArray(a: unknown[], b: unknown[], path: string[], base: string[], w: Walk, oldPath: string[]): void {
  const ptr = (p: (string | number)[]) => toPointer([...base, ...p]);
  const allScalar = [...a, ...b].every((x) => x === null || typeof x !== 'object');
  if (path[path.length - 1] === 'AllowedValues' && allScalar) {
    // Scalars are equal when their text is (cfnEqual): one set lookup per value.
    const text = (x: unknown): string => (x === null ? '\u0000null' : String(x));
    const inA = new Set(a.map(text));
    const inB = new Set(b.map(text));
    a.forEach((x, i) => {
      if (!inB.has(text(x))) emit(w, { kind: 'removed', pointer: ptr([...oldPath, i]), path: [...oldPath, String(i)], old: x });
    });
    b.forEach((y, i) => {
      if (!inA.has(text(y))) emit(w, { kind: 'added', pointer: ptr([...path, i]), path: [...path, String(i)], new: y });
    });
    return;
  }
  if (a.length === b.length) {
    a.forEach((x, i) => diffValue(x, b[i], [...path, String(i)], base, w, [...oldPath, String(i)]));
    return;
  }
  // Longest common subsequence of the items' numbers (equal as cfnEqual is), then pair up what is left.
  const parts = diffArrays(a.map(w.number), b.map(w.number), { maxEditLength: MAX_EDITS });
  if (!parts) {
    emit(w, { kind: 'changed', pointer: ptr(path), path, old: a, new: b });
    return;
  }
  let i = 0;
  let j = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const next = parts[k + 1];
    const n = p.count ?? p.value.length;
    if (p.removed && next?.added && (next.count ?? next.value.length) === n && a.slice(i, i + n).every((x) => isObj(x) || Array.isArray(x))) {
      // Same number of elements replaced by the same number: compare them pairwise.
      for (let m = 0; m < n; m++) diffValue(a[i + m], b[j + m], [...path, String(j + m)], base, w, [...oldPath, String(i + m)]);
      i += n;
      j += n;
      k++;
      continue;
    }
    if (p.removed) {
      for (let m = 0; m < n; m++) emit(w, { kind: 'removed', pointer: ptr([...oldPath, i + m]), path: [...oldPath, String(i + m)], old: a[i + m] });
      i += n;
    } else if (p.added) {
      for (let m = 0; m < n; m++) emit(w, { kind: 'added', pointer: ptr([...path, j + m]), path: [...path, String(j + m)], new: b[j + m] });
      j += n;
    } else {
      i += n;
      j += n;
    }
  }
}

// ------------------------------------------------------------------ sections

function sectionRank(s: string): number {
  const i = (SECTION_ORDER as readonly string[]).indexOf(s);
  return i < 0 ? SECTION_ORDER.length : i;
}

function keyedEntries(section: string, a: Obj, b: Obj, w: Walk): DiffEntry[] {
  const out: DiffEntry[] = [];
  const names = [...Object.keys(a), ...Object.keys(b).filter((k) => !hasOwn(a, k))];
  for (const name of names) {
    const pointer = toPointer([section, name]);
    if (!hasOwn(b, name)) {
      out.push({ kind: 'removed', section, name, pointer, old: a[name], changes: [] });
    } else if (!hasOwn(a, name)) {
      out.push({ kind: 'added', section, name, pointer, new: b[name], changes: [] });
    } else if (!cfnEqual(a[name], b[name])) {
      if (section === 'Mappings' && isObj(a[name]) && isObj(b[name])) {
        for (const e of mappingEntries(name, a[name] as Obj, b[name] as Obj, w)) out.push(e);
        continue;
      }
      w.out = [];
      diffValue(a[name], b[name], [], [section, name], w);
      out.push({ kind: 'changed', section, name, pointer, changes: w.out });
    }
  }
  return out;
}

/** A mapping on both sides: one entry per top-level key (an instance type, a partition, …). */
function mappingEntries(name: string, a: Obj, b: Obj, w: Walk): DiffEntry[] {
  const out: DiffEntry[] = [];
  const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !hasOwn(a, k))];
  for (const key of keys) {
    const pointer = toPointer(['Mappings', name, key]);
    if (!hasOwn(b, key)) out.push({ kind: 'removed', section: 'Mappings', name, key, pointer, old: a[key], changes: [] });
    else if (!hasOwn(a, key)) out.push({ kind: 'added', section: 'Mappings', name, key, pointer, new: b[key], changes: [] });
    else if (!cfnEqual(a[key], b[key])) {
      w.out = [];
      diffValue(a[key], b[key], [], ['Mappings', name, key], w);
      out.push({ kind: 'changed', section: 'Mappings', name, key, pointer, changes: w.out });
    }
  }
  return out;
}

function typeOf(r: unknown): string | undefined {
  return isObj(r) && typeof r.Type === 'string' ? r.Type : undefined;
}

/** The max-pods options a template of ours records in Metadata.EksNodegroup.MaxPodsOptions. */
function generatedWith(t: Obj): MaxPodsOptions | undefined {
  const m = isObj(t.Metadata) ? t.Metadata.EksNodegroup : undefined;
  return isObj(m) && isObj(m.MaxPodsOptions) ? (m.MaxPodsOptions as MaxPodsOptions) : undefined;
}

function summarize(entries: DiffEntry[]): TemplateDiff['summary'] {
  const s: TemplateDiff['summary'] = { added: 0, removed: 0, changed: 0, bySection: {} };
  for (const e of entries) {
    s[e.kind]++;
    const b = (s.bySection[e.section] ??= { added: 0, removed: 0, changed: 0 });
    b[e.kind]++;
  }
  return s;
}

/**
 * Compares two templates (long form, as parseTemplate returns them): `oldTemplate` is what runs
 * now, `newTemplate` what it would be updated to. Neither argument is changed; the values in the
 * result (`old`, `new`) may be parts of them, so change neither while you use the result.
 */
export function diffTemplates(oldTemplate: object, newTemplate: object, options: DiffOptions = {}): TemplateDiff {
  checkTree(options, 'diffTemplates: options');
  if (!isObj(options as unknown)) throw badArgument('diffTemplates', 'options', 'an object (or nothing)', options);
  const a = normalizeTemplate(assertTemplate(oldTemplate, 'old template'));
  const b = normalizeTemplate(assertTemplate(newTemplate, 'new template'));
  const w: Walk = { out: [], context: options.context ?? 2, listed: 0, pointerText: 0, truncated: false, number: valueNumbering() };
  const sections = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort((x, y) => sectionRank(x) - sectionRank(y) || (x < y ? -1 : x > y ? 1 : 0));
  const entries: DiffEntry[] = [];
  for (const section of sections) {
    const va = own(a, section);
    const vb = own(b, section);
    if (cfnEqual(va ?? {}, vb ?? {}) || (SCALAR_SECTIONS.has(section) && cfnEqual(va, vb))) continue;
    if (SCALAR_SECTIONS.has(section) || (!isObj(va ?? {}) || !isObj(vb ?? {}))) {
      const pointer = toPointer([section]);
      if (va === undefined) entries.push({ kind: 'added', section, name: section, pointer, new: vb, changes: [] });
      else if (vb === undefined) entries.push({ kind: 'removed', section, name: section, pointer, old: va, changes: [] });
      else {
        w.out = [];
        diffValue(va, vb, [], [section], w);
        entries.push({ kind: 'changed', section, name: section, pointer, changes: w.out });
      }
      continue;
    }
    for (const e of keyedEntries(section, (va ?? {}) as Obj, (vb ?? {}) as Obj, w)) entries.push(e);
  }

  let permissionsChanged = false;
  let nodes: NodeReplacement[] = [];
  const resourceEntries = entries.filter((e) => e.section === 'Resources');
  if (resourceEntries.length) {
    const ra = (a.Resources ?? {}) as Obj;
    const rb = (b.Resources ?? {}) as Obj;
    for (const e of resourceEntries) e.resourceType = { old: typeOf(ra[e.name]), new: typeOf(rb[e.name]) };
    const report = resourceImpacts(a, b);
    permissionsChanged = report.permissionsChanged;
    for (const e of resourceEntries) {
      const r = report.resources[e.name];
      e.impact = r?.impact ?? (e.kind === 'added' ? 'create' : e.kind === 'removed' ? 'destroy' : 'update');
      const type = e.resourceType?.new ?? e.resourceType?.old;
      if (e.kind === 'changed' && type && !knownResourceType(type)) {
        // cloudformation-diff has no facts on custom or unknown types and calls their changes
        // "no change"; CloudFormation does update them, and only their provider knows if it replaces.
        e.typeUnknown = true;
        if (e.impact === 'none') e.impact = 'update';
      }
      const unknown = new Set<string>();
      for (const c of e.changes) {
        if (c.path[0] !== 'Properties' || c.path.length < 2) continue;
        const p = r?.properties[c.path[1]];
        c.impact = p === undefined || p === 'none' ? 'update' : p;
        if (p === 'none' && !e.typeUnknown) unknown.add(c.path[1]);
      }
      if (unknown.size) {
        e.unknownProperties = [...unknown];
        if (e.impact === 'none') e.impact = 'update';
      }
    }
    const changedResources = resourceEntries
      .filter((e) => e.kind === 'changed')
      .map((e) => ({ name: e.name, impact: e.impact, properties: [...new Set(e.changes.filter((c) => c.path[0] === 'Properties' && c.path.length > 1).map((c) => c.path[1]))] }));
    nodes = nodeReplacements(ra, rb, [...changedResources, ...indirect(a, b, entries)]);
  } else {
    nodes = nodeReplacements((a.Resources ?? {}) as Obj, (b.Resources ?? {}) as Obj, indirect(a, b, entries));
  }
  const images = imageChanges(a, b);

  const view = maxPodsView(a, b, options.maxPods ?? generatedWith(b) ?? generatedWith(a) ?? {});
  const result: TemplateDiff = { identical: entries.length === 0, entries, summary: summarize(entries), permissionsChanged };
  if (view) result.maxPods = view;
  if (w.truncated) result.truncated = true;
  if (nodes.length) result.nodes = nodes;
  if (images.length) result.images = images;
  return result;
}

/** Launch templates that change through a mapping or parameter default the entries change. */
function indirect(a: Obj, b: Obj, entries: readonly DiffEntry[]): ChangedResource[] {
  const changed = new Set(entries.filter((e) => e.section === 'Resources').map((e) => e.name));
  const mappings = entries.filter((e) => e.section === 'Mappings' && e.kind === 'changed').map((e) => e.name);
  const defaults = entries.filter((e) => e.section === 'Parameters' && e.kind === 'changed' && e.changes.some((c) => c.path[0] === 'Default')).map((e) => e.name);
  if (!mappings.length && !defaults.length) return [];
  return indirectChanges((a.Resources ?? {}) as Obj, (b.Resources ?? {}) as Obj, changed, mappings, defaults);
}

/**
 * Renders a TemplateDiff (lib/diff) for people and for programs. No diffing happens here.
 *
 * - formatDiffText: a report grouped by section, `[+]` added, `[-]` removed, `[~]` changed, with
 *   property paths, the update impact of each resource change, user data line by line, what the
 *   update does to the running nodes of each Auto Scaling group, and the max-pods view. Colour
 *   only when asked (the CLI asks on a TTY without NO_COLOR).
 * - formatDiffJson: the same data as JSON; every entry and change carries a JSON pointer (RFC 6901)
 *   into its template.
 * Both are deterministic: same diff, same bytes.
 */
import { styleText } from 'node:util';
import YAML from 'yaml';
import { badArgument, checkTree, isRecord, MAX_DEPTH, MAX_TEXT, MAX_VALUES, plural } from '../core';
import { MAX_CHANGES, type DiffEntry, type ImageChange, type ImageChoice, type Impact, type MaxPodsView, type NodeReplacement, type TemplateDiff, type ValueChange } from '../diff';

export interface FormatOptions {
  /** Label of the old template (a path, URL or aws:<date>). */
  oldLabel?: string;
  /** Label of the new template. */
  newLabel?: string;
  /** ANSI colours (default false). */
  color?: boolean;
  /** Show every max-pods row, not only those that differ or stand out (default false). */
  allMaxPods?: boolean;
}

type Style = Parameters<typeof styleText>[0];

const MARK: Record<DiffEntry['kind'], string> = { added: '[+]', removed: '[-]', changed: '[~]' };
const MARK_STYLE: Record<DiffEntry['kind'], Style> = { added: 'green', removed: 'red', changed: 'yellow' };

/** What each impact means for a running stack, in words. */
export const IMPACT_TEXT: Record<Impact, string> = {
  none: 'no change to the resource',
  create: 'created',
  update: 'updated in place',
  'may-replace': 'MAY BE REPLACED',
  replace: 'REPLACED',
  destroy: 'DELETED',
  orphan: 'removed from the stack, kept in the account',
};

/** The entry's display name: `Name`, or `Mapping › key` for one mapping entry. */
function entryName(e: DiffEntry): string {
  return e.key !== undefined ? `${e.name} › ${e.key}` : e.name;
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** Text that reads back as the same string when written plain inside a YAML flow collection: no flow indicators ([]{},), no ": " or " #", no leading indicator. */
const PLAIN = /^(?:[A-Za-z0-9_./$()+=]|-(?=[^\s]))(?:[A-Za-z0-9_./:@$()*+= -])*$/;

/**
 * The yaml library's tests for plain scalars that are not text (null, booleans, numbers in the
 * core schema): a plain scalar matching none of them reads as a string. Asked directly, not
 * through YAML.parse, which costs 10 µs a call (a diff may show a million values).
 */
const NOT_TEXT = new YAML.Schema({}).tags.flatMap((t) => ('test' in t && t.test instanceof RegExp ? [t.test] : []));

function flowScalar(v: unknown): string {
  if (typeof v === 'string') {
    // …and that YAML reads as this text, not a number, boolean or null (the yaml library decides).
    // CloudFormation reads YAML 1.1, where yes/no/on/off are booleans too.
    const plain = PLAIN.test(v) && v.trim() === v && !/: |:$|^(?:---|\.\.\.)(?: |$)/.test(v) && !/^(y|n|yes|no|on|off)$/i.test(v) && !NOT_TEXT.some((re) => re.test(v));
    return plain ? v : JSON.stringify(v);
  }
  return String(v);
}

/** YAML flow style on one line, intrinsics in short form: `!If [HasKeyName, !Ref KeyName, !Ref AWS::NoValue]`. */
export function flow(v: unknown): string {
  if (isScalar(v)) return flowScalar(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const k = keys[0];
    const arg = o[k];
    const tag = k === 'Ref' ? '!Ref' : `!${k.slice(4)}`;
    if (k === 'Fn::GetAtt' && Array.isArray(arg) && arg.length === 2 && arg.every((x) => typeof x === 'string')) return `!GetAtt ${arg.join('.')}`;
    return `${tag} ${flow(arg)}`;
  }
  return `{${keys.map((k) => `${flowScalar(k)}: ${flow(o[k])}`).join(', ')}}`;
}

/** A value on one line: long lists of scalars as a count with the first few, the rest in flow style. */
export function showValue(v: unknown): string {
  if (typeof v === 'string' && v.includes('\n')) return JSON.stringify(v);
  if (Array.isArray(v) && v.length > 8 && v.every(isScalar)) return `[${v.length} values: ${v.slice(0, 3).map(flowScalar).join(', ')}, …]`;
  return flow(v);
}

/** `LaunchTemplateData.UserData` from a path (intrinsic keys shown in brackets). */
function showPath(path: string[], section: string): string {
  const p = section === 'Resources' && path[0] === 'Properties' ? path.slice(1) : path;
  const out: string[] = [];
  const fns: string[] = [];
  let prev = '';
  for (const seg of p) {
    if (seg.startsWith('Fn::') || seg === 'Ref') fns.push(seg);
    else if (prev === 'Fn::Sub' && (seg === '0' || seg === '1')) fns.push(seg === '0' ? 'body' : 'variables');
    else out.push(/^\d+$/.test(seg) ? `[${seg}]` : seg);
    prev = seg;
  }
  const name = out.join('.').replace(/\.\[/g, '[');
  return (name || '(value)') + (fns.length ? ` (${fns.join(' › ')})` : '');
}

class Writer {
  lines: string[] = [];
  constructor(private readonly color: boolean) {}
  style(s: Style, text: string): string {
    // validateStream: false — the caller decided on colour (a TTY without NO_COLOR); newer Node
    // versions would otherwise check process.stdout themselves.
    return this.color ? (styleText as (f: Style, t: string, o?: { validateStream?: boolean }) => string)(s, text, { validateStream: false }) : text;
  }
  push(line: string): void {
    this.lines.push(line);
  }
}

function impactNote(w: Writer, impact: Impact | undefined): string {
  if (!impact) return '';
  const text = IMPACT_TEXT[impact];
  const loud = impact === 'replace' || impact === 'may-replace' || impact === 'destroy';
  return ` — ${loud ? w.style('red', text) : text}`;
}

function writeChange(w: Writer, e: DiffEntry, c: ValueChange): void {
  const indent = '    ';
  const mark = w.style(MARK_STYLE[c.kind], MARK[c.kind]);
  const where = showPath(c.path, e.section);
  const impact = e.section === 'Resources' ? impactNote(w, c.impact) : '';
  if (c.lines) {
    w.push(`${indent}${mark} ${where}: ${countLines(c)}${impact}`);
    for (const h of c.lines) {
      w.push(`${indent}    ${w.style('cyan', `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`)}`);
      for (const l of h.lines) {
        const style: Style | undefined = l.startsWith('+') ? 'green' : l.startsWith('-') ? 'red' : undefined;
        w.push(`${indent}    ${style ? w.style(style, l) : l}`);
      }
    }
    return;
  }
  if (c.kind === 'added') w.push(`${indent}${mark} ${where}: ${showValue(c.new)}${impact}`);
  else if (c.kind === 'removed') w.push(`${indent}${mark} ${where}: ${showValue(c.old)}${impact}`);
  else w.push(`${indent}${mark} ${where}: ${showValue(c.old)} → ${showValue(c.new)}${impact}`);
}

function countLines(c: ValueChange): string {
  let add = 0;
  let del = 0;
  for (const h of c.lines ?? []) {
    for (const l of h.lines) {
      if (l.startsWith('+')) add++;
      else if (l.startsWith('-')) del++;
    }
  }
  return `text, ${plural(del, 'line')} removed, ${add} added`;
}

function writeEntry(w: Writer, e: DiffEntry): void {
  const mark = w.style(MARK_STYLE[e.kind], MARK[e.kind]);
  let head = `${mark} ${entryName(e)}`;
  if (e.resourceType) {
    const { old: o, new: n } = e.resourceType;
    head += ` ${o && n && o !== n ? `${o} → ${n}` : (n ?? o)}`;
  }
  head += impactNote(w, e.impact);
  if (e.typeUnknown) head += ' (type unknown to the AWS resource database: its provider may replace it)';
  const unknown = e.unknownProperties ?? [];
  if (unknown.length) {
    const names = unknown.length > 3 ? `${unknown.slice(0, 3).join(', ')} and ${unknown.length - 3} more` : unknown.join(', ');
    head += ` (${plural(unknown.length, 'property', 'properties')} unknown to the AWS resource database for this type: ${names}; newer than the database, or misspelt)`;
  }
  const scalarSection = e.name === e.section && e.changes.length === 1 && e.changes[0].path.length === 0 && !e.changes[0].lines;
  if (scalarSection) {
    const c = e.changes[0];
    w.push(`${mark} ${e.section}: ${showValue(c.old)} → ${showValue(c.new)}`);
    return;
  }
  if (e.kind === 'added' && isScalar(e.new)) head += `: ${showValue(e.new)}`;
  if (e.kind === 'removed' && isScalar(e.old)) head += `: ${showValue(e.old)}`;
  if (e.section === 'Mappings' && e.key === undefined && e.kind !== 'changed') {
    const v = e.kind === 'added' ? e.new : e.old;
    if (v && typeof v === 'object') head += ` (${plural(Object.keys(v).length, 'entry', 'entries')})`;
  }
  w.push(head);
  const grouped = new Set<ValueChange>();
  for (const c of e.changes) {
    if (grouped.has(c)) continue;
    const list = listParent(c);
    if (list !== undefined) {
      // Values added to (or removed from) one list: one line.
      const same = e.changes.filter((d) => d.kind === c.kind && listParent(d) === list);
      if (same.length > 1) {
        same.forEach((d) => grouped.add(d));
        const vals = same.map((d) => flowScalar(c.kind === 'added' ? d.new : d.old));
        const where = showPath(c.path.slice(0, -1), e.section);
        w.push(`    ${w.style(MARK_STYLE[c.kind], MARK[c.kind])} ${where}: ${same.length} values ${c.kind}: ${vals.join(', ')}`);
        continue;
      }
    }
    writeChange(w, e, c);
  }
}

/** For a scalar added to / removed from a list: the list's pointer; otherwise undefined. */
function listParent(c: ValueChange): string | undefined {
  if (c.kind === 'changed' || !/^\d+$/.test(c.path[c.path.length - 1] ?? '')) return undefined;
  if (!isScalar(c.kind === 'added' ? c.new : c.old)) return undefined;
  return c.pointer.slice(0, c.pointer.lastIndexOf('/'));
}

/** Types that are only on one side (values matching the data) are listed up to this many; beyond it, counted. */
export const ONE_SIDED_ROWS_LIMIT = 20;

function writeMaxPods(w: Writer, v: MaxPodsView, all: boolean): void {
  const onlyOld = new Set(v.onlyOld);
  const onlyNew = new Set(v.onlyNew);
  const changed = new Set(v.changed);
  type Row = MaxPodsView['rows'][number];
  const standsOut = (r: Row) => r.oldStale || r.newStale || r.computed === undefined || changed.has(r.instanceType);
  const isOneSided = (r: Row) => onlyOld.has(r.instanceType) || onlyNew.has(r.instanceType);
  const oneSided = v.rows.filter((r) => !standsOut(r) && isOneSided(r));
  // A template for all 1,391 types against AWS's 55 would list 1,300 rows that say nothing wrong.
  const listOneSided = oneSided.length <= ONE_SIDED_ROWS_LIMIT;
  const rows = all ? v.rows : v.rows.filter((r) => standsOut(r) || (listOneSided && isOneSided(r)));
  const mode = Object.keys(v.options).length ? ` (computed with ${JSON.stringify(v.options)})` : '';
  w.push('');
  w.push(`Max pods per instance type: old, new, and computed from today's data with maxPods()${mode}`);
  const facts = [
    plural(v.rows.length, 'type'),
    `${plural(v.staleOld.length, 'old value differs', 'old values differ')} from the data`,
    `${plural(v.staleNew.length, 'new value differs', 'new values differ')} from the data`,
  ];
  if (v.onlyOld.length || v.onlyNew.length) facts.push(`${v.onlyOld.length} only in old`, `${v.onlyNew.length} only in new`);
  if (v.unknown.length) facts.push(`${v.unknown.length} unknown to the data`);
  w.push(`  ${facts.join(', ')}`);
  const width = Math.max(13, ...rows.map((r) => r.instanceType.length));
  const cell = (n: number | undefined) => (n === undefined ? '-' : String(n)).padStart(8);
  if (rows.length) w.push(`  ${'type'.padEnd(width)} ${'old'.padStart(8)} ${'new'.padStart(8)} ${'computed'.padStart(8)}`);
  for (const r of rows) {
    const notes: string[] = [];
    if (r.oldStale) notes.push('old ≠ data');
    if (r.newStale) notes.push('new ≠ data');
    if (onlyOld.has(r.instanceType)) notes.push('only in old');
    if (onlyNew.has(r.instanceType)) notes.push('only in new');
    if (r.note) notes.push(r.note);
    const note = notes.length ? `  ${w.style(r.oldStale || r.newStale ? 'red' : 'yellow', notes.join('; '))}` : '';
    w.push(`  ${r.instanceType.padEnd(width)} ${cell(r.old)} ${cell(r.new)} ${cell(r.computed)}${note}`);
  }
  if (all) return;
  const hiddenOneSided = listOneSided ? 0 : oneSided.length;
  if (hiddenOneSided) {
    const o = oneSided.filter((r) => onlyOld.has(r.instanceType)).length;
    w.push(`  (${hiddenOneSided} types on one side only, values matching the data: ${o} only in old, ${hiddenOneSided - o} only in new; --all lists them)`);
  }
  const hiddenMatching = v.rows.length - rows.length - hiddenOneSided;
  if (rows.length && hiddenMatching > 0) w.push(`  (${hiddenMatching} more types whose values match the data; --all lists them)`);
}

/** One line per Auto Scaling group: what the update does to its running nodes. */
export function nodeUpdateText(n: NodeReplacement): string {
  switch (n.how) {
    case 'rolling': {
      const r = n.rollingUpdate ?? {};
      const waits = r.waitOnResourceSignals === true || r.waitOnResourceSignals === 'true';
      const pause =
        r.pauseTime === undefined
          ? ''
          : waits
            ? `, waiting up to ${flow(r.pauseTime)} for each new node's signal`
            : `, pausing ${flow(r.pauseTime)} after each batch`;
      const types = n.instanceTypes?.length ? `; nodes of ${n.instanceTypes.join(', ')} come back with the new configuration${n.instanceTypes.length < (n.groupTypes ?? 0) ? ", the other types' as they were" : ''}` : '';
      return `every node is replaced, ${flow(r.maxBatchSize)} at a time with at least ${flow(r.minInstancesInService)} in service${pause} (UpdatePolicy AutoScalingRollingUpdate), because ${n.cause}${types}`;
    }
    case 'replacing':
      return `a new Auto Scaling group with new nodes replaces it (UpdatePolicy AutoScalingReplacingUpdate), because ${n.cause}`;
    case 'group-replaced':
      return `the group itself is replaced: CloudFormation creates a new group with new nodes, then deletes the old group and its nodes, because ${n.cause}`;
    case 'new-nodes-only':
      return `running nodes keep their old configuration; only nodes launched later get the change, because ${n.cause} (no update policy applies: replace the nodes, e.g. with an instance refresh, to apply it everywhere)`;
    case 'version-pinned':
      return `its launch template Version is ${flow(n.version)}, not the template's LatestVersionNumber: CloudFormation does not update the group (nor the template's default version), so running nodes and nodes launched later keep the version they use, although ${n.cause.replace(/^its /, "the group's ")}`;
    case 'conditional':
      return `depends on condition ${(n.conditions ?? []).join(', ')} (Fn::If in the group's UpdatePolicy or launch template), because ${n.cause}: render the template with your parameters (eks-nodegroup render) to see which branch applies`;
    case 'not-determined':
      return `not determined here: ${n.cause}; review the stack's change set before updating`;
  }
}

/** One line per architecture whose image changes (or is of the other architecture). */
function imageChangeText(w: Writer, c: ImageChange): string {
  const side = (x: ImageChoice): string =>
    x.imageArchitecture !== undefined && x.imageArchitecture !== c.architecture
      ? `${x.image} (an ${x.imageArchitecture} AMI: EC2 refuses to launch it on ${c.architecture} types)`
      : x.image;
  const types = (x: ImageChoice): string => `${plural(x.types, `${c.architecture} type`)}, e.g. ${x.example}`;
  if (!c.old) return `${w.style('green', '[+]')} ${types(c.new!)}: ${side(c.new!)} (no ${c.architecture} type offered before)`;
  if (!c.new) return `${w.style('red', '[-]')} ${types(c.old)}: no ${c.architecture} type offered any more (was ${side(c.old)})`;
  const same = c.old.image === c.new.image;
  const what = same ? side(c.new) : `${side(c.old)} → ${side(c.new)}`;
  const wrong = c.new.imageArchitecture !== undefined && c.new.imageArchitecture !== c.architecture;
  const note = wrong ? '' : same ? '' : c.old.imageArchitecture !== undefined && c.old.imageArchitecture !== c.architecture ? ': these types can launch now' : ': another AMI, so new nodes';
  return `${w.style(wrong ? 'red' : 'yellow', wrong ? '[!]' : '[~]')} ${types(c.new)}: ${what}${note}`;
}

/** The arguments of the two formatters: a diff as diffTemplates returns it, and options. */
function checkDiff(fn: string, diff: unknown, options: unknown): void {
  // A diff holds parts of both templates (each up to MAX_VALUES and MAX_TEXT, nested a few levels below an entry) and pointers: bounds 4 times one template's.
  checkTree(diff, `${fn}: diff`, { depth: MAX_DEPTH + 10, values: 4 * MAX_VALUES, text: 4 * MAX_TEXT });
  checkTree(options, `${fn}: options`);
  const d = diff as Partial<TemplateDiff> | null;
  if (!isRecord(d) || typeof d.identical !== 'boolean' || !Array.isArray(d.entries) || !isRecord(d.summary)) {
    throw badArgument(fn, 'diff', 'a diff, as diffTemplates returns it', diff);
  }
  if (!isRecord(options)) throw badArgument(fn, 'options', 'an object (or nothing)', options);
}

/** The text report. Ends with a newline. */
export function formatDiffText(diff: TemplateDiff, options: FormatOptions = {}): string {
  checkDiff('formatDiffText', diff, options);
  const w = new Writer(options.color === true);
  if (options.oldLabel || options.newLabel) w.push(`--- ${options.oldLabel ?? 'old'}\n+++ ${options.newLabel ?? 'new'}`);
  if (diff.identical) {
    w.push('The templates are the same to CloudFormation (no differences).');
  } else {
    let section = '';
    for (const e of diff.entries) {
      if (e.section !== section) {
        section = e.section;
        w.push('');
        w.push(w.style('bold', section));
      }
      writeEntry(w, e);
    }
  }
  if (diff.images?.length) {
    w.push('');
    w.push(w.style('bold', "Images (the AMI a node gets by its instance type's architecture, with the parameters' defaults)"));
    for (const c of diff.images) w.push(imageChangeText(w, c));
  }
  if (diff.nodes?.length) {
    w.push('');
    w.push(w.style('bold', 'Nodes'));
    for (const n of diff.nodes) {
      const loud = n.how === 'rolling' || n.how === 'replacing' || n.how === 'group-replaced';
      w.push(`${w.style(loud ? 'red' : 'yellow', '[!]')} ${n.autoScalingGroup}: ${nodeUpdateText(n)}`);
    }
  }
  if (diff.maxPods) writeMaxPods(w, diff.maxPods, options.allMaxPods === true);
  if (diff.permissionsChanged) {
    w.push('');
    w.push(w.style('yellow', 'IAM policies or security-group rules change: review them before updating the stack.'));
  }
  const s = diff.summary;
  w.push('');
  if (diff.truncated) w.push(`Not every value change is listed: a diff lists the first ${MAX_CHANGES} (fewer under very long keys); every entry above is counted.`);
  w.push(diff.identical ? 'Summary: no differences.' : `Summary: ${s.added} added, ${s.removed} removed, ${s.changed} changed.`);
  return w.lines.join('\n') + '\n';
}

/** The JSON report (2-space indent, ends with a newline). */
export function formatDiffJson(diff: TemplateDiff, options: Pick<FormatOptions, 'oldLabel' | 'newLabel'> = {}): string {
  checkDiff('formatDiffJson', diff, options);
  const doc = { old: options.oldLabel, new: options.newLabel, ...diff };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * CloudFormation YAML in both directions.
 *
 * - `toYaml(template)` writes the short-form tags (`!Ref`, `!Sub`, `!GetAtt A.B`, `!If`, …).
 *   YAML allows one tag per node, so a function whose argument is itself a function is written as
 *   a tagged map holding the inner function in long form: `!Base64` over `Fn::Sub: |`. Strings that a
 *   YAML 1.1 reader would take for something else (`"2010-09-09"`, `"yes"`, `"0777"`) are quoted.
 * - `parseTemplate(text)` reads YAML or JSON, short or long form, into the long form
 *   (`{ Ref: X }`, `{ 'Fn::Sub': … }`), so `parseTemplate(toYaml(t))` deep-equals `t`.
 *   Unknown tags, duplicate keys and syntax errors are errors with line and column.
 *
 * Reading and writing use js-yaml (YAML 1.2 core schema to read): it loads and runs several times
 * faster cold than the `yaml` package, which matters for a CLI whose every command reads or writes a
 * 34 KB template. The `yaml` package (eemeli/yaml) is loaded only to map a JSON pointer to a line and
 * column, which only error reports need.
 */
import { closest } from '../util/levenshtein';
import { jsyaml } from './js-yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { EksNodegroupError } from '../errors';
import { setOwn } from '../util/object';

/** Short-form tag names (without `!`) and their long-form keys. */
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

const LONG_TO_TAG: Record<string, string> = Object.fromEntries(Object.entries(INTRINSICS).map(([t, l]) => [l, t]));

/** Limit that stops YAML bombs (aliases that expand into huge trees). */
const MAX_NODES = 2_000_000;

/** True when `v` is a single-key object naming an intrinsic function (`{ Ref: … }`, `{ 'Fn::Sub': … }`). */
export function intrinsicKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && Object.prototype.hasOwnProperty.call(LONG_TO_TAG, keys[0]) ? keys[0] : undefined;
}

// ---------------------------------------------------------------- stringify

/** A short-form function while writing: `tag` without `!`, `arg` what follows the tag. */
class ShortForm {
  constructor(
    readonly tag: string,
    readonly arg: unknown,
  ) {}
}

type Kind = 'scalar' | 'sequence' | 'mapping';

function kindOf(v: unknown): Kind {
  if (Array.isArray(v)) return 'sequence';
  return v !== null && typeof v === 'object' ? 'mapping' : 'scalar';
}

// js-yaml tries every type of the schema on every node it writes, so the write schema has only
// what a template needs: the YAML 1.1 types a reader could mistake a string for (null, bool, int,
// float, timestamp, merge: such strings get quoted), and one multi-tag type per node kind for the
// short forms (`!Ref`, `!Sub`, … named by representName) instead of 60. DEFAULT_SCHEMA's binary,
// omap, pairs and set types are left out: toShortForm never hands the writer a Buffer or a Set.
let writeSchema: jsyaml.Schema | undefined;
/** js-yaml's built-in types (exported by js-yaml, missing from @types/js-yaml). */
const YAML_TYPES = (jsyaml as unknown as { types: Record<'timestamp' | 'merge', jsyaml.Type> }).types;
/** Built on first use (commands that only read never pay for it). */
const WRITE_SCHEMA = (): jsyaml.Schema =>
  (writeSchema ??= jsyaml.CORE_SCHEMA.extend({
    implicit: [YAML_TYPES.timestamp, YAML_TYPES.merge],
    explicit: (['scalar', 'sequence', 'mapping'] as Kind[]).map(
      (kind) =>
        new jsyaml.Type('!', {
          kind,
          multi: true,
          instanceOf: ShortForm,
          predicate: (o: unknown) => kindOf((o as ShortForm).arg) === kind,
          representName: (o: unknown) => `!${(o as ShortForm).tag}`,
          represent: (o: object) => (o as ShortForm).arg as object,
        }),
    ),
  }));

/** Long form → plain data with ShortForm markers where a tag goes. */
function toShortForm(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (v === undefined) throw new EksNodegroupError('BAD_INPUT', 'template holds an undefined value (remove the key or give a value)');
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new EksNodegroupError('BAD_INPUT', `template holds a ${typeof v}, which YAML cannot carry`);
    }
    return v;
  }
  if (Array.isArray(v)) {
    const out = v.map(toShortForm);
    return out.every((x, i) => x === v[i]) ? v : out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return toShortForm((v as { toJSON(): unknown }).toJSON());
  const key = intrinsicKey(v);
  // Kept in long form where no short form reads back the same: a scalar argument that is not text
  // (a tag carries text only: `!Ref 0` reads as "0", `!Ref` as ""), and a GetAtt text that is not
  // Resource.Attribute (the reader refuses it).
  const raw = key ? (v as Record<string, unknown>)[key] : undefined;
  const longOnly = (raw === null || (typeof raw !== 'object' && typeof raw !== 'string')) || (key === 'Fn::GetAtt' && typeof raw === 'string' && !(raw.indexOf('.') >= 1));
  if (key && !longOnly) {
    const arg = (v as Record<string, unknown>)[key];
    const inner = intrinsicKey(arg);
    let out: unknown;
    if (inner) {
      // One tag per node: write the inner function in long form under a tagged map.
      out = { [inner]: toShortForm((arg as Record<string, unknown>)[inner]) };
    } else if (
      key === 'Fn::GetAtt' &&
      Array.isArray(arg) &&
      arg.length === 2 &&
      typeof arg[0] === 'string' &&
      typeof arg[1] === 'string' &&
      arg[0] !== '' &&
      !arg[0].includes('.')
    ) {
      out = `${arg[0]}.${arg[1]}`;
    } else {
      out = toShortForm(arg);
    }
    return new ShortForm(LONG_TO_TAG[key], out);
  }
  // Copied only when something below changes (most of a template, e.g. the max-pods mapping, has
  // no function in it and is written as it is).
  // An object that is not a plain one (a Set, a Map, a class instance) becomes a plain mapping of
  // its own enumerable keys, as before (js-yaml refuses other objects).
  const entries = Object.entries(v as Record<string, unknown>);
  let o: Record<string, unknown> | undefined = Object.getPrototypeOf(v) === Object.prototype ? undefined : {};
  entries.forEach((entry, i) => {
    const k = entry[0];
    const val = entry[1];
    const w = val === undefined ? undefined : toShortForm(val);
    if (o === undefined && (w !== val || val === undefined)) {
      o = {};
      for (const [pk, pv] of entries.slice(0, i)) setOwn(o, pk, pv);
    }
    if (o !== undefined && w !== undefined) setOwn(o, k, w);
  });
  return o ?? v;
}

const TAG_LINE_END = new RegExp(`^( *(?:- )*(?:[^\\s#][^\\n]*?: )?!(?:${Object.keys(INTRINSICS).join('|')})) $`, 'gm');

/** Writes a template (long form) as CloudFormation YAML with short-form tags. Deterministic. */
export function toYaml(template: unknown): string {
  const text = jsyaml.dump(toShortForm(template), { schema: WRITE_SCHEMA(), lineWidth: -1, noRefs: true, indent: 2, quotingType: '"' });
  // js-yaml writes "key: !Tag " before a block collection; drop that trailing space.
  return text.replace(TAG_LINE_END, '$1');
}

// ---------------------------------------------------------------- parse

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ParsedTemplate {
  /** The template in long form. */
  template: Record<string, unknown>;
  /** Line and column (1-based) of the node at a JSON pointer, e.g. `/Resources/NodeGroup/Properties`. */
  locate(pointer: string): SourcePosition | undefined;
}

let readSchema: jsyaml.Schema | undefined;
/** Built on first use (commands that only write never pay for it). */
const READ_SCHEMA = (): jsyaml.Schema =>
  (readSchema ??= jsyaml.CORE_SCHEMA.extend(
    Object.entries(INTRINSICS).flatMap(([name, long]) =>
      (['scalar', 'sequence', 'mapping'] as Kind[]).map(
        (kind) =>
          new jsyaml.Type(`!${name}`, {
            kind,
            construct: (data: unknown) => {
              if (name === 'GetAtt' && kind === 'scalar' && typeof data === 'string') {
                const dot = data.indexOf('.');
                if (dot < 1) throw new Error(`!GetAtt ${data}: expected Resource.Attribute`);
                return { [long]: [data.slice(0, dot), data.slice(dot + 1)] };
              }
              return { [long]: kind === 'scalar' && data === null ? '' : data };
            },
          }),
      ),
    ),
  ));

function parseError(source: string, message: string, pos?: SourcePosition): EksNodegroupError {
  const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
  return new EksNodegroupError('PARSE_ERROR', `${where}: ${message}`);
}

/**
 * Counts the parsed nodes and stops at MAX_NODES, so an alias bomb is refused instead of exhausting
 * memory later. js-yaml returns an alias as the same object as its anchor: when the walk meets an
 * object twice, the data is copied so that each place holds its own value (callers may mutate).
 */
function boundAliases(v: unknown, source: string): unknown {
  let nodes = 0;
  const seen = new Set<object>();
  let shared = false;
  const count = (x: unknown): void => {
    if (++nodes > MAX_NODES) throw parseError(source, `document expands to more than ${MAX_NODES} nodes (a YAML alias bomb?)`);
    if (x === null || typeof x !== 'object') return;
    if (seen.has(x)) shared = true;
    else seen.add(x);
    if (Array.isArray(x)) for (const item of x) count(item);
    else for (const k of Object.keys(x)) count((x as Record<string, unknown>)[k]);
  };
  count(v);
  return shared ? copy(v) : v;
}

function copy(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(copy);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(x)) {
    setOwn(o, k, copy((x as Record<string, unknown>)[k]));
  }
  return o;
}

/**
 * Parses any YAML or JSON document (config files, system-pod lists, templates) with the
 * CloudFormation tags read into long form; syntax errors and YAML bombs are PARSE_ERRORs with
 * line and column.
 */
export function parseYaml(text: string, source = 'input'): unknown {
  if (typeof text !== 'string') throw parseError(source, 'expected text');
  if (text.includes('\u0000')) throw parseError(source, 'binary data, not YAML or JSON');
  let data: unknown;
  try {
    data = jsyaml.load(text, { schema: READ_SCHEMA(), filename: source });
  } catch (e) {
    if (!(e instanceof jsyaml.YAMLException)) throw parseError(source, (e as Error).message);
    const mark = (e as jsyaml.YAMLException & { mark?: { line: number; column: number; position: number } }).mark;
    let reason = e.reason || e.message;
    let pos = mark ? { line: mark.line + 1, col: mark.column + 1 } : undefined;
    const tag = /^unknown tag !<(!?[^>]*)>$/.exec(reason)?.[1];
    if (tag !== undefined) {
      reason = `unknown tag ${tag} (did you mean !${closest(tag.replace(/^!/, ''), Object.keys(INTRINSICS))}? CloudFormation's tags are the short forms of Ref, Condition and the Fn:: functions)`;
      // js-yaml marks the end of the tagged node; point at the tag itself.
      const at = mark ? text.lastIndexOf(tag, mark.position) : -1;
      if (at >= 0) {
        const before = text.slice(0, at);
        pos = { line: before.split('\n').length, col: at - before.lastIndexOf('\n') };
      }
    }
    throw parseError(source, reason, pos);
  }
  // An alias (*name) needs an anchor (&name): without any "&" the text has none to expand.
  return text.includes('&') ? boundAliases(data, source) : data;
}

/** Parses YAML or JSON (short or long form) into the long form, with positions for pointers. */
export function parseTemplateWithSource(text: string, source = 'template'): ParsedTemplate {
  const template = parseYaml(text, source);
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw parseError(source, 'not a CloudFormation template: the document must be a mapping (with Resources)');
  }
  let located: ((pointer: string) => SourcePosition | undefined) | undefined;
  const locate = (pointer: string): SourcePosition | undefined => {
    located ??= positionFinder(text);
    return located(pointer);
  };
  return { template: template as Record<string, unknown>, locate };
}

/** Maps JSON pointers to line:column with the `yaml` package's node ranges (loaded on first use). */
function positionFinder(text: string): (pointer: string) => SourcePosition | undefined {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const Y = require('yaml') as typeof import('yaml');
  const lineCounter = new Y.LineCounter();
  const tags = Object.keys(INTRINSICS).flatMap((name) => [
    { tag: `!${name}`, resolve: (s: string) => s },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (n: unknown) => n },
    { tag: `!${name}`, collection: 'map' as const, resolve: (n: unknown) => n },
  ]);
  const doc: Document = Y.parseDocument(text, { customTags: tags as never, lineCounter, uniqueKeys: false });
  const pos = (offset: number): SourcePosition => lineCounter.linePos(offset);
  return (pointer: string) => {
    const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let n: unknown = doc.contents;
    for (const part of parts) {
      while (Y.isAlias(n)) n = n.resolve(doc);
      const tag = (n as YamlNode | undefined)?.tag;
      if (tag && INTRINSICS[tag.slice(1)] === part) continue; // the long-form key of a tagged node
      if (Y.isMap(n)) {
        const p = n.items.find((i) => Y.isScalar(i.key) && String(i.key.value) === part);
        if (!p) return n.range ? pos(n.range[0]) : undefined;
        n = p.value ?? p.key;
      } else if (Y.isSeq(n)) {
        const item = n.items[Number(part)];
        if (item === undefined) return n.range ? pos(n.range[0]) : undefined;
        n = item;
      } else break;
    }
    const r = (n as YamlNode | undefined)?.range;
    return r ? pos(r[0]) : undefined;
  };
}

/** Parses YAML or JSON (short or long form) into the long form. */
export function parseTemplate(text: string, source = 'template'): Record<string, unknown> {
  return parseTemplateWithSource(text, source).template;
}

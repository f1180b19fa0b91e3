/**
 * CloudFormation YAML in both directions.
 *
 * - `toYaml(template)` writes the short-form tags (`!Ref`, `!Sub`, `!GetAtt A.B`, `!If`, …).
 *   YAML allows one tag per node, so a function whose argument is itself a function is written as
 *   a tagged map holding the inner function in long form: `!Base64` over `Fn::Sub: |`.
 * - `parseTemplate(text)` reads YAML or JSON, short or long form, into the long form
 *   (`{ Ref: X }`, `{ 'Fn::Sub': … }`), so `parseTemplate(toYaml(t))` deep-equals `t`.
 *   Unknown tags, duplicate keys and syntax errors are errors with line and column.
 */
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type Node as YamlNode,
  type Tags,
} from 'yaml';
import { EksNodegroupError } from '../errors';

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

/** Tags that keep the node as it is; the walk below turns tagged nodes into long form. */
const CFN_TAGS: Tags = Object.keys(INTRINSICS).flatMap((name) => [
  { tag: `!${name}`, resolve: (s: string) => s },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (n: unknown) => n },
  { tag: `!${name}`, collection: 'map' as const, resolve: (n: unknown) => n },
]) as Tags;

/** Limits that stop YAML bombs (aliases that expand into huge trees). */
const MAX_ALIAS_EXPANSIONS = 1000;
const MAX_NODES = 2_000_000;

/** True when `v` is a single-key object naming an intrinsic function (`{ Ref: … }`, `{ 'Fn::Sub': … }`). */
export function intrinsicKey(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && LONG_TO_TAG[keys[0]] !== undefined ? keys[0] : undefined;
}

// ---------------------------------------------------------------- stringify

function isPlainScalar(v: unknown): v is string | number | boolean | null {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function scalarNode(v: string | number | boolean | null): Scalar {
  const s = new Scalar(v);
  if (typeof v === 'string' && v.includes('\n')) s.type = Scalar.BLOCK_LITERAL;
  return s;
}

function toNode(v: unknown): YamlNode {
  if (isPlainScalar(v)) return scalarNode(v);
  if (v === undefined) {
    throw new EksNodegroupError('BAD_INPUT', 'template holds an undefined value (remove the key or give a value)');
  }
  if (Array.isArray(v)) {
    const seq = new YAMLSeq();
    seq.items = v.map(toNode);
    return seq;
  }
  if (typeof v !== 'object') {
    throw new EksNodegroupError('BAD_INPUT', `template holds a ${typeof v}, which YAML cannot carry`);
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return toNode((v as { toJSON(): unknown }).toJSON());
  }
  const key = intrinsicKey(v);
  if (key) {
    const tag = `!${LONG_TO_TAG[key]}`;
    const arg = (v as Record<string, unknown>)[key];
    let n: YamlNode;
    const inner = intrinsicKey(arg);
    if (inner) {
      // One tag per node: write the inner function in long form under a tagged map.
      const m = new YAMLMap();
      m.items = [new Pair(new Scalar(inner), toNode((arg as Record<string, unknown>)[inner]))];
      n = m;
    } else if (
      key === 'Fn::GetAtt' &&
      Array.isArray(arg) &&
      arg.length === 2 &&
      typeof arg[0] === 'string' &&
      typeof arg[1] === 'string' &&
      !arg[0].includes('.')
    ) {
      n = new Scalar(`${arg[0]}.${arg[1]}`);
    } else {
      n = toNode(arg);
    }
    n.tag = tag;
    return n;
  }
  const m = new YAMLMap();
  m.items = Object.entries(v as Record<string, unknown>)
    .filter(([, val]) => val !== undefined)
    .map(([k, val]) => new Pair(new Scalar(k), toNode(val)));
  return m;
}

/** Writes a template (long form) as CloudFormation YAML with short-form tags. Deterministic. */
export function toYaml(template: unknown): string {
  const doc = new Document(null, { version: '1.1', customTags: CFN_TAGS });
  doc.contents = toNode(template) as never;
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false } as never);
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

function parseError(source: string, message: string, pos?: SourcePosition): EksNodegroupError {
  const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
  return new EksNodegroupError('PARSE_ERROR', `${where}: ${message}`);
}

/** Parses YAML or JSON (short or long form) into the long form, with positions for pointers. */
export function parseTemplateWithSource(text: string, source = 'template'): ParsedTemplate {
  if (typeof text !== 'string') throw parseError(source, 'expected text');
  if (text.includes('\u0000')) throw parseError(source, 'binary data, not a YAML or JSON template');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { customTags: CFN_TAGS, lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  const pos = (offset: number): SourcePosition => lineCounter.linePos(offset);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const msg = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw parseError(source, msg, pos(problem.pos[0]));
  }
  let aliases = 0;
  let nodes = 0;
  const walk = (n: unknown): unknown => {
    if (++nodes > MAX_NODES) throw parseError(source, `document expands to more than ${MAX_NODES} nodes (a YAML alias bomb?)`);
    if (isAlias(n)) {
      if (++aliases > MAX_ALIAS_EXPANSIONS) {
        throw parseError(source, `more than ${MAX_ALIAS_EXPANSIONS} alias expansions (a YAML alias bomb?)`, pos(n.range?.[0] ?? 0));
      }
      return walk(n.resolve(doc));
    }
    let value: unknown;
    if (isScalar(n)) value = n.value;
    else if (isSeq(n)) value = n.items.map(walk);
    else if (isMap(n)) {
      const o: Record<string, unknown> = {};
      for (const p of n.items) {
        const k = isScalar(p.key) ? p.key.value : walk(p.key);
        if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean') {
          throw parseError(source, 'mapping keys must be plain strings', pos((p.key as YamlNode)?.range?.[0] ?? 0));
        }
        Object.defineProperty(o, String(k), { value: walk(p.value), enumerable: true, writable: true, configurable: true });
      }
      value = o;
    } else if (n === null || n === undefined) value = null;
    else value = n;
    const tag = (n as YamlNode | undefined)?.tag;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      const long = INTRINSICS[tag.slice(1)];
      if (!long) throw parseError(source, `unknown tag ${tag}`, pos((n as YamlNode).range?.[0] ?? 0));
      if (long === 'Fn::GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        if (dot < 1) throw parseError(source, `!GetAtt ${value}: expected Resource.Attribute`, pos((n as YamlNode).range?.[0] ?? 0));
        value = [value.slice(0, dot), value.slice(dot + 1)];
      }
      return { [long]: value };
    }
    return value;
  };
  const template = walk(doc.contents);
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw parseError(source, 'not a CloudFormation template: the document must be a mapping (with Resources)');
  }
  const locate = (pointer: string): SourcePosition | undefined => {
    const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let n: unknown = doc.contents;
    for (const part of parts) {
      while (isAlias(n)) n = n.resolve(doc);
      const tag = (n as YamlNode | undefined)?.tag;
      if (tag && INTRINSICS[tag.slice(1)] === part) continue; // the long-form key of a tagged node
      if (isMap(n)) {
        const p = n.items.find((i) => isScalar(i.key) && String(i.key.value) === part);
        if (!p) return n.range ? pos(n.range[0]) : undefined;
        n = p.value ?? p.key;
      } else if (isSeq(n)) {
        const item = n.items[Number(part)];
        if (item === undefined) return n.range ? pos(n.range[0]) : undefined;
        n = item;
      } else break;
    }
    const r = (n as YamlNode | undefined)?.range;
    return r ? pos(r[0]) : undefined;
  };
  return { template: template as Record<string, unknown>, locate };
}

/** Parses YAML or JSON (short or long form) into the long form. */
export function parseTemplate(text: string, source = 'template'): Record<string, unknown> {
  return parseTemplateWithSource(text, source).template;
}

/**
 * CloudFormation YAML in both directions, with the `yaml` library (eemeli/yaml) and one tag table
 * (lib/core: INTRINSICS).
 *
 * - `toYaml(template)` writes the short-form tags (`!Ref`, `!Sub`, `!GetAtt [A, B]`, `!If`, …).
 *   `!GetAtt` keeps the list form it is given: policy checkers such as cfn-guard read the dotted
 *   short form `!GetAtt A.B` as a plain string.
 *   YAML allows one tag per node, so a function whose argument is itself a function is written as
 *   a tagged map holding the inner function in long form: `!Base64` over `Fn::Sub: |`. Scalars are
 *   quoted as a YAML 1.1 reader needs them (`"2010-09-09"`, `"yes"`, `"0777"`, `"."`).
 * - `parseTemplate(text)` reads YAML (1.2 core schema) or JSON, short or long form, into the long
 *   form (`{ Ref: X }`, `{ 'Fn::Sub': … }`), so `parseTemplate(toYaml(t))` deep-equals `t`. Unknown
 *   tags, duplicate keys and syntax errors are PARSE_ERRORs with line and column.
 */
import {
  Composer,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  Parser,
  Scalar,
  YAMLMap,
  YAMLSeq,
  visit,
  type CollectionTag,
  type CST,
  type Node as YamlNode,
  type ScalarTag,
  type YAMLError,
} from 'yaml';
import { badArgument, EksNodegroupError, fromPointer, hasOwn, INTRINSICS, intrinsicKey, MAX_DEPTH, MAX_TEXT, MAX_VALUES, setOwn, SHORT_FORM, suggest, thrown } from '../core';

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

// ---------------------------------------------------------------- write

/** Values and characters of text written so far (a string shared a thousand times is written a thousand times). */
interface Count {
  n: number;
  text: number;
}

function addText(count: Count, s: string): void {
  count.text += s.length;
  if (count.text > MAX_TEXT) throw new EksNodegroupError('BAD_INPUT', `template holds more than ${MAX_TEXT} characters of text (parts shared over and over?)`);
}

/** A YAML node for `v`; intrinsic functions become tagged nodes. `path` holds the objects above `v`. */
function toNode(v: unknown, path: Set<object>, count: Count): YamlNode {
  if (++count.n > MAX_VALUES) throw new EksNodegroupError('BAD_INPUT', `template holds more than ${MAX_VALUES} values (parts shared over and over?)`);
  if (typeof v === 'string') addText(count, v);
  if (v === null || typeof v !== 'object') {
    if (v === undefined) throw new EksNodegroupError('BAD_INPUT', 'template holds an undefined value (remove the key or give a value)');
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
      throw new EksNodegroupError('BAD_INPUT', `template holds a ${typeof v}, which YAML cannot carry`);
    }
    return new Scalar(v);
  }
  if (path.has(v)) throw new EksNodegroupError('BAD_INPUT', 'template holds a circular reference (an object that contains itself), which YAML cannot carry');
  if (path.size >= MAX_DEPTH) throw new EksNodegroupError('BAD_INPUT', `template nests lists and mappings more than ${MAX_DEPTH} levels deep`);
  path.add(v);
  try {
    if (Array.isArray(v)) {
      const seq = new YAMLSeq();
      for (const item of v) seq.items.push(toNode(item, path, count));
      return seq;
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return toNode((v as { toJSON(): unknown }).toJSON(), path, count);
    const key = intrinsicKey(v);
    const arg = key === undefined ? undefined : (v as Record<string, unknown>)[key];
    // Kept in long form where no short form reads back the same: a scalar argument that is not text
    // (a tag carries text only: `!Ref 0` reads as "0"), and a GetAtt text that is not Resource.Attribute.
    const longOnly = (arg === null || (typeof arg !== 'object' && typeof arg !== 'string')) || (key === 'Fn::GetAtt' && typeof arg === 'string' && !(arg.indexOf('.') >= 1));
    if (key !== undefined && !longOnly) {
      const inner = intrinsicKey(arg);
      let node: YamlNode;
      if (inner !== undefined) {
        // One tag per node: the inner function in long form under a tagged map.
        node = mapOf([[inner, (arg as Record<string, unknown>)[inner]]], path, count);
      } else if (key === 'Fn::GetAtt' && Array.isArray(arg) && arg.every((x) => typeof x === 'string')) {
        const seq = toNode(arg, path, count) as YAMLSeq;
        seq.flow = true;
        node = seq;
      } else {
        node = toNode(arg, path, count);
      }
      node.tag = `!${SHORT_FORM[key]}`;
      return node;
    }
    // Any other object (a Set, a Map, a class instance) is a mapping of its own enumerable keys.
    return mapOf(Object.entries(v), path, count);
  } finally {
    path.delete(v);
  }
}

function mapOf(entries: [string, unknown][], path: Set<object>, count: Count): YAMLMap {
  const map = new YAMLMap();
  for (const [k, x] of entries) {
    if (x === undefined) continue;
    addText(count, k);
    map.items.push(new Pair(new Scalar(k), toNode(x, path, count)));
  }
  return map;
}

/** Writes a template (long form) as CloudFormation YAML with short-form tags. Deterministic. */
export function toYaml(template: unknown): string {
  const doc = new Document(null, { version: '1.1' });
  try {
    doc.contents = toNode(template, new Set(), { n: 0, text: 0 }) as never;
  } catch (e) {
    if (e instanceof EksNodegroupError) throw e;
    // Only the caller's code can throw here: a getter, a proxy's trap, a toJSON method.
    throw new EksNodegroupError('BAD_INPUT', `toYaml: reading the template failed (${thrown(e)}): give plain data`);
  }
  return doc.toString({ lineWidth: 0, directives: false, flowCollectionPadding: false });
}

// ---------------------------------------------------------------- read

/** Every CloudFormation tag, on scalars, sequences and mappings; the node is kept as it is (toJs reads it). */
const CFN_TAGS: (ScalarTag | CollectionTag)[] = Object.keys(INTRINSICS).flatMap((name) => [
  { tag: `!${name}`, resolve: (s: string) => s },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (n: unknown) => n as YAMLSeq },
  { tag: `!${name}`, collection: 'map' as const, resolve: (n: unknown) => n as YAMLMap },
]);

function parseError(source: string, message: string, pos?: SourcePosition): EksNodegroupError {
  return new EksNodegroupError('PARSE_ERROR', `${pos ? `${source}:${pos.line}:${pos.col}` : source}: ${message}`);
}

interface Reader {
  source: string;
  at(offset: number): SourcePosition;
  nodes: number;
  /** Characters of text (scalars, keys) so far, aliases expanded. */
  text: number;
  /** The outermost alias being expanded: what errors of size point at. */
  alias?: YamlNode;
  /** The collections being converted (an alias to one of them is a cycle). */
  open: Set<YamlNode>;
  /** Each alias → the node it names (undefined when no anchor precedes it). */
  aliases: Map<YamlNode, YamlNode | undefined>;
}

/**
 * Each alias's node: the last anchor of its name before it, in document order. One walk
 * (Alias.resolve walks the whole document again for every alias it resolves).
 */
function aliasTargets(doc: Document): Map<YamlNode, YamlNode | undefined> {
  const anchors = new Map<string, YamlNode>();
  const out = new Map<YamlNode, YamlNode | undefined>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) out.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return out;
}

/** The YAML node → plain data, CloudFormation tags → long form. Aliases are expanded (copied). */
function toJs(node: YamlNode | null | undefined, r: Reader): unknown {
  const pos = (n: YamlNode | null | undefined = node): SourcePosition | undefined => (n?.range ? r.at(n.range[0]) : undefined);
  // Past a bound, the alias that expands the document so far (a text over it is refused before parsing).
  const tooLarge = (what: string): EksNodegroupError =>
    parseError(r.source, `${r.alias && isAlias(r.alias) ? `alias *${r.alias.source} expands` : 'expanded'} the document to more than ${what} (a YAML alias bomb?)`, pos(r.alias ?? node));
  if (++r.nodes > MAX_VALUES) throw tooLarge(`${MAX_VALUES} values`);
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = r.aliases.get(node);
    if (target === undefined) throw parseError(r.source, `alias *${node.source} names no anchor`, pos());
    if (r.open.has(target)) throw parseError(r.source, `alias *${node.source} refers to a node that contains it (a cycle)`, pos());
    const outer = r.alias;
    r.alias ??= node;
    const value = toJs(target, r);
    r.alias = outer;
    return value;
  }
  const tag = node.tag !== undefined && node.tag.startsWith('!') && !node.tag.startsWith('!!') ? node.tag.slice(1) : undefined;
  const fn = tag !== undefined && hasOwn(INTRINSICS, tag) ? INTRINSICS[tag] : undefined;
  let value: unknown;
  if (isScalar(node)) {
    value = node.value;
    if (typeof value === 'string' && (r.text += value.length) > MAX_TEXT) throw tooLarge(`${MAX_TEXT} characters of text`);
    if (fn !== undefined) {
      const text = value === null || value === undefined ? '' : String(value);
      if (fn === 'Fn::GetAtt') {
        const dot = text.indexOf('.');
        if (dot < 1) throw parseError(r.source, `!GetAtt ${text}: expected Resource.Attribute`, pos());
        return { [fn]: [text.slice(0, dot), text.slice(dot + 1)] };
      }
      return { [fn]: text };
    }
    return value;
  }
  // Aliases can nest what the text does not: the depth of the expanded value counts.
  if (r.open.size >= MAX_DEPTH) throw parseError(r.source, `lists and mappings nest more than ${MAX_DEPTH} levels deep (through aliases)`, pos());
  r.open.add(node);
  if (isSeq(node)) {
    const out: unknown[] = [];
    for (const item of node.items) out.push(toJs(item as YamlNode, r));
    value = out;
  } else if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = pair.key as YamlNode | null;
      const k = key === null ? 'null' : toJs(key, r);
      if (k !== null && typeof k === 'object') throw parseError(r.source, 'a mapping key must be a scalar, not a list or a mapping', pos(key));
      // One lookup per key (yaml's own check compares each key with every earlier one).
      if (hasOwn(out, String(k))) throw parseError(r.source, `duplicated mapping key ${JSON.stringify(String(k))} (each key may appear once in a mapping)`, pos(key));
      setOwn(out, String(k), toJs(pair.value as YamlNode | null, r));
    }
    value = out;
  }
  r.open.delete(node);
  return fn !== undefined ? { [fn]: value } : value;
}

/**
 * The first collection in the token tree nested deeper than MAX_DEPTH, if any. yaml's composer
 * recurses once per level and V8 aborts the process when a deep recursion compiles a regular
 * expression, so depth is checked on the parser's tokens (an iterative walk) before composing.
 */
function tooDeep(tokens: readonly CST.Token[]): CST.Token | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, depth] = stack.pop()!;
    if (t.type === 'document') {
      if (t.value) stack.push([t.value, depth]);
    } else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth >= MAX_DEPTH) return t;
      for (const item of t.items) {
        const { key, value } = item as { key?: CST.Token | null; value?: CST.Token };
        if (key) stack.push([key, depth + 1]);
        if (value) stack.push([value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Composes every document of `text`, after the depth check; `cfn` adds the CloudFormation tags. */
function documents(text: string, source: string, lineCounter: LineCounter, cfn: boolean): Document[] {
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep) throw parseError(source, `lists and mappings nest more than ${MAX_DEPTH} levels deep`, lineCounter.linePos(deep.offset));
  // Duplicate keys are found by toJs, one lookup per key (yaml's uniqueKeys compares every pair).
  const options = cfn ? { customTags: CFN_TAGS, uniqueKeys: false } : { uniqueKeys: false };
  return [...new Composer(options).compose(tokens, true, text.length)];
}

function firstProblem(errors: readonly YAMLError[], text: string, source: string, at: (offset: number) => SourcePosition): EksNodegroupError {
  const e = errors[0];
  let message = e.message;
  const unknown = /^Unresolved tag: (!\S*)/.exec(message)?.[1];
  if (unknown !== undefined) {
    const [near] = suggest(unknown.replace(/^!/, ''), Object.keys(INTRINSICS), 1);
    message =
      `unknown tag ${unknown} (${near ? `did you mean !${near}? ` : ''}` +
      "CloudFormation's tags are the short forms of Ref, Condition and the Fn:: functions)";
  } else if (e.code === 'DUPLICATE_KEY') {
    message = `duplicated mapping key ${JSON.stringify(text.slice(e.pos[0], e.pos[1]).trim())} (each key may appear once in a mapping)`;
  }
  return parseError(source, message, at(e.pos[0]));
}

/** Parses one YAML or JSON document with the CloudFormation tags; errors are PARSE_ERRORs with line:column. */
function read(text: string, source: string): { value: unknown; locate(pointer: string): SourcePosition | undefined } {
  if (typeof source !== 'string') throw badArgument('parse', 'the source name', 'a string (a file name for messages)', source);
  if (typeof text !== 'string') throw badArgument('parseTemplate', 'text', 'the template text (YAML or JSON)', text);
  if (text.includes('\u0000')) throw parseError(source, 'binary data, not YAML or JSON');
  const lineCounter = new LineCounter();
  const docs = documents(text, source, lineCounter, true);
  const doc = docs[0];
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);
  if (docs.length > 1) throw parseError(source, 'more than one YAML document (a template is one document; remove the "---" line)', docs[1].range ? at(docs[1].range[0]) : undefined);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw firstProblem(problems, text, source, at);
  const aliases = aliasTargets(doc);
  const value = toJs(doc.contents as YamlNode | null, { source, at, nodes: 0, text: 0, open: new Set(), aliases });
  // Each mapping's keys, indexed when first asked (a finding per key of a large mapping).
  const index = new WeakMap<YAMLMap, Map<string, Pair>>();
  const keysOf = (m: YAMLMap): Map<string, Pair> => {
    let k = index.get(m);
    if (!k) {
      k = new Map();
      for (const i of m.items) if (isPair(i) && isScalar(i.key) && !k.has(String(i.key.value))) k.set(String(i.key.value), i as Pair);
      index.set(m, k);
    }
    return k;
  };
  const locate = (pointer: string): SourcePosition | undefined => {
    let n: unknown = doc.contents;
    for (const part of fromPointer(pointer)) {
      if (isAlias(n)) n = aliases.get(n);
      const tag = (n as YamlNode | undefined)?.tag;
      if (tag && INTRINSICS[tag.slice(1)] === part) continue; // the long-form key of a tagged node
      if (isMap(n)) {
        const p = keysOf(n).get(part);
        if (!p) return (n as YamlNode).range ? at((n as YamlNode).range![0]) : undefined;
        n = p.value ?? p.key;
      } else if (isSeq(n)) {
        const item = n.items[Number(part)];
        if (item === undefined) return (n as YamlNode).range ? at((n as YamlNode).range![0]) : undefined;
        n = item;
      } else break;
    }
    const range = (n as YamlNode | undefined)?.range;
    return range ? at(range[0]) : undefined;
  };
  return { value, locate };
}

/**
 * Parses any YAML or JSON document (config files, system-pod lists, templates) with the
 * CloudFormation tags read into long form.
 */
export function parseYaml(text: string, source = 'input'): unknown {
  return read(text, source).value;
}

/** Parses YAML or JSON (short or long form) into the long form, with positions for pointers. */
export function parseTemplateWithSource(text: string, source = 'template'): ParsedTemplate {
  const { value, locate } = read(text, source);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw parseError(source, 'not a CloudFormation template: the document must be a mapping (with Resources)');
  }
  return { template: value as Record<string, unknown>, locate };
}

/** Parses YAML or JSON (short or long form) into the long form. */
export function parseTemplate(text: string, source = 'template'): Record<string, unknown> {
  return parseTemplateWithSource(text, source).template;
}

/** Every document of a plain YAML stream (no CloudFormation tags), e.g. nodeadm NodeConfig user data. */
export function parseYamlDocuments(text: string, source = 'input'): unknown[] {
  if (typeof text !== 'string') throw parseError(String(source), 'expected text');
  const lineCounter = new LineCounter();
  const list = documents(text, source, lineCounter, false);
  const at = (offset: number): SourcePosition => lineCounter.linePos(offset);
  for (const d of list) {
    if (d.errors.length) throw parseError(source, d.errors[0].message, at(d.errors[0].pos[0]));
  }
  return list.map((d) => toJs(d.contents as YamlNode | null, { source, at, nodes: 0, text: 0, open: new Set(), aliases: aliasTargets(d) }));
}

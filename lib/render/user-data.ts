/**
 * User data of a rendered template: find it (launch templates, launch configurations, instances),
 * decode it (Base64), and read the max pods the node's kubelet receives from it, for each format
 * (nodeadm: awslabs/amazon-eks-ami doc/usage/nodeadm.md; Bottlerocket: its settings reference;
 * AL2: awslabs/amazon-eks-ami templates/al2/runtime/bootstrap.sh):
 *
 * - AL2023 nodeadm: MIME multipart with a part `Content-Type: application/node.eks.aws` holding
 *   NodeConfig YAML (YAML 1.2 core schema) → `spec.kubelet.config.maxPods`. A user data
 *   that is a bare NodeConfig document (no MIME) is read the same way.
 * - Bottlerocket: TOML settings → `[settings.kubernetes]` `max-pods`.
 * - AL2: `/etc/eks/bootstrap.sh … --kubelet-extra-args '--max-pods=N'`.
 * - The 2018 AWS template: `sed -i s,MAX_PODS,N,g /etc/systemd/system/kubelet.service`.
 */
import { badArgument, checkTree, EksNodegroupError, isRecord, shown, toPointer } from '../core';
import { parseYamlDocuments } from '../yaml';

/** One piece of user data in a rendered template. */
export interface UserDataEntry {
  /** Logical ID of the resource that carries it. */
  logicalId: string;
  /** Its resource type (AWS::EC2::LaunchTemplate, AWS::AutoScaling::LaunchConfiguration, AWS::EC2::Instance). */
  type: string;
  /** JSON pointer of the UserData property. */
  pointer: string;
  /** The decoded text the instance receives. */
  text: string;
}

/** Where the user data carries the user data property, per resource type. */
const USER_DATA_PATHS: Readonly<Record<string, readonly string[]>> = {
  'AWS::EC2::LaunchTemplate': ['Properties', 'LaunchTemplateData', 'UserData'],
  'AWS::AutoScaling::LaunchConfiguration': ['Properties', 'UserData'],
  'AWS::EC2::Instance': ['Properties', 'UserData'],
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes Base64 user data (as Fn::Base64 produces it); `where` names it in errors. */
export function decodeUserData(value: unknown, where = 'UserData'): string {
  if (typeof value !== 'string') {
    throw new EksNodegroupError('BAD_INPUT', `${where} is not a string after rendering (got ${shown(value)})`);
  }
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new EksNodegroupError(
      'BAD_INPUT',
      `${where} is not Base64 (EC2 needs user data Base64-encoded: wrap it in Fn::Base64); it starts ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * The decoded user data of every launch template (and launch configuration or instance) in a
 * rendered template, in template order. Resources without UserData are skipped.
 */
export function userDataOf(rendered: { Resources?: Record<string, unknown> }): UserDataEntry[] {
  checkTree(rendered, 'userDataOf: rendered');
  if (!isRecord(rendered)) throw badArgument('userDataOf', 'rendered', 'a rendered template, as renderTemplate returns it', rendered);
  const out: UserDataEntry[] = [];
  const resources = rendered?.Resources ?? {};
  for (const [id, res] of Object.entries(resources)) {
    const type = (res as { Type?: unknown })?.Type;
    if (typeof type !== 'string') continue;
    const path = USER_DATA_PATHS[type];
    if (!path) continue;
    let v: unknown = res;
    for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v === undefined) continue;
    const pointer = toPointer(['Resources', id, ...path]);
    out.push({ logicalId: id, type, pointer, text: decodeUserData(v, `${id} UserData`) });
  }
  return out;
}

// ---------------------------------------------------------------- max pods

export type UserDataFormat = 'nodeadm' | 'bottlerocket' | 'bootstrap.sh' | 'kubelet-sed' | 'unknown';

export interface UserDataMaxPods {
  /** The user data's format. */
  format: UserDataFormat;
  /** kubelet maxPods the user data sets; undefined when it sets none (the node decides). */
  maxPods?: number;
  /** nodeadm `spec.kubelet.maxPodsExpression`, when set (evaluated on the node). */
  maxPodsExpression?: string;
  /** Where the value was found, in words (e.g. `NodeConfig spec.kubelet.config.maxPods`). */
  source?: string;
}

interface MimePart {
  headers: Record<string, string>;
  body: string;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = block.split('\n');
  let last: string | undefined;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      headers[last] += ' ' + line.trim(); // folded header
      continue;
    }
    const m = /^([A-Za-z0-9-]+):(.*)$/s.exec(line); // the value trimmed below (`:\s*(.*)$` backtracks quadratically)
    if (m) {
      last = m[1].toLowerCase();
      headers[last] = m[2].trim();
    }
  }
  return headers;
}

/** Splits a MIME message into header block and body; undefined when the text has no headers. */
function splitMessage(text: string): MimePart | undefined {
  const t = text.replace(/\r\n/g, '\n');
  const end = t.indexOf('\n\n');
  const head = end < 0 ? t : t.slice(0, end);
  if (!/^[A-Za-z0-9-]+:/.test(head)) return undefined;
  return { headers: parseHeaders(head), body: end < 0 ? '' : t.slice(end + 2) };
}

function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\//i.test(contentType)) return undefined;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? m[1] ?? m[2] : undefined;
}

/**
 * Most levels of multipart in one user data (real ones have 1 or 2): each level is read again
 * whole, so 100 levels of 750 KB took 4.6 s, and 6,000 overflowed the stack.
 */
const MAX_MIME_DEPTH = 10;

/** The leaf parts of a MIME multipart message (nested multiparts flattened), or undefined. */
function mimeParts(text: string, depth = 1): MimePart[] | undefined {
  const msg = splitMessage(text);
  const boundary = boundaryOf(msg?.headers['content-type']);
  if (!msg || !boundary) return undefined;
  const parts: MimePart[] = [];
  const lines = msg.body.split('\n');
  let current: string[] | undefined;
  const flush = (): void => {
    if (!current) return;
    const raw = current.join('\n');
    // A part without headers starts with its blank line.
    const part = (raw.startsWith('\n') ? undefined : splitMessage(raw)) ?? { headers: {}, body: raw.replace(/^\n/, '') };
    if (boundaryOf(part.headers['content-type']) && depth >= MAX_MIME_DEPTH) {
      throw new EksNodegroupError('BAD_INPUT', `user data: MIME multipart parts nest more than ${MAX_MIME_DEPTH} levels deep (the most this tool reads; real user data nests 1 or 2)`);
    }
    const nested = boundaryOf(part.headers['content-type']) ? mimeParts(raw, depth + 1) : undefined;
    if (nested) parts.push(...nested);
    else parts.push(part);
  };
  for (const line of lines) {
    const l = line.trimEnd();
    if (l === `--${boundary}--`) {
      flush();
      current = undefined;
      break;
    }
    if (l === `--${boundary}`) {
      flush();
      current = [];
      continue;
    }
    current?.push(line);
  }
  return parts;
}

/** maxPods from NodeConfig YAML documents (later documents win, as nodeadm merges them in order). */
function nodeConfigMaxPods(yamlText: string, where: string, result: UserDataMaxPods): boolean {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(yamlText, 'NodeConfig');
  } catch (e) {
    throw new EksNodegroupError('PARSE_ERROR', `${where}: NodeConfig is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  let found = false;
  for (const doc of docs) {
    const v = doc as { kind?: unknown; spec?: { kubelet?: { config?: Record<string, unknown>; maxPodsExpression?: unknown } } } | null;
    if (!v || v.kind !== 'NodeConfig') continue;
    found = true;
    const kubelet = v.spec?.kubelet;
    const mp = kubelet?.config?.maxPods;
    if (mp !== undefined) {
      if (typeof mp !== 'number' || !Number.isInteger(mp) || mp < 1) {
        throw new EksNodegroupError('BAD_INPUT', `${where}: NodeConfig spec.kubelet.config.maxPods must be a whole number ≥ 1, got ${JSON.stringify(mp)}`);
      }
      result.maxPods = mp;
      result.source = `${where}: NodeConfig spec.kubelet.config.maxPods`;
    }
    if (typeof kubelet?.maxPodsExpression === 'string') result.maxPodsExpression = kubelet.maxPodsExpression;
  }
  return found;
}

/** A TOML key path: bare or quoted keys joined by dots. */
function tomlKeyPath(s: string): string[] | undefined {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < s.length && (re.lastIndex = pos, (m = re.exec(s)))) {
    parts.push(m[1] ?? m[2] ?? m[3]);
    pos = re.lastIndex;
    if (m[4] === '') break;
  }
  return pos >= s.length && parts.length ? parts : undefined;
}

/**
 * A TOML `key = value` line as [key, value]: the key is quoted strings and bare characters up to
 * the first `=` outside quotes. A scan: the one regex for it backtracked quadratically on long keys.
 */
function tomlKeyValue(line: string): [string, string] | undefined {
  const token = /"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-]+/y;
  let at = 0;
  while (at < line.length && line[at] !== '=') {
    token.lastIndex = at;
    if (!token.exec(line)) return undefined;
    at = token.lastIndex;
  }
  return at > 0 && at < line.length ? [line.slice(0, at).trimEnd(), line.slice(at + 1).trimStart()] : undefined;
}

/**
 * Bottlerocket settings: the value of `settings.kubernetes.max-pods` in TOML, whether written
 * under `[settings.kubernetes]`, under `[settings]` as `kubernetes.max-pods`, or as a dotted key.
 * Reads tables, dotted keys and integer values only — all that this one setting needs.
 */
function bottlerocketMaxPods(text: string, result: UserDataMaxPods): boolean {
  let table: string[] = [];
  let sawSettings = false;
  let inMultiline: string | undefined;
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = undefined;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?([^\]]+)\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = tomlKeyPath(header[1]) ?? [];
      if (table[0] === 'settings') sawSettings = true;
      continue;
    }
    const eq = tomlKeyValue(line);
    if (!eq) continue;
    const key = tomlKeyPath(eq[0]);
    const value = eq[1];
    const ml = /^("""|''')/.exec(value);
    if (ml && !value.slice(3).includes(ml[1])) {
      inMultiline = ml[1];
      continue;
    }
    if (!key) continue;
    const full = [...table, ...key];
    if (full[0] === 'settings') sawSettings = true;
    if (full.join('\u0000') === ['settings', 'kubernetes', 'max-pods'].join('\u0000')) {
      const num = /^([+]?[0-9][0-9_]*)\s*(#.*)?$/.exec(value);
      if (!num) throw new EksNodegroupError('BAD_INPUT', `Bottlerocket settings.kubernetes.max-pods must be a whole number, got ${value}`);
      result.maxPods = Number(num[1].replace(/_/g, ''));
      result.source = 'Bottlerocket TOML [settings.kubernetes] max-pods';
    }
  }
  return sawSettings;
}

/** bootstrap.sh command lines (continuations joined) and their --max-pods. */
function shellMaxPods(script: string, result: UserDataMaxPods): UserDataFormat | undefined {
  const joined = script.replace(/\r\n/g, '\n').replace(/\\\n/g, ' ');
  let format: UserDataFormat | undefined;
  for (const line of joined.split('\n')) {
    if (/bootstrap\.sh\b/.test(line) && !/^\s*#/.test(line)) {
      format = 'bootstrap.sh';
      const m = /(?:^|[\s'"])--max-pods(?:=|\s+)['"]?(\d+)/.exec(line);
      if (m) {
        result.maxPods = Number(m[1]);
        result.source = 'bootstrap.sh --kubelet-extra-args --max-pods';
      }
    }
    const sed = /\bs,MAX_PODS,(\d+),g\b/.exec(line);
    if (sed) {
      format ??= 'kubelet-sed';
      result.maxPods = Number(sed[1]);
      result.source = 'sed s,MAX_PODS,N,g on kubelet.service';
    }
  }
  return format;
}

/**
 * The kubelet max pods a node receives from its (decoded) user data, and the format. `maxPods`
 * is undefined when the user data sets none (e.g. AWS's AL2023 template: nodeadm then computes
 * it on the node).
 */
export function maxPodsFromUserData(text: string): UserDataMaxPods {
  if (typeof text !== 'string') throw new EksNodegroupError('BAD_INPUT', `user data must be text, got ${shown(text)}`);
  const result: UserDataMaxPods = { format: 'unknown' };
  const parts = mimeParts(text);
  if (parts) {
    let format: UserDataFormat | undefined;
    parts.forEach((p, i) => {
      const type = (p.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
      const where = `MIME part ${i + 1} (${type})`;
      if (type === 'application/node.eks.aws') {
        if (nodeConfigMaxPods(p.body, where, result)) format = 'nodeadm';
      } else if (type === 'text/x-shellscript') {
        const f = shellMaxPods(p.body, result);
        if (f && !format) format = f;
      }
    });
    result.format = format ?? 'unknown';
    return result;
  }
  if (/\bkind:\s*NodeConfig\b/.test(text) && !/^#!/.test(text.trimStart())) {
    if (nodeConfigMaxPods(text, 'user data', result)) {
      result.format = 'nodeadm';
      return result;
    }
  }
  if (/^#!/.test(text.trimStart())) {
    result.format = shellMaxPods(text, result) ?? 'unknown';
    return result;
  }
  if (bottlerocketMaxPods(text, result)) {
    result.format = 'bottlerocket';
    return result;
  }
  result.format = shellMaxPods(text, result) ?? 'unknown';
  return result;
}

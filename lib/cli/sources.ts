/**
 * Where a template comes from: a file, an https:// URL, or `aws:<date>` — AWS's published
 * `amazon-eks/cloudformation/<date>/amazon-eks-nodegroup.yaml` in S3. Downloads have a timeout and
 * a size limit; `aws:<date>` downloads are cached (AWS never changes a dated object), written only
 * after the text passed the caller's check, and atomically.
 *
 * Environment (tests point these at a local server and a temporary folder):
 * - EKS_NODEGROUP_AWS_BASE_URL: base URL for aws:<date> (default AWS's S3 bucket in us-west-2);
 * - EKS_NODEGROUP_CACHE_DIR: cache folder (default $XDG_CACHE_HOME/eks-nodegroup, else
 *   ~/.cache/eks-nodegroup).
 * Plain http:// is refused except for the loopback address (127.0.0.1, ::1, localhost).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { badArgument, checkTree, EksNodegroupError } from '../core';
import { decodeText, readTextFile, writeFileAtomic } from './files';

export const AWS_TEMPLATE_BASE_URL = 'https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation';
export const AWS_TEMPLATE_FILE = 'amazon-eks-nodegroup.yaml';
export const DEFAULT_TIMEOUT_MS = 20_000;
/** Templates are at most 1 MB (CloudFormation's limit from S3); allow some slack. */
export const MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024;

type Env = Record<string, string | undefined>;

export interface SourceOptions {
  /** Folder relative paths resolve against (default process.cwd()). */
  cwd?: string;
  env?: Env;
  timeoutMs?: number;
  /** Ignore a cached copy and download again (the new copy replaces it). */
  refresh?: boolean;
}

export interface LoadedSource<T> {
  value: T;
  /** What the user gave (path, URL or aws:<date>). */
  label: string;
  kind: 'file' | 'url' | 'aws';
  /** The URL downloaded (url and aws kinds). */
  url?: string;
  /** True when an aws:<date> template came from the cache. */
  cached?: boolean;
}

/** The https URL of AWS's template for a date (YYYY-MM-DD). */
export function awsTemplateUrl(date: string, env: Env = process.env): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const valid = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
  if (!valid) {
    throw new EksNodegroupError(
      'BAD_OPTION',
      `invalid value for aws:<date>: ${JSON.stringify(date)} (allowed: a publication date YYYY-MM-DD of AWS's template, e.g. aws:2022-12-23)`,
    );
  }
  const base = (env.EKS_NODEGROUP_AWS_BASE_URL || AWS_TEMPLATE_BASE_URL).replace(/\/+$/, '');
  return `${base}/${date}/${AWS_TEMPLATE_FILE}`;
}

/** The cache folder (not created here). */
export function cacheDir(env: Env = process.env): string {
  if (env.EKS_NODEGROUP_CACHE_DIR) return path.resolve(env.EKS_NODEGROUP_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'eks-nodegroup');
  return path.join(env.HOME || os.homedir(), '.cache', 'eks-nodegroup');
}

function cacheFile(url: string, date: string, env: Env): string {
  const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return path.join(cacheDir(env), 'templates', `${date}.${key}.yaml`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function checkUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new EksNodegroupError('BAD_INPUT', `${raw}: not a valid URL`);
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return u;
  throw new EksNodegroupError(
    'BAD_INPUT',
    `${raw}: only https:// URLs are downloaded (plain http:// only from 127.0.0.1); download the file yourself and give its path`,
  );
}

function networkReason(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (offline, or a wrong address?)';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (code) return `${code}${err.cause?.message ? `: ${err.cause.message}` : ''}`;
  return err.cause?.message ?? err.message ?? String(e);
}

/** Downloads text from an https:// (or loopback http://) URL, with a timeout and a size limit. */
export async function downloadText(raw: string, timeoutMs = DEFAULT_TIMEOUT_MS, label = raw): Promise<string> {
  const u = checkUrl(raw);
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const timeoutError = () =>
    new EksNodegroupError('READ_ERROR', `cannot download ${label}: no complete answer from ${u.host} within ${seconds} (raise --timeout, or download the file and give its path)`);
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(u, { signal, redirect: 'follow', headers: { accept: 'text/yaml, application/json, text/plain, */*' } });
  } catch (e) {
    if ((e as Error)?.name === 'TimeoutError' || signal.aborted) throw timeoutError();
    throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: ${networkReason(e)}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_DOWNLOAD_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: ${declared} bytes is over the ${MAX_DOWNLOAD_BYTES}-byte limit for a template`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_DOWNLOAD_BYTES) {
        throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: more than ${MAX_DOWNLOAD_BYTES} bytes, too large for a template`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof EksNodegroupError) throw e;
    if ((e as Error)?.name === 'TimeoutError' || signal.aborted) throw timeoutError();
    throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: ${networkReason(e)}`);
  }
  const buf = Buffer.concat(chunks);
  if (buf.includes(0)) throw new EksNodegroupError('READ_ERROR', `cannot download ${label}: the answer is binary data, not a template`);
  return decodeText(buf, `the download of ${label}`);
}

/**
 * Reads a template source and passes its text to `check` (which parses it and throws on bad
 * input). `spec` is a path, an https:// URL or aws:<date>.
 */
export async function loadSource<T>(spec: string, check: (text: string, label: string) => T, options: SourceOptions = {}): Promise<LoadedSource<T>> {
  if (typeof spec !== 'string' || spec === '') throw badArgument('loadSource', 'spec', 'a path, an https:// URL or aws:<date>', spec);
  if (typeof check !== 'function') throw badArgument('loadSource', 'check', 'a function (text, label) that parses the text', check);
  checkTree(options, 'loadSource: options', { opaque: true });
  if (options === null || typeof options !== 'object') throw badArgument('loadSource', 'options', 'an object (or nothing)', options);
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (spec.startsWith('aws:')) {
    const date = spec.slice(4);
    const url = awsTemplateUrl(date, env);
    const file = cacheFile(url, date, env);
    if (!options.refresh && fs.existsSync(file)) {
      try {
        return { value: check(readTextFile(file), `${spec} (cached ${file})`), label: spec, kind: 'aws', url, cached: true };
      } catch {
        // A damaged cached copy: download it again below (the new copy replaces it).
      }
    }
    let text: string;
    try {
      text = await downloadText(url, timeoutMs, `${spec} (${url})`);
    } catch (e) {
      if (e instanceof EksNodegroupError && /HTTP (403|404)\b/.test(e.message)) {
        throw new EksNodegroupError(
          'READ_ERROR',
          `${e.message}: AWS publishes no node-group template for ${date} (check the date against the EKS user guide's "launch self-managed Amazon Linux nodes" page)`,
        );
      }
      throw e;
    }
    const value = check(text, `${spec} (${url})`);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomic(file, text);
    } catch {
      // A cache that cannot be written (read-only home) only costs a download next time.
    }
    return { value, label: spec, kind: 'aws', url, cached: false };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    const text = await downloadText(spec, timeoutMs);
    return { value: check(text, spec), label: spec, kind: 'url', url: spec };
  }
  const file = path.resolve(options.cwd ?? process.cwd(), spec);
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    if (e instanceof EksNodegroupError) throw new EksNodegroupError(e.code, e.message.replace(file, spec), e.exitCode);
    throw e;
  }
  return { value: check(text, spec), label: spec, kind: 'file' };
}

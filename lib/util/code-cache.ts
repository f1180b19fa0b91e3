/**
 * V8 code cache for the few big modules every command loads (the 1 MB precompiled ajv validator,
 * js-yaml's single-file build, the instance data), so that a cold CLI run does not parse and
 * compile them again.
 *
 * Node 22 has this built in (`module.enableCompileCache()`); Node 20, which this package supports,
 * has not. So `npm run build` writes `dist/code-cache/<name>.v8cache` for each such module: V8 code
 * cache created *after* a representative run (scripts/build-code-cache.ts), so it also holds the
 * functions compiled lazily during that run, not only the top level. `requireCached(file, name)`
 * uses it when it belongs to exactly this source text and this Node build; otherwise, or
 * when V8 itself rejects it (other V8 version or flags), the module compiles as usual: slower,
 * same result. Nothing is written at run time.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** dist/code-cache (this file is dist/lib/util/code-cache.js). */
export const CODE_CACHE_DIR = path.resolve(__dirname, '..', '..', 'code-cache');

const cacheFile = (name: string): string => path.join(CODE_CACHE_DIR, `${name}.v8cache`);

/**
 * What happened to a module's code cache when it was loaded: used; refused by V8 (other version or
 * flags); not for this source, Node build or damaged (header mismatch); no cache file.
 */
export type CodeCacheStatus = 'accepted' | 'rejected' | 'stale' | 'absent';

interface Loaded {
  name: string;
  exports: unknown;
  script: vm.Script;
  source: Buffer;
  status: CodeCacheStatus;
}

const loaded = new Map<string, Loaded>();

/**
 * A cache file is one header line, then V8's cache data. The header names the Node build and the
 * SHA-256 of the module's source and of the data: V8 identifies the source by its length only,
 * and in release builds does not check its data, so a damaged cache could crash the process.
 */
function header(source: Buffer, data: Buffer): Buffer {
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  return Buffer.from(`eks-nodegroup code cache; node ${process.version} ${process.arch} v8 ${process.versions.v8}; source ${sha(source)}; data ${sha(data)}\n`, 'latin1');
}

/**
 * `require(file)` for a self-contained CommonJS module, using the code cache `name` when it fits.
 * Each file is loaded once; later calls return the same exports.
 */
export function requireCached<T>(file: string, name: string): T {
  const abs = path.resolve(file);
  const done = loaded.get(abs);
  if (done) return done.exports as T;
  const source = fs.readFileSync(abs);
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = 'absent';
  try {
    const buf = fs.readFileSync(cacheFile(name));
    const eol = buf.indexOf(10);
    const data = buf.subarray(eol + 1);
    if (eol > 0 && data.length > 0 && buf.subarray(0, eol + 1).equals(header(source, data))) cachedData = data;
    else status = 'stale';
  } catch {
    /* no cache: compile as usual */
  }
  const script = new vm.Script(wrap(source.toString('utf8').replace(/^#!.*/, '')), { filename: abs, cachedData });
  if (cachedData) status = script.cachedDataRejected ? 'rejected' : 'accepted';
  const mod = { exports: {} as unknown, id: abs, filename: abs, loaded: false };
  const fn = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(mod.exports, mod.exports, createRequire(abs), mod, abs, path.dirname(abs));
  mod.loaded = true;
  loaded.set(abs, { name, exports: mod.exports, script, source, status });
  return mod.exports as T;
}

/** Whether `file`'s code cache was used (undefined: not loaded through requireCached in this process). */
export function codeCacheStatus(file: string): CodeCacheStatus | undefined {
  return loaded.get(path.resolve(file))?.status;
}

/**
 * Writes the code cache of every module loaded through requireCached in this process, with the
 * code V8 holds for it now (call after a representative run). Returns the files written.
 */
export function writeCodeCaches(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { writeFileAtomic } = require('./fs') as typeof import('./fs');
  fs.mkdirSync(CODE_CACHE_DIR, { recursive: true });
  const written: string[] = [];
  for (const { name, script, source } of [...loaded.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const data = script.createCachedData();
    writeFileAtomic(cacheFile(name), Buffer.concat([header(source, data), data]));
    written.push(cacheFile(name));
  }
  return written;
}

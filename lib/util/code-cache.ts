/**
 * V8 code cache for the big modules the commands load (the 0.9 MB precompiled ajv validator,
 * js-yaml's single-file build, the instance data, cloudformation-diff's ~45 files), so that a
 * cold CLI run does not parse and compile them again.
 *
 * Node 22 has this built in (`module.enableCompileCache()`); Node 20, which this package supports,
 * has not. So `npm run build` writes `dist/code-cache/<name>.v8cache` for each such module: V8 code
 * cache created *after* a representative run (scripts/build-code-cache.ts), so it also holds the
 * functions compiled lazily during that run, not only the top level. `requireCached(file, name)`
 * and `withCodeCache(group, load)` use a cache only when it belongs to exactly this source text
 * and this Node build; otherwise, or when V8 itself rejects it (other V8 version or flags), the
 * module compiles as usual: slower, same result. Nothing is written at run time. (So the caches
 * in a published package help only on the Node build that made them; `npm ci` in a checkout makes
 * its own.)
 */
import * as fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { crc32 } from 'node:zlib';

/** dist/code-cache (this file is dist/lib/util/code-cache.js). */
export const CODE_CACHE_DIR = path.resolve(__dirname, '..', '..', 'code-cache');

const cacheFile = (name: string): string => path.join(CODE_CACHE_DIR, `${name}.v8cache`);

/**
 * What happened to a module's code cache when it was loaded: used; refused by V8 (other version or
 * flags); not for this source, Node build or damaged (header mismatch); no cache file.
 */
export type CodeCacheStatus = 'accepted' | 'rejected' | 'stale' | 'absent';

interface Compiled {
  /** Cache name (file dist/code-cache/<name>.v8cache). */
  name: string;
  script: vm.Script;
  /** Length and CRC-32 of the compiled text. */
  sourceSum: string;
  status: CodeCacheStatus;
}

/** Every module compiled through this file in this process, by file name (both APIs). */
const compiled = new Map<string, Compiled>();
/** The exports of the modules requireCached loaded, by file name. */
const exportsOf = new Map<string, unknown>();

/** Byte length and CRC-32 of a text or buffer (zlib's: loads in half the time of node:crypto). */
function checksum(b: Buffer | string): string {
  return sum(typeof b === 'string' ? Buffer.byteLength(b) : b.length, crc32(b));
}

const sum = (length: number, crc: number): string => `${length} ${crc.toString(16).padStart(8, '0')}`;

/** A module's text in Node's CommonJS wrapper (a `#!` line removed), and its checksum as UTF-8. */
function wrapText(source: string): { text: string; sourceSum: string } {
  const text = wrap(source.replace(/^#!.*/, ''));
  return { text, sourceSum: checksum(text) };
}

/**
 * wrapText for a module file's bytes when they are UTF-8 without a `#!` line, with the checksum
 * computed on the bytes (the same value, without encoding a 0.9 MB string again); an ASCII file is
 * decoded as one-byte text, faster than UTF-8 decoding and the same string. Undefined for other
 * files (wrapText on their decoded text).
 */
function wrapUtf8File(bytes: Buffer): { text: string; sourceSum: string } | undefined {
  const ascii = isAscii(bytes);
  if ((bytes[0] === 0x23 && bytes[1] === 0x21) || !(ascii || isUtf8(bytes))) return undefined;
  const text = wrap(ascii ? bytes.toString('latin1') : bytes.toString('utf8'));
  const [head, tail] = wrap('\0').split('\0');
  return { text, sourceSum: sum(head.length + bytes.length + tail.length, crc32(tail, crc32(bytes, crc32(head)))) };
}

/** The part of the header that names the Node build (compared first: no checksum is computed for another build's cache). */
const BUILD = `eks-nodegroup code cache; node ${process.version} ${process.arch} v8 ${process.versions.v8}; `;

/**
 * A cache file is one header line, then V8's cache data. The header names the Node build and the
 * length and CRC-32 of the compiled text (the module in Node's CommonJS wrapper) and of the data:
 * V8 identifies the source by its length only, and in release builds does not check its data, so a
 * damaged cache could crash the process. (A checksum, not a defence against tampering: whoever can
 * write dist/ can change the code itself.)
 */
function header(sourceSum: string, data: Buffer): Buffer {
  return Buffer.from(`${BUILD}source ${sourceSum}; data ${checksum(data)}\n`, 'latin1');
}

/** Compiles `source` (text or a file's bytes) in Node's CommonJS wrapper, with the cache `name` when it fits. */
function compile(source: string | Buffer, filename: string, name: (sourceSum: string) => string): Compiled {
  const { text, sourceSum } = typeof source === 'string' ? wrapText(source) : (wrapUtf8File(source) ?? wrapText(source.toString('utf8')));
  const cacheName = name(sourceSum);
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = 'absent';
  try {
    const buf = fs.readFileSync(cacheFile(cacheName));
    status = 'stale';
    const eol = buf.indexOf(10);
    if (eol > 0 && buf.subarray(0, BUILD.length).toString('latin1') === BUILD) {
      const data = buf.subarray(eol + 1);
      if (data.length > 0 && buf.subarray(0, eol + 1).equals(header(sourceSum, data))) cachedData = data;
    }
  } catch {
    /* no cache: compile as usual */
  }
  // importModuleDynamically: import() inside the module works as in a module Node loads itself.
  const script = new vm.Script(text, { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (cachedData) status = script.cachedDataRejected ? 'rejected' : 'accepted';
  return { name: cacheName, script, sourceSum, status };
}

type Wrapper = (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;

/**
 * `require(file)` for a self-contained CommonJS module (it may require packages, not rely on
 * module identity), using the code cache `name` when it fits. Each file is loaded once; later
 * calls return the same exports. When `file` is not there (the package was bundled, e.g. with
 * esbuild for a Lambda), `fallback` loads it: give it the plain `require` of the same module, which
 * bundlers can see.
 */
export function requireCached<T>(file: string, name: string, fallback?: () => T): T {
  const abs = path.resolve(file);
  if (exportsOf.has(abs)) return exportsOf.get(abs) as T;
  let source: Buffer;
  try {
    source = fs.readFileSync(abs);
  } catch (e) {
    if (fallback && (e as NodeJS.ErrnoException).code === 'ENOENT') return fallback();
    throw e;
  }
  const c = compile(source, abs, () => name);
  const mod = { exports: {} as unknown, id: abs, filename: abs, loaded: false };
  (c.script.runInThisContext() as Wrapper).call(mod.exports, mod.exports, createRequire(abs), mod, abs, path.dirname(abs));
  mod.loaded = true;
  compiled.set(abs, c);
  exportsOf.set(abs, mod.exports);
  return mod.exports as T;
}

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
}
type CompileStep = (this: CompilingModule, content: string, filename: string, format?: string) => unknown;

/**
 * Runs `load` (a `require` of a package without a single-file build, such as
 * @aws-cdk/cloudformation-diff: some 45 files) with every CommonJS module it compiles using a code
 * cache under `<group>/`, one per source text (named by file name, length and CRC-32). For the
 * duration of the call, Node's CommonJS compile step (Module.prototype._compile, the hook
 * v8-compile-cache and ts-node use) is replaced by one that does what Node's does with a cache; an
 * ES module, or a file the wrapper cannot compile, goes to Node's own step. Restored afterwards,
 * also on errors.
 */
export function withCodeCache<T>(group: string, load: () => T): T {
  const proto = (require('node:module') as { prototype: { _compile: CompileStep } }).prototype;
  const original = proto._compile;
  proto._compile = function (this: CompilingModule, content: string, filename: string, format?: string): unknown {
    if (format !== undefined && format !== 'commonjs') return original.call(this, content, filename, format);
    let c: Compiled;
    try {
      c = compile(content, filename, (sum) => `${group}/${path.basename(filename, '.js')}-${sum.replace(' ', '-')}`);
    } catch {
      // Not plain CommonJS to this wrapper (e.g. ES module syntax Node detects): Node decides.
      return original.call(this, content, filename, format);
    }
    compiled.set(filename, c);
    const base = createRequire(filename);
    const req = Object.assign((id: string) => this.require(id), { resolve: base.resolve, cache: base.cache, extensions: base.extensions, main: require.main }) as NodeJS.Require;
    return (c.script.runInThisContext() as Wrapper).call(this.exports, this.exports, req, this, filename, path.dirname(filename));
  };
  try {
    return load();
  } finally {
    proto._compile = original;
  }
}

/** Whether `file`'s code cache was used (undefined: not loaded through this file in this process). */
export function codeCacheStatus(file: string): CodeCacheStatus | undefined {
  return compiled.get(path.resolve(file))?.status;
}

/**
 * Writes the code cache of every module loaded through requireCached or withCodeCache in this
 * process, with the code V8 holds for it now (call after a representative run). Returns the files
 * written.
 */
export function writeCodeCaches(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { writeFileAtomic } = require('./fs') as typeof import('./fs');
  const written: string[] = [];
  for (const { name, script, sourceSum } of [...compiled.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const data = script.createCachedData();
    const file = cacheFile(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, Buffer.concat([header(sourceSum, data), data]));
    written.push(file);
  }
  return written;
}

/**
 * V8 code cache for the big modules the commands load (the 0.9 MB precompiled ajv validator,
 * js-yaml's single-file build, the instance data, cloudformation-diff's ~45 files) and for the
 * CLI modules of the commands that load the template stages, so that a cold CLI run does not
 * parse and compile them again.
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
 *
 * How a cache is known to fit: its header names the Node build and the length and CRC-32 of the
 * source text and of the cache data (see `header`). Computing those sums costs little, but zlib's
 * crc32 is the only fast one Node 20 has, and loading zlib loads Node's stream code (~4 ms of a
 * ~120 ms `gen`). So the build also records each file's stamp in `stamps.json` (see `Stamps`), and a
 * module whose source and cache still have the stamps recorded when the cache was written (and
 * whose text compiled is its file's) is trusted without the sums, as git trusts its index; any
 * other compares the sums as before, unless no cache of its length made by this Node build exists.
 * The hook of withCodeCache does not do what Node's own compile step adds for
 * `--enable-source-maps` or policies (this package ships no source maps and no policy).
 */
import * as fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire, wrap } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** dist/code-cache (this file is dist/lib/util/code-cache.js). */
export const CODE_CACHE_DIR = path.resolve(__dirname, '..', '..', 'code-cache');

/** The withCodeCache group of the CLI's own modules (the commands that load the template stages: lib/cli/index.ts). */
export const CLI_CODE_CACHE = 'cli';

const cacheFile = (name: string): string => path.join(CODE_CACHE_DIR, `${name}.v8cache`);

/**
 * What happened to a module's code cache when it was loaded: used; refused by V8 (other version or
 * flags); not for this source, Node build or damaged (header mismatch); no cache file.
 */
export type CodeCacheStatus = 'accepted' | 'rejected' | 'stale' | 'absent';

interface Compiled {
  /** Cache name (file dist/code-cache/<name>.v8cache; computed when asked). */
  name(): string;
  script: vm.Script;
  /** The compiled text. */
  text: string;
  /** Length and CRC-32 of the compiled text (computed when asked). */
  sourceSum(): string;
  status: CodeCacheStatus;
  /** How the cache given to V8 was found to fit. */
  checkedBy?: 'stamp' | 'checksum';
}

/** Every module compiled through this file in this process, by file name (both APIs). */
const compiled = new Map<string, Compiled>();
/** The exports of the modules requireCached loaded, by file name. */
const exportsOf = new Map<string, unknown>();

/**
 * zlib's CRC-32 (loads in half the time of node:crypto), loaded on first use: a run whose caches
 * all match their stamps never loads zlib.
 */
function crc32(data: Buffer | string, value?: number): number {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('node:zlib') as typeof import('node:zlib')).crc32(data, value);
}

/** Byte length and CRC-32 of a text or buffer. */
function checksum(b: Buffer | string): string {
  return sum(typeof b === 'string' ? Buffer.byteLength(b) : b.length, crc32(b));
}

const sum = (length: number, crc: number): string => `${length} ${crc.toString(16).padStart(8, '0')}`;

/** A module's text in Node's CommonJS wrapper (a `#!` line removed); its checksum as UTF-8, computed when asked. */
interface Wrapped {
  text: string;
  /** Length of the text as UTF-8 (the first part of its checksum and of a group cache's name). */
  byteLength: number;
  sourceSum(): string;
}

function wrapText(source: string): Wrapped {
  const text = wrap(source.replace(/^#!.*/, ''));
  return { text, byteLength: Buffer.byteLength(text), sourceSum: () => checksum(text) };
}

/**
 * wrapText for a module file's bytes. When they are UTF-8 without a `#!` line, the checksum is
 * computed on the bytes (the same value, without encoding a 0.9 MB string again), and an ASCII file
 * is decoded as one-byte text, faster than UTF-8 decoding and the same string. Other files: wrapText
 * of their text as Node decodes it.
 */
function wrapFile(bytes: Buffer): Wrapped {
  const ascii = isAscii(bytes);
  if ((bytes[0] === 0x23 && bytes[1] === 0x21) || !(ascii || isUtf8(bytes))) return wrapText(bytes.toString('utf8'));
  const text = wrap(ascii ? bytes.toString('latin1') : bytes.toString('utf8'));
  const [head, tail] = wrap('\0').split('\0');
  const byteLength = head.length + bytes.length + tail.length;
  return { text, byteLength, sourceSum: () => sum(byteLength, crc32(tail, crc32(bytes, crc32(head)))) };
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

/** V8's data in a cache file made by this Node build (header not checked further); undefined for any other file. */
function cacheData(buf: Buffer): Buffer | undefined {
  const eol = buf.indexOf(10);
  if (eol <= 0 || buf.subarray(0, BUILD.length).toString('latin1') !== BUILD || eol + 1 >= buf.length) return undefined;
  return buf.subarray(eol + 1);
}

// ---------------------------------------------------------------- stamps

/**
 * A file's stamp: device, inode, size, and modification and change times in nanoseconds. Writing
 * a file changes its change time (ctime), which no tool can set back (`touch`, `cp -p` and tar set
 * only the modification time); a file replaced by another has another inode. So a file with the
 * stamp it had when recorded has not been written since, provided the recording was made after
 * the file system clock had moved past the file's change time (see writeCodeCaches: git's index
 * has the same "racy" case and the same remedy).
 */
const stampOf = (st: fs.BigIntStats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;

/**
 * A file's bytes and its stamp taken after reading them (so a write before or during the read
 * shows in the stamp). `steady` (for recording a stamp): also stamped before the read, and
 * `steady` false when the two differ (written while read).
 */
function readStamped(file: string, steady = false): { bytes: Buffer; stamp: string; ctimeNs: bigint; steady: boolean } {
  const fd = fs.openSync(file, 'r');
  try {
    const before = steady ? stampOf(fs.fstatSync(fd, { bigint: true })) : undefined;
    const bytes = fs.readFileSync(fd);
    const st = fs.fstatSync(fd, { bigint: true });
    const stamp = stampOf(st);
    return { bytes, stamp, ctimeNs: st.ctimeNs, steady: before === undefined || before === stamp };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * stamps.json, written with the caches: for each module file (by path relative to the cache
 * folder), its cache's name and the stamps the module and the cache file had when the cache was
 * written, for this Node build.
 */
interface StampEntry {
  cache: string;
  source: string;
  data: string;
}
interface Stamps {
  build: string;
  files: Record<string, StampEntry>;
}

const STAMPS_FILE = path.join(CODE_CACHE_DIR, 'stamps.json');
const stampKey = (file: string): string => path.relative(CODE_CACHE_DIR, file);

/** The recorded stamps of this Node build's caches (none when stamps.json is missing, unreadable or for another build). */
function readStamps(): Map<string, StampEntry> {
  const out = new Map<string, StampEntry>();
  try {
    const s = JSON.parse(fs.readFileSync(STAMPS_FILE, 'utf8')) as Partial<Stamps> | null;
    if (s?.build !== BUILD || !s.files || typeof s.files !== 'object') return out;
    for (const [key, e] of Object.entries(s.files)) {
      if (e && typeof e.cache === 'string' && typeof e.source === 'string' && typeof e.data === 'string') out.set(key, e);
    }
  } catch {
    /* none, or not readable */
  }
  return out;
}

let stamps: Map<string, StampEntry> | undefined;

/**
 * The cache of `file` when stamps.json has an entry for it, and the file and the cache file still
 * have the stamps recorded: no checksum needed. Undefined otherwise.
 */
function stampedCache(file: string, sourceStamp: string): { name: string; data: Buffer } | undefined {
  stamps ??= readStamps();
  const entry = stamps.get(stampKey(file));
  if (entry?.source !== sourceStamp) return undefined;
  try {
    const { bytes, stamp } = readStamped(cacheFile(entry.cache));
    const data = stamp === entry.data ? cacheData(bytes) : undefined;
    return data && { name: entry.cache, data };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- compile

/** Where a module's cache is: a name given (requireCached), or a group folder and the file's base name (withCodeCache). */
type Naming = { name: string } | { group: string; base: string };

const nameOf = (naming: Naming, sourceSum: string): string =>
  'name' in naming ? naming.name : `${naming.group}/${naming.base}-${sourceSum.replace(' ', '-')}`;

const groupFiles = new Map<string, string[]>();

/**
 * Whether a cache made by this Node build may exist for a text of `byteLength` bytes, found
 * without the checksum (which loads zlib): the named cache, or in a group a cache named with the
 * base name and this length. Only then is the checksum worth computing. 'other': there are such
 * files, none made by this Node build (or not caches at all).
 */
function mayHaveCache(naming: Naming, byteLength: number): 'yes' | 'other' | 'no' {
  let files: string[];
  if ('name' in naming) files = [cacheFile(naming.name)];
  else {
    let all = groupFiles.get(naming.group);
    if (!all) {
      try {
        all = fs.readdirSync(path.join(CODE_CACHE_DIR, naming.group));
      } catch {
        all = [];
      }
      groupFiles.set(naming.group, all);
    }
    const prefix = `${naming.base}-${byteLength}-`;
    files = all.filter((f) => f.startsWith(prefix)).map((f) => path.join(CODE_CACHE_DIR, naming.group, f));
  }
  let found: 'other' | 'no' = 'no';
  for (const f of files) {
    let fd: number;
    try {
      fd = fs.openSync(f, 'r');
    } catch {
      continue;
    }
    found = 'other';
    try {
      const head = Buffer.alloc(BUILD.length);
      if (fs.readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === BUILD) return 'yes';
    } catch {
      /* unreadable: not ours */
    } finally {
      fs.closeSync(fd);
    }
  }
  return found;
}

/**
 * Compiles `source` (a file's bytes, or the text Node read) in Node's CommonJS wrapper, with a
 * code cache when one fits. `disk` is the module file's bytes and its stamp after reading them;
 * when the text compiled is the file's text (something may have transformed it on the way), the
 * cache stamps.json names for the file is used if both still have their recorded stamps.
 * Otherwise the cache of this text's name is used if its header has this source's and data's
 * checksums; and when no cache of that length made by this Node build exists, none is looked for.
 */
function compile(source: string | Buffer, filename: string, naming: Naming, disk?: { bytes: Buffer; stamp: string }): Compiled {
  const wrapped = typeof source === 'string' ? wrapText(source) : wrapFile(source);
  const { text, sourceSum } = wrapped;
  // Compared as bytes (no text decoded or flattened): the file's, and the text's as UTF-8.
  const sameAsDisk =
    disk !== undefined && (source === disk.bytes || (typeof source === 'string' && Buffer.byteLength(source) === disk.bytes.length && disk.bytes.equals(Buffer.from(source))));
  const stamped = sameAsDisk ? stampedCache(filename, disk.stamp) : undefined;
  let cacheName: string | undefined;
  let cachedData: Buffer | undefined;
  let status: CodeCacheStatus = 'absent';
  const candidates = stamped ? undefined : mayHaveCache(naming, wrapped.byteLength);
  if (stamped) {
    ({ name: cacheName, data: cachedData } = stamped);
  } else if (candidates === 'other') {
    status = 'stale';
  } else if (candidates === 'yes') {
    const sum = sourceSum();
    cacheName = nameOf(naming, sum);
    try {
      const buf = fs.readFileSync(cacheFile(cacheName));
      status = 'stale';
      const data = cacheData(buf);
      if (data && buf.subarray(0, buf.length - data.length).equals(header(sum, data))) cachedData = data;
    } catch {
      /* no cache for this text */
    }
  }
  // importModuleDynamically: import() inside the module works as in a module Node loads itself.
  const script = new vm.Script(text, { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (cachedData) status = script.cachedDataRejected ? 'rejected' : 'accepted';
  const known = cacheName;
  return {
    name: () => known ?? nameOf(naming, sourceSum()),
    script,
    text,
    sourceSum,
    status,
    checkedBy: cachedData ? (stamped ? 'stamp' : 'checksum') : undefined,
  };
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
  let source: { bytes: Buffer; stamp: string };
  try {
    source = readStamped(abs);
  } catch (e) {
    if (fallback && (e as NodeJS.ErrnoException).code === 'ENOENT') return fallback();
    throw e;
  }
  const c = compile(source.bytes, abs, { name }, source);
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
      // The file read again, and stamped after: compile() trusts stamps only when its text is
      // `content` (a require hook such as a coverage tool may have changed it on the way).
      let disk: { bytes: Buffer; stamp: string } | undefined;
      try {
        disk = readStamped(filename);
      } catch {
        disk = undefined;
      }
      c = compile(content, filename, { group, base: path.basename(filename, '.js') }, disk);
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

/** How `file`'s code cache was found to fit: its stamps, or its checksums (undefined: no cache used). */
export function codeCacheCheckedBy(file: string): 'stamp' | 'checksum' | undefined {
  return compiled.get(path.resolve(file))?.checkedBy;
}

/** readStamped(file, steady) when the file was not written while read; undefined otherwise or when unreadable. */
function readSteady(file: string): ReturnType<typeof readStamped> | undefined {
  try {
    const r = readStamped(file, true);
    return r.steady ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the code cache of every module loaded through requireCached or withCodeCache in this
 * process, with the code V8 holds for it now (call after a representative run), and records the
 * stamps of each module and its cache in stamps.json. Returns the cache files written.
 *
 * A stamp is recorded only when it can tell a later write: the file holds the text compiled, was
 * not written while being read, and its change time is older than the file system's clock at the
 * recording (a write in the same clock tick, of the same size, would keep the stamp; as git does
 * for its index, stamps.json is written after the clock has moved past every file recorded). A
 * module without a stamp is checked by its checksums.
 */
export function writeCodeCaches(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { writeFileAtomic } = require('./fs') as typeof import('./fs');
  // One cache per name: two files with the same text (a package installed twice) share it.
  const byName = new Map<string, { filename: string; c: Compiled }[]>();
  for (const [filename, c] of compiled) {
    const name = c.name();
    byName.set(name, [...(byName.get(name) ?? []), { filename, c }]);
  }
  const written: string[] = [];
  for (const [name, [{ c }]] of byName) {
    const data = c.script.createCachedData();
    const file = cacheFile(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, Buffer.concat([header(c.sourceSum(), data), data]));
    written.push(file);
  }
  groupFiles.clear();

  // Entries of earlier writes stay while their cache files do (tests write caches of their own).
  const files = new Map([...readStamps()].filter(([, e]) => fs.existsSync(cacheFile(e.cache))));
  const recorded: [string, StampEntry, bigint][] = [];
  for (const [name, users] of byName) {
    const cache = readSteady(cacheFile(name));
    for (const { filename, c } of users) {
      const key = stampKey(filename);
      files.delete(key);
      const source = readSteady(filename);
      if (!cache || !source || wrapFile(source.bytes).text !== c.text) continue;
      recorded.push([key, { cache: name, source: source.stamp, data: cache.stamp }, source.ctimeNs > cache.ctimeNs ? source.ctimeNs : cache.ctimeNs]);
    }
  }
  fs.mkdirSync(CODE_CACHE_DIR, { recursive: true });
  const newest = recorded.reduce((m, [, , t]) => (t > m ? t : m), 0n);
  // The file system's clock is the change time of a file just written: wait (a few ms, at most 2 s)
  // until it is past every recorded change time; a stamp not older than it is not recorded.
  let clock = 0n;
  for (let i = 0; i < 400; i++) {
    writeFileAtomic(STAMPS_FILE, '{}\n');
    clock = fs.statSync(STAMPS_FILE, { bigint: true }).ctimeNs;
    if (clock > newest) break;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
  for (const [key, entry, ctime] of recorded) if (ctime < clock) files.set(key, entry);
  const sorted = Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileAtomic(STAMPS_FILE, `${JSON.stringify({ build: BUILD, files: sorted } satisfies Stamps, null, 1)}\n`);
  stamps = undefined;
  return written.sort();
}

/**
 * The V8 code cache of lib/util/code-cache.ts: the build's caches are used by a fresh process, and
 * a cache is never used for other source text (even of the same length, which V8 alone would
 * accept), when damaged, or when V8 rejects it; in every case the module's own code runs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { wrap } from 'node:module';
import { CODE_CACHE_DIR } from '../lib/util/code-cache';
import { ROOT, tempDir } from './helpers';

const CODE_CACHE_JS = path.join(ROOT, 'dist', 'lib', 'util', 'code-cache.js');

/** Runs `code` in a fresh node process (requireCached's state is per process); returns the lines of its stdout (or stderr). */
function fresh(code: string, stream: 'stdout' | 'stderr' = 'stdout'): string[] {
  const r = spawnSync(process.execPath, ['-e', `const cc = require(${JSON.stringify(CODE_CACHE_JS)});\n${code}`], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  return r[stream].trim().split('\n');
}

/** The specs write caches (and stamps) of their own next to the build's: stamps.json is put back after. */
function keepStampsFile(): void {
  let saved: Buffer | undefined;
  before(() => {
    saved = fs.readFileSync(path.join(CODE_CACHE_DIR, 'stamps.json'));
  });
  after(() => {
    if (saved) fs.writeFileSync(path.join(CODE_CACHE_DIR, 'stamps.json'), saved);
  });
}

describe('code cache', function () {
  this.timeout(60_000);
  keepStampsFile();

  it('a fresh process uses the caches npm run build wrote (validator, options validator, instance data, js-yaml, cloudformation-diff, jsdiff)', () => {
    const out = fresh(`
      const lib = require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'index.js'))});
      const t = lib.buildNodeGroupTemplate({ amiFamily: 'al2023' }); // an option, so the options validator loads
      const text = lib.toYaml(t);
      const findings = lib.validateTemplate(lib.parseTemplate(text), { text });
      const dist = ${JSON.stringify(path.join(ROOT, 'dist', 'lib'))};
      for (const f of ['validate/generated/validator.js', 'nodegroup/options-validator.generated.js', 'instance-types/data.js']) {
        console.log(f + ' ' + cc.codeCacheStatus(require('path').join(dist, f)));
      }
      console.log('js-yaml ' + cc.codeCacheStatus(require('path').join(require.resolve('js-yaml'), '..', 'dist', 'js-yaml.js')));
      console.log('errors ' + findings.filter((f) => f.severity === 'error').length);
      const al2 = lib.buildNodeGroupTemplate({ amiFamily: 'al2' });
      // Every file so far has the stamp the build recorded: no checksum was computed, zlib not loaded
      // (cloudformation-diff, below, loads zlib itself for its gzipped database).
      console.log('zlib loaded ' + process.moduleLoadList.includes('NativeModule zlib'));
      const d = lib.diffTemplates(al2, t);
      console.log('changed resources ' + ((d.summary.bySection.Resources || {}).changed > 0));
      for (const f of ['@aws-cdk/cloudformation-diff/lib/diff-template.js', 'diff']) {
        console.log(f + ' ' + cc.codeCacheStatus(require.resolve(f)));
      }
      const files = [...['validate/generated/validator.js', 'nodegroup/options-validator.generated.js', 'instance-types/data.js'].map((f) => require('path').join(dist, f)),
        require('path').join(require.resolve('js-yaml'), '..', 'dist', 'js-yaml.js'), require.resolve('@aws-cdk/cloudformation-diff/lib/diff-template.js'), require.resolve('diff')];
      console.log('checked by ' + [...new Set(files.map((f) => cc.codeCacheCheckedBy(f)))].join(' '));
    `);
    expect(out).to.deep.equal([
      'validate/generated/validator.js accepted',
      'nodegroup/options-validator.generated.js accepted',
      'instance-types/data.js accepted',
      'js-yaml accepted',
      'errors 0',
      'zlib loaded false',
      'changed resources true',
      '@aws-cdk/cloudformation-diff/lib/diff-template.js accepted',
      'diff accepted',
      'checked by stamp',
    ]);
  });

  it('gen through the bin compiles the modules it loads from the build\'s caches (group cli)', () => {
    const bin = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');
    const out = path.join(tempDir('eks-nodegroup-code-cache-bin-'), 'nodegroup.yaml');
    const lines = fresh(`
      process.argv = [process.argv[0], ${JSON.stringify(bin)}, 'gen', '-o', ${JSON.stringify(out)}];
      process.stdout.write = () => true; // gen's own report
      require(${JSON.stringify(bin)});
      process.on('exit', () => {
        const lib = ${JSON.stringify(path.join(ROOT, 'dist', 'lib'))};
        for (const f of ['cli/commands/gen.js', 'nodegroup/index.js', 'yaml/index.js', 'validate/checks.js']) {
          const file = require('path').join(lib, f);
          console.error(f + ' ' + cc.codeCacheStatus(file) + ' ' + cc.codeCacheCheckedBy(file));
        }
      });
    `, 'stderr');
    expect(lines).to.deep.equal(['cli/commands/gen.js', 'nodegroup/index.js', 'yaml/index.js', 'validate/checks.js'].map((f) => `${f} accepted stamp`));
    expect(fs.readFileSync(out, 'utf8')).to.equal(fs.readFileSync(path.join(ROOT, 'templates', 'nodegroup.yaml'), 'utf8'));
  });

  describe('a cache made for one source', () => {
    const dir = tempDir('eks-nodegroup-code-cache-');
    const mod = path.join(dir, 'mod.js');
    const name = `spec-${process.pid}`;
    const cacheFile = path.join(CODE_CACHE_DIR, `${name}.v8cache`);
    const load = `const m = cc.requireCached(${JSON.stringify(mod)}, ${JSON.stringify(name)}); console.log(m.answer() + ' ' + cc.codeCacheStatus(${JSON.stringify(mod)}));`;
    const source = (n: number) => `"use strict";\nfunction answer() { return ${n} * 2; }\nmodule.exports = { answer, dirname: __dirname };\n`;

    before(() => {
      fs.writeFileSync(mod, source(21));
      fs.rmSync(cacheFile, { force: true });
    });
    after(() => fs.rmSync(cacheFile, { force: true }));

    it('is absent at first, then written after a run and accepted by the next process', () => {
      expect(fresh(`${load} cc.writeCodeCaches();`)).to.deep.equal(['42 absent']);
      expect(fs.existsSync(cacheFile)).to.equal(true);
      expect(fresh(load)).to.deep.equal(['42 accepted']);
      expect(fresh(`console.log(cc.requireCached(${JSON.stringify(mod)}, ${JSON.stringify(name)}).dirname)`)).to.deep.equal([dir]);
    });

    describe('stamps', () => {
      const loadBy = `${load} console.log(cc.codeCacheCheckedBy(${JSON.stringify(mod)}) + ' ' + process.moduleLoadList.includes('NativeModule zlib'));`;
      const stampsFile = path.join(CODE_CACHE_DIR, 'stamps.json');
      /**
       * After a write to `file`, makes stamps.json record the device, inode, size and modification
       * time `file` has now, and the change time it had: as a write that kept the size and set the
       * modification time back (`touch -r`, `cp -p`, tar) would look, told only by the change time.
       */
      const onlyCtimeTells = (file: string, field: 'source' | 'data') => {
        const stamps = JSON.parse(fs.readFileSync(stampsFile, 'utf8'));
        const entry = stamps.files[path.relative(CODE_CACHE_DIR, mod)];
        const [, , , , ctime] = entry[field].split(':');
        const st = fs.statSync(file, { bigint: true });
        entry[field] = [st.dev, st.ino, st.size, st.mtimeNs, ctime].join(':');
        fs.writeFileSync(stampsFile, JSON.stringify(stamps));
      };

      beforeEach(() => {
        fs.writeFileSync(mod, source(21));
        fresh(`${load} cc.writeCodeCaches();`);
      });

      it('a module and cache unchanged since the cache was written are trusted by their stamps: no checksum, zlib not loaded', () => {
        expect(fresh(loadBy)).to.deep.equal(['42 accepted', 'stamp false']);
      });

      it('a module stamps.json has no entry for (no cache was written): compiled without one, no checksum, zlib not loaded', () => {
        const other = path.join(dir, 'never-cached.js');
        fs.writeFileSync(other, source(5));
        const run = `const m = cc.requireCached(${JSON.stringify(other)}, 'spec-never-cached-${process.pid}');
          console.log(m.answer() + ' ' + cc.codeCacheStatus(${JSON.stringify(other)}) + ' ' + process.moduleLoadList.includes('NativeModule zlib'));`;
        expect(fresh(run)).to.deep.equal(['10 absent false']);
      });

      it('a module written again (same text, new stamp): the checksums decide, and accept the cache', () => {
        fs.writeFileSync(mod, source(21));
        expect(fresh(loadBy)).to.deep.equal(['42 accepted', 'checksum true']);
      });

      it('a module changed in place with its size and modification time kept: the change time tells, the new code runs', () => {
        fs.writeFileSync(mod, source(12));
        onlyCtimeTells(mod, 'source');
        expect(fresh(loadBy)).to.deep.equal(['24 stale', 'undefined true']);
      });

      it('a cache damaged in place with its size and modification time kept: the change time tells, the module still runs', () => {
        const damaged = fs.readFileSync(cacheFile);
        for (let i = damaged.length - 64; i < damaged.length; i++) damaged[i] ^= 0xff;
        fs.writeFileSync(cacheFile, damaged);
        onlyCtimeTells(cacheFile, 'data');
        expect(fresh(loadBy)).to.deep.equal(['42 stale', 'undefined true']);
      });

      it('a module replaced by another file (a new inode) of the same text: the checksums decide', () => {
        const tmp = `${mod}.tmp`;
        fs.writeFileSync(tmp, source(21));
        fs.renameSync(tmp, mod);
        expect(fresh(loadBy)).to.deep.equal(['42 accepted', 'checksum true']);
      });

      it('stamps.json missing or not JSON: the checksums decide', () => {
        const saved = fs.readFileSync(stampsFile);
        try {
          fs.writeFileSync(stampsFile, '{ not json');
          expect(fresh(loadBy)).to.deep.equal(['42 accepted', 'checksum true']);
          fs.rmSync(stampsFile);
          expect(fresh(loadBy)).to.deep.equal(['42 accepted', 'checksum true']);
        } finally {
          fs.writeFileSync(stampsFile, saved);
        }
      });
    });

    it('is not used for a changed source of the same length: the new code runs', () => {
      const changed = source(12);
      expect(changed.length).to.equal(source(21).length);
      fs.writeFileSync(mod, changed);
      expect(fresh(load)).to.deep.equal(['24 stale']);
      fs.writeFileSync(mod, source(21));
    });

    it('is not used when damaged (V8 would not notice, and could crash): the module still runs', () => {
      fresh(`${load} cc.writeCodeCaches();`);
      const good = fs.readFileSync(cacheFile);
      const damaged = Buffer.from(good);
      for (let i = damaged.length - 64; i < damaged.length; i++) damaged[i] ^= 0xff;
      fs.writeFileSync(cacheFile, damaged);
      expect(fresh(load)).to.deep.equal(['42 stale']);
      fs.writeFileSync(cacheFile, good.subarray(0, good.length - 100)); // truncated
      expect(fresh(load)).to.deep.equal(['42 stale']);
      fs.writeFileSync(cacheFile, 'not a cache');
      expect(fresh(load)).to.deep.equal(['42 stale']);
    });

    it('is refused by V8 when its data belongs to another script (header intact): the module still runs', () => {
      // V8 checks its data against the script (as it does against its version and flags): data made
      // for another script passes our header check and is refused by V8 itself.
      const other = fresh(`const vm = require('vm'); console.log(new vm.Script('1').createCachedData().toString('base64'))`)[0];
      const data = Buffer.from(other, 'base64');
      const text = wrap(fs.readFileSync(mod, 'utf8'));
      const { crc32 } = require('node:zlib') as { crc32(b: Buffer | string): number };
      const sum = (b: Buffer | string): string => `${Buffer.byteLength(b)} ${crc32(b).toString(16).padStart(8, '0')}`;
      const head = `eks-nodegroup code cache; node ${process.version} ${process.arch} v8 ${process.versions.v8}; source ${sum(text)}; data ${sum(data)}\n`;
      fs.writeFileSync(cacheFile, Buffer.concat([Buffer.from(head, 'latin1'), data]));
      expect(fresh(load)).to.deep.equal(['42 rejected']);
    });

    it('made by another Node build is not used (its header says so); the module still runs', () => {
      fresh(`${load} cc.writeCodeCaches();`);
      const good = fs.readFileSync(cacheFile);
      fs.writeFileSync(cacheFile, Buffer.from(good.toString('latin1').replace(`node ${process.version} `, 'node v18.0.0 '), 'latin1'));
      // Found to be another build's by its header alone: no checksum computed, zlib not loaded.
      expect(fresh(`${load} console.log(process.moduleLoadList.includes('NativeModule zlib'))`)).to.deep.equal(['42 stale', 'false']);
    });

    it('a module with non-ASCII text, a #! line or bytes that are not UTF-8 is read as Node reads it; its header sums the wrapped text as UTF-8', () => {
      const { crc32 } = require('node:zlib') as { crc32(b: Buffer | string): number };
      const variants: Array<[string, Buffer]> = [
        ['utf8', Buffer.from(`"use strict";\nmodule.exports = { answer: () => 'ünïcode → ✓ 𝄞' };\n`)],
        ['shebang', Buffer.from(`#!/usr/bin/env node\n"use strict";\nmodule.exports = { answer: () => 'plain' };\n`)],
        // Not valid UTF-8 (a lone 0xFF, as in a Latin-1 file): read as Node reads it, U+FFFD.
        ['latin1', Buffer.concat([Buffer.from(`"use strict";\nmodule.exports = { answer: () => '`), Buffer.from([0xff, 0xc3]), Buffer.from(`' };\n`)])],
      ];
      for (const [label, bytes] of variants) {
        const file = path.join(dir, `${label}.js`);
        const cacheName = `${name}-${label}`;
        const text = bytes.toString('utf8');
        const run = `const m = cc.requireCached(${JSON.stringify(file)}, ${JSON.stringify(cacheName)}); console.log(JSON.stringify(m.answer()) + ' ' + cc.codeCacheStatus(${JSON.stringify(file)}));`;
        fs.writeFileSync(file, bytes);
        const expected = JSON.stringify(require(file).answer());
        try {
          expect(fresh(`${run} cc.writeCodeCaches();`), label).to.deep.equal([`${expected} absent`]);
          expect(fresh(run), label).to.deep.equal([`${expected} accepted`]);
          const wrapped = Buffer.from(wrap(text.replace(/^#!.*/, '')), 'utf8');
          const header = fs.readFileSync(path.join(CODE_CACHE_DIR, `${cacheName}.v8cache`), 'latin1').split('\n')[0];
          expect(header, label).to.include(`; source ${wrapped.length} ${crc32(wrapped).toString(16).padStart(8, '0')}; `);
        } finally {
          fs.rmSync(path.join(CODE_CACHE_DIR, `${cacheName}.v8cache`), { force: true });
        }
      }
    });

    it('a missing module file falls back to the given loader (a bundled package); without one the error stands', () => {
      const gone = path.join(dir, 'gone.js');
      expect(fresh(`console.log(cc.requireCached(${JSON.stringify(gone)}, 'spec-gone', () => 'fallback'))`)).to.deep.equal(['fallback']);
      const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CODE_CACHE_JS)}).requireCached(${JSON.stringify(gone)}, 'spec-gone')`], { encoding: 'utf8' });
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.include('ENOENT');
    });
  });
});

describe('code cache for a module graph (withCodeCache)', function () {
  this.timeout(60_000);
  keepStampsFile();
  const dir = tempDir('eks-nodegroup-code-cache-graph-');
  const group = `spec-graph-${process.pid}`;
  const groupDir = path.join(CODE_CACHE_DIR, group);
  const a = path.join(dir, 'a.js');
  const b = path.join(dir, 'b.js');
  const bSource = (n: number) => `"use strict";\nexports.value = ${n};\nexports.resolved = require.resolve('./a');\n`;
  const load = `
    const M = require('module'); const before = M.prototype._compile;
    const m = cc.withCodeCache(${JSON.stringify(group)}, () => require(${JSON.stringify(a)}));
    console.log(m.sum + ' ' + (m.b.resolved === ${JSON.stringify(a)}) + ' ' + (M.prototype._compile === before));
    console.log([${JSON.stringify(a)}, ${JSON.stringify(b)}].map((f) => cc.codeCacheStatus(f)).join(' '));`;

  before(() => {
    fs.writeFileSync(a, `"use strict";\nconst b = require('./b');\nmodule.exports = { b, sum: b.value + 1 };\n`);
    fs.writeFileSync(b, bSource(41));
    fs.rmSync(groupDir, { recursive: true, force: true });
  });
  after(() => fs.rmSync(groupDir, { recursive: true, force: true }));

  it('compiles every module of the graph with a cache of its own; Node\'s compile step is restored after', () => {
    expect(fresh(`${load} cc.writeCodeCaches();`)).to.deep.equal(['42 true true', 'absent absent']);
    expect(fs.readdirSync(groupDir)).to.have.length(2);
    expect(fresh(load)).to.deep.equal(['42 true true', 'accepted accepted']);
  });

  it('a changed module of the same length compiles from its new source', () => {
    expect(bSource(14).length).to.equal(bSource(41).length);
    fs.writeFileSync(b, bSource(14));
    expect(fresh(load)).to.deep.equal(['15 true true', 'accepted absent']);
    fs.writeFileSync(b, bSource(41));
  });

  it('a module a require hook changed on the way (same length): the changed text runs, not the file\'s cached code', () => {
    fresh(`${load} cc.writeCodeCaches();`);
    expect(fresh(load)).to.deep.equal(['42 true true', 'accepted accepted']);
    // A coverage tool or transpiler hooks require.extensions and hands _compile other text.
    const hooked = `
      const ext = require.extensions['.js'];
      require.extensions['.js'] = (m, f) => { const c = m._compile; m._compile = (text, file) => c.call(m, text.replace('41', '14'), file); return ext(m, f); };
      ${load}
      console.log(cc.codeCacheCheckedBy(${JSON.stringify(a)}) + ' ' + cc.codeCacheCheckedBy(${JSON.stringify(b)}));`;
    expect(fresh(hooked)).to.deep.equal(['15 true true', 'accepted absent', 'stamp undefined']);
  });

  it('two files with the same text share one cache, and both are trusted by their stamps', () => {
    const twinDir = tempDir('eks-nodegroup-code-cache-twin-');
    const twins = ['one', 'two'].map((d) => path.join(twinDir, d, 'twin.js'));
    for (const t of twins) {
      fs.mkdirSync(path.dirname(t), { recursive: true });
      fs.writeFileSync(t, `"use strict";\nmodule.exports = 7;\n`);
    }
    const run = `const r = cc.withCodeCache(${JSON.stringify(group)}, () => ${JSON.stringify(twins)}.map((t) => require(t)));
      console.log(r.join(' ') + ' ' + ${JSON.stringify(twins)}.map((t) => cc.codeCacheStatus(t) + '/' + cc.codeCacheCheckedBy(t)).join(' '));`;
    fresh(`${run} cc.writeCodeCaches();`);
    expect(fs.readdirSync(groupDir).filter((f) => f.startsWith('twin-'))).to.have.length(1);
    expect(fresh(run)).to.deep.equal(['7 7 accepted/stamp accepted/stamp']);
  });

  it('a module stamps.json has no entry for, with a cache of its text (a package installed elsewhere): the checksums find it', () => {
    fresh(`${load} cc.writeCodeCaches();`);
    const stampsFile = path.join(CODE_CACHE_DIR, 'stamps.json');
    const stamps = JSON.parse(fs.readFileSync(stampsFile, 'utf8'));
    delete stamps.files[path.relative(CODE_CACHE_DIR, a)];
    fs.writeFileSync(stampsFile, JSON.stringify(stamps));
    expect(fresh(`${load} console.log(cc.codeCacheCheckedBy(${JSON.stringify(a)}) + ' ' + cc.codeCacheCheckedBy(${JSON.stringify(b)}));`)).to.deep.equal([
      '42 true true',
      'accepted accepted',
      'checksum stamp',
    ]);
  });

  it('import() inside a module compiled this way works as in a module Node loads itself', () => {
    const c = path.join(dir, 'dynamic.js');
    fs.writeFileSync(c, `"use strict";\nexports.load = () => import('node:path').then((m) => typeof m.join);\n`);
    const out = fresh(`cc.withCodeCache(${JSON.stringify(group)}, () => require(${JSON.stringify(c)})).load().then((t) => console.log(t), (e) => console.log('failed: ' + e.message));`);
    expect(out).to.deep.equal(['function']);
  });

  it('an ES module required inside goes to Node\'s own compile step; requireCached of a file the graph loaded still works', () => {
    const esm = path.join(dir, 'esm.mjs');
    const cjs = path.join(dir, 'uses-esm.js');
    fs.writeFileSync(esm, 'export const answer = 42;\n');
    fs.writeFileSync(cjs, `"use strict";\nmodule.exports = require('./esm.mjs').answer;\n`);
    expect(fresh(`console.log(cc.withCodeCache(${JSON.stringify(group)}, () => require(${JSON.stringify(cjs)})))`)).to.deep.equal(['42']);
    expect(fresh(`cc.withCodeCache(${JSON.stringify(group)}, () => require(${JSON.stringify(b)})); console.log(cc.requireCached(${JSON.stringify(b)}, 'spec-b').value)`)).to.deep.equal(['41']);
  });

  it('restores Node\'s compile step when loading throws', () => {
    const out = fresh(`
      const M = require('module'); const before = M.prototype._compile;
      try { cc.withCodeCache(${JSON.stringify(group)}, () => { throw new Error('boom'); }); } catch (e) { console.log(e.message); }
      console.log(M.prototype._compile === before);`);
    expect(out).to.deep.equal(['boom', 'true']);
  });
});

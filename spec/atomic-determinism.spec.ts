/**
 * Issue 7 item 3: atomic writes and determinism, end to end with the built CLI.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN, ROOT, runBin, tempDir } from './helpers';

describe('atomic writes', () => {
  it('a gen interrupted mid-write (file-size limit hit) leaves the previous file intact', () => {
    const dir = tempDir();
    const out = path.join(dir, 'nodegroup.yaml');
    const previous = fs.readFileSync(path.join(ROOT, 'templates', 'nodegroup-al2.yaml'), 'utf8');
    fs.writeFileSync(out, previous);
    // 16 KiB limit: the 34 KB template cannot be written completely.
    const r = spawnSync('bash', ['-c', `ulimit -f 16; exec "${process.execPath}" "${BIN}" gen -o nodegroup.yaml`], { cwd: dir, encoding: 'utf8' });
    expect(r.status === 0, `gen should fail: ${r.stdout}`).to.equal(false);
    expect(fs.readFileSync(out, 'utf8') === previous, 'previous file changed').to.equal(true);
    if (r.signal === null) {
      // Node ignores SIGXFSZ, so the write fails with EFBIG and the temporary file is removed.
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/cannot write nodegroup\.yaml: EFBIG/);
      expect(fs.readdirSync(dir)).to.deep.equal(['nodegroup.yaml']);
    }
  });

  it('a failing write (output folder removed) changes nothing and leaves no temporary file', () => {
    const dir = tempDir();
    const r = runBin(['gen', '-t', 't3.*', '-o', path.join(dir, 'gone', 'x.yaml')]);
    expect(r.code).to.equal(2);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});

describe('deterministic output', () => {
  const committed = fs.readFileSync(path.join(ROOT, 'templates', 'nodegroup.yaml'), 'utf8');

  it('two gen runs write byte-identical files, equal to the committed template', () => {
    const dir = tempDir();
    for (const name of ['a.yaml', 'b.yaml']) {
      const r = runBin(['gen', '-o', path.join(dir, name)]);
      expect(r.code, r.stderr).to.equal(0);
    }
    const a = fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8');
    expect(fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8') === a).to.equal(true);
    expect(a === committed).to.equal(true);
  });

  it('does not depend on the current directory, locale or time zone', () => {
    const dir = tempDir();
    const env = { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', LANGUAGE: 'tr' };
    const r = runBin(['gen', '--stdout'], { cwd: dir, env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout === committed).to.equal(true);
    const m = runBin(['max-pods', '--all'], { cwd: dir, env });
    expect(m.stdout).to.equal(runBin(['max-pods', '--all']).stdout);
  });
});

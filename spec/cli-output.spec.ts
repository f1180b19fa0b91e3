/**
 * The CLI process's stdout and stderr, end to end through the built bin with pipes and files:
 * every byte, the exit codes, quiet when the reader has gone, exit 2 when stdout cannot be written.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { maxPods } from '../lib/max-pods';
import { BIN, ROOT, runBin, tempDir } from './helpers';

describe('CLI output (the built bin)', function () {
  this.timeout(60_000);

  it('stdout and stderr through pipes: the same text, exit codes as before', () => {
    const ok = runBin(['max-pods', 't2.micro', 'm5.large']);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.equal(`t2.micro ${maxPods('t2.micro')}\nm5.large ${maxPods('m5.large')}\n`);
    const bad = runBin(['max-pods', 't2.mikro']);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.equal('');
    expect(bad.stderr).to.match(/unknown instance type "t2.mikro"; did you mean t2.micro/);
  });

  it('stdout to a file: the whole output (gen --stdout writes the committed template)', () => {
    const file = path.join(tempDir('eks-nodegroup-out-'), 'gen.yaml');
    const fd = fs.openSync(file, 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, 'gen', '--stdout'], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, 'utf8')).to.equal(fs.readFileSync(path.join(ROOT, 'templates', 'nodegroup.yaml'), 'utf8'));
  });

  it('a reader that has gone ends the command quietly with exit 0: before any output (`| true`), or after the first of ~1 MB of lines (`| head -1`)', () => {
    // max-pods --all --json is ~1 MB, far over a pipe's 64 KiB: head exits while the writes go on.
    for (const [args, reader] of [['max-pods --all', 'true'], ['max-pods --all --json', 'head -1']]) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${args} | ${reader} >/dev/null`], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, `${args} | ${reader}: ${r.stderr}`).to.equal(0);
      expect(r.stderr, reader).to.equal('');
    }
  });

  it('stdout that cannot be written (a full device) is exit 2 with the reason, not an internal error', function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, 'max-pods', 't2.micro'], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.equal('eks-nodegroup max-pods: cannot write to stdout: ENOSPC: no space left on device, write\n');
    } finally {
      fs.closeSync(fd);
    }
  });
});

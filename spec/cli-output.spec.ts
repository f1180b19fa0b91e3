/**
 * The CLI process's stdout and stderr (lib/cli/io.ts): written to the descriptors directly, every
 * byte in order, handed to the stream when the descriptor would block, quiet when the reader has
 * gone; and end to end through the built bin with pipes and files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { fdOutput } from '../lib/cli/io';
import { EksNodegroupError } from '../lib/errors';
import { maxPods } from '../lib/max-pods';
import { BIN, ROOT, runBin, tempDir } from './helpers';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('CLI output to file descriptors', () => {
  const chunks = ['plain line\n', 'ünïcode ≤ → ✓ 𝄞\n', 'x'.repeat(1 << 20), '\nlast\n'];

  it('writes every chunk, in order, byte for byte (a file descriptor)', () => {
    const file = path.join(tempDir('eks-nodegroup-out-'), 'out.txt');
    const fd = fs.openSync(file, 'w');
    try {
      const out = fdOutput(fd, { name: 'test', stream: () => expect.fail('no fallback for a file') });
      for (const c of chunks) expect(out.write(c)).to.equal(true);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, 'utf8')).to.equal(chunks.join(''));
  });

  it('goes on after a short write and an interrupted one (EINTR)', () => {
    const written: Buffer[] = [];
    let calls = 0;
    const out = fdOutput(9, {
      name: 'test',
      stream: () => expect.fail('no fallback'),
      writeSync: (_fd, buf, offset, length) => {
        calls++;
        if (calls === 2) throw errno('EINTR');
        const n = Math.min(length, 7); // at most 7 bytes per call
        written.push(Buffer.from(buf.subarray(offset, offset + n)));
        return n;
      },
    });
    out.write('0123456789abcdefghij');
    out.write('→ end');
    expect(Buffer.concat(written).toString('utf8')).to.equal('0123456789abcdefghij→ end');
  });

  it('hands the rest to the stream when the descriptor would block (EAGAIN), and everything after it', () => {
    const direct: Buffer[] = [];
    const viaStream: Buffer[] = [];
    let streams = 0;
    const out = fdOutput(9, {
      name: 'test',
      stream: () => {
        streams++;
        return { write: (c: string | Uint8Array) => viaStream.push(Buffer.from(c)) };
      },
      writeSync: (_fd, buf, offset, length) => {
        if (direct.length) throw errno('EAGAIN');
        const n = Math.min(length, 5);
        direct.push(Buffer.from(buf.subarray(offset, offset + n)));
        return n;
      },
    });
    for (const c of chunks) out.write(c);
    expect(streams, 'one stream').to.equal(1);
    expect(Buffer.concat([...direct, ...viaStream]).toString('utf8')).to.equal(chunks.join(''));
    expect(Buffer.concat(direct).toString('utf8')).to.equal('plain');
  });

  it('reports a gone reader (EPIPE) once and drops what follows; any other error is the user\'s to fix (WRITE_ERROR, exit 2)', () => {
    let closed = 0;
    let calls = 0;
    const out = fdOutput(9, {
      name: 'test',
      stream: () => expect.fail('no fallback'),
      onClosed: () => closed++,
      writeSync: () => {
        calls++;
        throw errno('EPIPE');
      },
    });
    expect(out.write('a')).to.equal(false);
    expect(out.write('b')).to.equal(false);
    expect([closed, calls]).to.deep.equal([1, 1]);
    const bad = fdOutput(9, { name: 'stdout', stream: () => expect.fail('no fallback'), writeSync: () => { throw errno('ENOSPC'); } });
    let thrown: unknown;
    try {
      bad.write('a');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.be.instanceOf(EksNodegroupError);
    expect((thrown as EksNodegroupError).code).to.equal('WRITE_ERROR');
    expect((thrown as EksNodegroupError).exitCode).to.equal(2);
    expect((thrown as EksNodegroupError).message).to.equal('cannot write to stdout: ENOSPC');
  });

  it('isTTY is false for a file (a terminal is asked of tty.isatty when a command wants colour)', () => {
    const file = path.join(tempDir('eks-nodegroup-out-'), 'tty.txt');
    const fd = fs.openSync(file, 'w');
    try {
      expect(fdOutput(fd, { name: 'test', stream: () => expect.fail('no fallback') }).isTTY).to.equal(false);
    } finally {
      fs.closeSync(fd);
    }
  });

  describe('end to end (the built bin)', function () {
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
});

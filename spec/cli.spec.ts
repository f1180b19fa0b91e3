/** The top level of the CLI: --version, --help, no command. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { commandNames } from '../lib/cli';
import { ROOT, runBin, runCli } from './helpers';

describe('eks-nodegroup (top level)', () => {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;

  it('--version and -v print the package version, in process and through the installed bin', async () => {
    for (const flag of ['--version', '-v', '-V']) {
      const r = await runCli([flag]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${version}\n`);
    }
    const bin = runBin(['--version']);
    expect(bin.code, bin.stderr).to.equal(0);
    expect(bin.stdout).to.equal(`${version}\n`);
  });

  it('--help lists every command on stdout (exit 0); no command prints it on stderr (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).to.equal(0);
    for (const name of commandNames()) expect(help.stdout).to.match(new RegExp(`^  ${name} `, 'm'));
    expect(help.stdout).to.match(/^Exit codes: 0 ok, 1 findings .*, 2 bad usage or input, 70 internal error\.$/m);
    const none = await runCli([]);
    expect(none.code).to.equal(2);
    expect(none.stdout).to.equal('');
    expect(none.stderr).to.equal(help.stdout);
  });

  it('help COMMAND is COMMAND --help', async () => {
    for (const name of commandNames()) {
      const a = await runCli(['help', name]);
      expect([a.code, a.stdout]).to.deep.equal([0, (await runCli([name, '--help'])).stdout]);
      expect(a.stdout).to.match(new RegExp(`^usage: eks-nodegroup ${name}`));
    }
  });
});

/**
 * The bad-input catalogue (issue 7): for every CLI command, odd and hostile input. Each case runs the
 * real built CLI in a fresh folder and asserts the exit code, that stderr names the problem, that
 * nothing crashed (no stack trace), and that no file in the folder was created or changed.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runBin, tempDir } from './helpers';

export interface BadInputCase {
  /** What the case is about. */
  name: string;
  argv: string[];
  /** Prepares files in the case's folder. */
  setup?: (dir: string) => void;
  /** Expected exit code (2 bad usage/input, 1 findings). */
  code: number;
  /** What stderr must say. */
  stderr: RegExp;
  /** Standard input, if any. */
  input?: string;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out[rel + '/'] = 'dir';
        walk(p);
      } else {
        const st = fs.statSync(p);
        out[rel] = st.size > 1 << 20 ? `size:${st.size} mtime:${st.mtimeMs}` : fs.readFileSync(p, 'base64');
      }
    }
  };
  walk(dir);
  return out;
}

const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe, 0, 0]);
const write = (name: string, data: string | Buffer) => (dir: string) => fs.writeFileSync(path.join(dir, name), data);
const EXISTING = 'existing output, must survive\n';

export const CASES: BadInputCase[] = [
  // ---- top level
  { name: 'no command', argv: [], code: 2, stderr: /usage: eks-nodegroup <command>/ },
  { name: 'unknown command', argv: ['maxpods'], code: 2, stderr: /unknown command "maxpods"/ },
  // ---- max-pods
  { name: 'max-pods: missing argument', argv: ['max-pods'], code: 2, stderr: /name at least one instance type/ },
  { name: 'max-pods: unknown type', argv: ['max-pods', 't2.mcro'], code: 2, stderr: /unknown instance type "t2\.mcro"; did you mean t2\.micro/ },
  { name: 'max-pods: empty type name', argv: ['max-pods', ''], code: 2, stderr: /instance type must be a non-empty string/ },
  { name: 'max-pods: unknown flag', argv: ['max-pods', 'm5.large', '--prefix'], code: 2, stderr: /Unknown option '--prefix'/ },
  { name: 'max-pods: non-numeric --max-enis', argv: ['max-pods', 'm5.large', '--max-enis', 'x'], code: 2, stderr: /--max-enis: "x"/ },
  { name: 'max-pods: negative --reserved-enis', argv: ['max-pods', 'm5.large', '--reserved-enis=-2'], code: 2, stderr: /--reserved-enis: "-2"/ },
  { name: 'max-pods: flag value missing', argv: ['max-pods', 'm5.large', '--max-pods-override'], code: 2, stderr: /--max-pods-override/ },
  { name: 'max-pods: extra argument with --all', argv: ['max-pods', '--all', 'extra'], code: 2, stderr: /not both/ },
  { name: 'max-pods: cap without vCPU data', argv: ['max-pods', 'trn2.3xlarge', '--cap'], code: 2, stderr: /trn2\.3xlarge.*vCPU/ },
  // ---- refresh-data
  { name: 'refresh-data: no files', argv: ['refresh-data'], code: 2, stderr: /describe-instance-types/ },
  { name: 'refresh-data: missing file', argv: ['refresh-data', 'missing.json', '-o', 'out.ts'], code: 2, stderr: /cannot read missing\.json: no such file/ },
  { name: 'refresh-data: empty file', argv: ['refresh-data', 'empty.json', '-o', 'out.ts'], setup: write('empty.json', ''), code: 2, stderr: /empty\.json: not valid JSON/ },
  { name: 'refresh-data: binary file', argv: ['refresh-data', 'bin.json', '-o', 'out.ts'], setup: write('bin.json', BINARY), code: 2, stderr: /bin\.json: it is a binary file/ },
  { name: 'refresh-data: a directory as input', argv: ['refresh-data', 'sub', '-o', 'out.ts'], setup: (d) => fs.mkdirSync(path.join(d, 'sub')), code: 2, stderr: /cannot read sub: it is a directory/ },
  { name: 'refresh-data: wrong JSON shape', argv: ['refresh-data', 'x.json', '-o', 'out.ts'], setup: write('x.json', '[1,2,3]'), code: 2, stderr: /x\.json: not describe-instance-types output/ },
  {
    name: 'refresh-data: output path is a directory',
    argv: ['refresh-data', 'ok.json', '-o', 'outdir'],
    setup: (d) => {
      fs.mkdirSync(path.join(d, 'outdir'));
      write('ok.json', JSON.stringify({ InstanceTypes: [{ InstanceType: 'm5.large', NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 } }] }))(d);
    },
    code: 2,
    stderr: /cannot write outdir: it is a directory/,
  },
  {
    name: 'refresh-data: output folder missing',
    argv: ['refresh-data', 'ok.json', '-o', 'no/such/dir/out.ts'],
    setup: write('ok.json', JSON.stringify({ InstanceTypes: [{ InstanceType: 'm5.large', NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 } }] })),
    code: 2,
    stderr: /folder .*no\/such\/dir does not exist/,
  },
  {
    name: 'refresh-data: output under a file (unwritable path)',
    argv: ['refresh-data', 'ok.json', '-o', 'existing.txt/out.ts'],
    setup: (d) => {
      write('existing.txt', EXISTING)(d);
      write('ok.json', JSON.stringify({ InstanceTypes: [{ InstanceType: 'm5.large', NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 } }] }))(d);
    },
    code: 2,
    stderr: /cannot write existing\.txt\/out\.ts/,
  },
  { name: 'refresh-data: bad --date', argv: ['refresh-data', 'ok.json', '--date', '27/11/2026', '-o', 'existing.txt'], setup: (d) => { write('existing.txt', EXISTING)(d); write('ok.json', JSON.stringify({ InstanceTypes: [{ InstanceType: 'm5.large', NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10 } }] }))(d); }, code: 2, stderr: /--date: "27\/11\/2026"/ },
];

/** Other spec files register their commands' cases here (see addBadInputCases). */
export function runCatalogue(title: string, cases: BadInputCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, () => {
        const dir = tempDir();
        c.setup?.(dir);
        const before = snapshot(dir);
        const r = runBin(c.argv, { cwd: dir, input: c.input });
        expect(r.code, `exit code; stderr: ${r.stderr}`).to.equal(c.code);
        expect(r.stderr).to.match(c.stderr);
        expect(r.stderr).to.not.match(/internal error|\n\s+at .*\.js:\d+/);
        expect(snapshot(dir), 'files in the folder were created or changed').to.deep.equal(before);
      });
    }
  });
}

runCatalogue('bad-input catalogue: max-pods, refresh-data', CASES);

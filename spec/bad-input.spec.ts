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
  /** What stdout must say (findings go to stdout). */
  stdout?: RegExp;
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
const MINIMAL = 'Parameters:\n  Name:\n    Type: String\n    Default: n\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Ref Name\n';

/** A billion-laughs document: 10 levels of 10 aliases under `key`. */
function yamlBomb(key: string): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push(`${key}: *a9`);
  return lines.join('\n') + '\n';
}

/** A 50 MB file of YAML comments. */
const hugeFile = (name: string) => (dir: string) => {
  const line = '# ' + 'x'.repeat(1021) + '\n';
  fs.writeFileSync(path.join(dir, name), line.repeat(50 * 1024));
};

export const CASES: BadInputCase[] = [
  // ---- top level
  { name: 'no command', argv: [], code: 2, stderr: /usage: eks-nodegroup <command>/ },
  { name: 'unknown command', argv: ['maxpods'], code: 2, stderr: /unknown command "maxpods"/ },
  // ---- max-pods
  { name: 'max-pods: missing argument', argv: ['max-pods'], code: 2, stderr: /name at least one instance type/ },
  { name: 'max-pods: unknown type', argv: ['max-pods', 't2.mcro'], code: 2, stderr: /unknown instance type "t2\.mcro"; did you mean t2\.micro/ },
  { name: 'max-pods: a pattern (gen -t takes patterns)', argv: ['max-pods', 't3.*'], code: 2, stderr: /"t3\.\*" is a pattern: max-pods takes instance type names \(or --all\); patterns select types in gen -t/ },
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
  // ---- gen
  { name: 'gen: -p over the 4,096 bytes of a parameter value', argv: ['gen', '-p', `ClusterName=${'x'.repeat(4097)}`, '-o', 'out.yaml'], code: 2, stderr: /invalid value for --parameter ClusterName=…: .*at most 4096 bytes \(CloudFormation's limit on a parameter value\)/ },
  { name: 'gen: -p with a misspelt parameter name', argv: ['gen', '-p', 'ClusterNme=x', '-o', 'out.yaml'], code: 2, stderr: /invalid value for --parameter: "ClusterNme" is not a parameter of the template \(did you mean ClusterName\? / },
  { name: 'gen: --tag with a reserved aws: key', argv: ['gen', '--tag', 'aws:team=x', '-o', 'out.yaml'], code: 2, stderr: /invalid value for tag key: "aws:team" \(allowed: .*the aws: prefix is reserved for AWS\)/ },
  { name: 'gen: --tag Name', argv: ['gen', '--tag', 'Name=x', '-o', 'out.yaml'], code: 2, stderr: /tag key: "Name" .*the template sets it/ },
  { name: 'gen: unknown instance type', argv: ['gen', '-t', 't2.mcro', '-o', 'out.yaml'], code: 2, stderr: /t2\.mcro.*did you mean t2\.micro/ },
  { name: 'gen: pattern matching nothing', argv: ['gen', '-t', 'x9.*', '-o', 'out.yaml'], code: 2, stderr: /^eks-nodegroup gen: --instance-types: pattern "x9\.\*" matches no known instance type/ },
  { name: 'gen: invalid option value names the allowed values', argv: ['gen', '--ami-family', 'windows', '-o', 'out.yaml'], code: 2, stderr: /--ami-family: "windows" \(allowed: al2023, bottlerocket, al2\)/ },
  { name: 'gen: negative number', argv: ['gen', '--volume-size=-5', '-o', 'out.yaml'], code: 2, stderr: /--volume-size: -5/ },
  { name: 'gen: wrong type', argv: ['gen', '--min-size', 'three', '-o', 'out.yaml'], code: 2, stderr: /--min-size: "three"/ },
  { name: 'gen: misspelt flag suggests the right one', argv: ['gen', '--amifamily', 'al2', '-o', 'out.yaml'], code: 2, stderr: /did you mean --ami-family\?/ },
  { name: 'gen: extra argument', argv: ['gen', 'extra', '-o', 'out.yaml'], code: 2, stderr: /extra/ },
  { name: 'gen: missing config file', argv: ['gen', '-c', 'nope.yaml', '-o', 'out.yaml'], code: 2, stderr: /cannot read nope\.yaml: no such file/ },
  { name: 'gen: empty config file', argv: ['gen', '-c', 'empty.yaml', '-o', 'out.yaml'], setup: write('empty.yaml', ''), code: 2, stderr: /empty\.yaml/ },
  { name: 'gen: binary config file', argv: ['gen', '-c', 'bin.yaml', '-o', 'out.yaml'], setup: write('bin.yaml', BINARY), code: 2, stderr: /bin\.yaml: it is a binary file/ },
  { name: 'gen: config file with a YAML error', argv: ['gen', '-c', 'bad.yaml', '-o', 'out.yaml'], setup: write('bad.yaml', 'amiFamily: [al2\n'), code: 2, stderr: /bad\.yaml/ },
  { name: 'gen: config file with an unknown key', argv: ['gen', '-c', 'c.yaml', '-o', 'out.yaml'], setup: write('c.yaml', 'amiFamilly: al2\n'), code: 2, stderr: /amiFamilly/ },
  { name: 'gen: config file YAML bomb', argv: ['gen', '-c', 'bomb.yaml', '-o', 'out.yaml'], setup: (d) => write('bomb.yaml', yamlBomb('tags'))(d), code: 2, stderr: /bomb\.yaml/ },
  { name: 'gen: bad option leaves the existing output untouched', argv: ['gen', '--imds-hop-limit', '0', '-o', 'existing.yaml'], setup: write('existing.yaml', EXISTING), code: 2, stderr: /--imds-hop-limit/ },
  { name: 'gen: output path is a directory', argv: ['gen', '-t', 't3.*', '-o', 'outdir'], setup: (d) => fs.mkdirSync(path.join(d, 'outdir')), code: 2, stderr: /cannot write outdir: it is a directory/ },
  { name: 'gen: output under a file (unwritable path)', argv: ['gen', '-t', 't3.*', '-o', 'existing.txt/out.yaml'], setup: write('existing.txt', EXISTING), code: 2, stderr: /cannot write existing\.txt\/out\.yaml/ },
  { name: 'gen: output folder missing', argv: ['gen', '-t', 't3.*', '-o', 'no/dir/out.yaml'], code: 2, stderr: /folder .*no\/dir does not exist/ },
  // ---- render
  { name: 'render: no file', argv: ['render'], code: 2, stderr: /name the template file/ },
  { name: 'render: missing file', argv: ['render', 'nope.yaml'], code: 2, stderr: /cannot read nope\.yaml: no such file/ },
  { name: 'render: empty file', argv: ['render', 'empty.yaml'], setup: write('empty.yaml', ''), code: 2, stderr: /empty\.yaml: not a CloudFormation template/ },
  { name: 'render: binary file', argv: ['render', 'bin.yaml'], setup: write('bin.yaml', BINARY), code: 2, stderr: /bin\.yaml: it is a binary file/ },
  { name: 'render: huge file (50 MB)', argv: ['render', 'huge.yaml'], setup: hugeFile('huge.yaml'), code: 2, stderr: /huge\.yaml: \d+ bytes is over the \d+-byte limit/ },
  { name: 'render: YAML bomb', argv: ['render', 'bomb.yaml'], setup: write('bomb.yaml', yamlBomb('Resources')), code: 2, stderr: /bomb\.yaml:\d+:\d+: alias \*\w+ expands the document to more than \d+ values \(a YAML alias bomb\?\)/ },
  { name: 'render: unknown tag', argv: ['render', 'tag.yaml'], setup: write('tag.yaml', 'Resources:\n  A:\n    Type: !Reff X\n'), code: 2, stderr: /tag\.yaml:3:11: unknown tag !Reff \(did you mean !Ref\?/ },
  { name: 'render: malformed -p', argv: ['render', 't.yaml', '-p', 'Foo'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /-p "Foo": expected Key=VALUE/ },
  { name: 'render: unknown parameter', argv: ['render', 't.yaml', '-p', 'Nmae=x'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /Nmae/ },
  { name: 'render: missing parameter', argv: ['render', 't.yaml'], setup: write('t.yaml', MINIMAL.replace('    Default: n\n', '')), code: 2, stderr: /missing value for parameter without a Default: Name/ },
  // ---- validate
  { name: 'validate: no file', argv: ['validate'], code: 2, stderr: /name at least one template file/ },
  { name: 'validate: missing file', argv: ['validate', 'nope.yaml'], code: 2, stderr: /nope\.yaml.*no such file/ },
  { name: 'validate: a directory', argv: ['validate', 'sub'], setup: (d) => fs.mkdirSync(path.join(d, 'sub')), code: 2, stderr: /sub.*directory/ },
  { name: 'validate: binary file', argv: ['validate', 'bin.yaml'], setup: write('bin.yaml', BINARY), code: 2, stderr: /bin\.yaml.*binary/ },
  { name: 'validate: huge file (50 MB)', argv: ['validate', 'huge.yaml'], setup: hugeFile('huge.yaml'), code: 2, stderr: /huge\.yaml.*over the \d+-byte limit/ },
  { name: 'validate: YAML bomb', argv: ['validate', 'bomb.yaml'], setup: write('bomb.yaml', yamlBomb('Resources')), code: 2, stderr: /bomb\.yaml.*alias bomb/ },
  { name: 'validate: unknown tag', argv: ['validate', 'tag.yaml'], setup: write('tag.yaml', 'Resources:\n  A:\n    Type: !Frobnicate X\n'), code: 2, stderr: /tag\.yaml:3:11: unknown tag !Frobnicate/ },
  { name: 'validate: invalid template is a finding (exit 1)', argv: ['validate', 't.yaml'], setup: write('t.yaml', MINIMAL.replace('!Ref Name', '!Ref Nmae')), code: 1, stderr: /|/, stdout: /Ref "Nmae" names nothing/ },
  // ---- diff
  { name: 'diff: nothing to compare', argv: ['diff'], code: 2, stderr: /name the template to compare against/ },
  { name: 'diff: missing file', argv: ['diff', 'nope.yaml', 't.yaml'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /nope\.yaml.*no such file/ },
  { name: 'diff: not a template', argv: ['diff', 'cfg.yaml', 't.yaml'], setup: (d) => { write('cfg.yaml', 'name: app\nreplicas: 3\n')(d); write('t.yaml', MINIMAL)(d); }, code: 2, stderr: /cfg\.yaml: not a CloudFormation template/ },
  { name: 'diff: unparsable YAML', argv: ['diff', 'bad.yaml', 't.yaml'], setup: (d) => { write('bad.yaml', 'Resources:\n  A: [\n')(d); write('t.yaml', MINIMAL)(d); }, code: 2, stderr: /bad\.yaml:\d+:\d+: / },
  { name: 'diff: bad aws:<date>', argv: ['diff', 'aws:yesterday', 't.yaml'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /aws:<date>: "yesterday"/ },
  { name: 'diff: unreachable URL', argv: ['diff', 'http://127.0.0.1:1/x.yaml', 't.yaml', '--timeout', '2'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /cannot download http:\/\/127\.0\.0\.1:1\/x\.yaml/ },
  { name: 'diff: plain http to a non-loopback host', argv: ['diff', 'http://example.com/x.yaml', 't.yaml'], setup: write('t.yaml', MINIMAL), code: 2, stderr: /http/ },
  // ---- pods
  { name: 'pods: missing --replicas', argv: ['pods', 'm5.large'], code: 2, stderr: /give --replicas N/ },
  { name: 'pods: replicas 0', argv: ['pods', 'm5.large', '--replicas', '0'], code: 2, stderr: /--replicas: "0"/ },
  { name: 'pods: replicas not a number', argv: ['pods', 'm5.large', '--replicas', 'ten'], code: 2, stderr: /--replicas: "ten"/ },
  { name: 'pods: max-pods 0', argv: ['pods', 'm5.large', '--replicas', '3', '--max-pods', '0'], code: 2, stderr: /--max-pods: "0"/ },
  { name: 'pods: unknown preset', argv: ['pods', 'm5.large', '--replicas', '3', '--system-pods', 'eks-2019'], code: 2, stderr: /"eks-2019" is neither a preset/ },
  { name: 'pods: malformed system-pods file', argv: ['pods', 'm5.large', '--replicas', '3', '--system-pods', 'sp.yaml'], setup: write('sp.yaml', 'systemPods:\n  - { name: x, kind: Job }\n'), code: 2, stderr: /sp\.yaml:2:\d+: .*kind/ },
  { name: 'pods: unknown type', argv: ['pods', 'm5.lrge', '--replicas', '3'], code: 2, stderr: /did you mean m5\.large/ },
  { name: 'pods: unknown type in --mix', argv: ['pods', '--mix', 'm5.large:1,m7g.lrge:1', '--replicas', '3'], code: 2, stderr: /--mix: unknown instance type "m7g\.lrge"; did you mean m7g\.large/ },
  { name: 'pods: --mix count 0', argv: ['pods', '--mix', 'm5.large:0', '--replicas', '3'], code: 2, stderr: /--mix: "m5\.large:0" \(allowed: TYPE:COUNT pairs/ },
  { name: 'pods: --mix with TYPE', argv: ['pods', 'm5.large', '--mix', 'm5.large:1', '--replicas', '3'], code: 2, stderr: /instance type or --mix, not both/ },
  { name: 'pods: --mix with --nodes', argv: ['pods', '--mix', 'm5.large:1', '--nodes', '2', '--replicas', '3'], code: 2, stderr: /--mix and --nodes/ },
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
        if (c.stdout) expect(r.stdout).to.match(c.stdout);
        expect(r.stderr).to.not.match(/internal error \(please report\)|\n\s+at .*\.js:\d+/);
        expect(snapshot(dir), 'files in the folder were created or changed').to.deep.equal(before);
      });
    }
  });
}

runCatalogue('bad-input catalogue: every command', CASES);

it('the catalogue has at least 30 cases and covers every command', () => {
  const commands = new Set(CASES.map((c) => c.argv[0]).filter(Boolean));
  expect(CASES.length).to.be.at.least(30);
  expect([...commands].sort()).to.deep.equal(['diff', 'gen', 'max-pods', 'maxpods', 'pods', 'refresh-data', 'render', 'validate']);
});

/**
 * The validate command (exit codes, text and JSON output with line:column), gen's validation
 * gate, --all-types, and the staleness of the committed generated schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import * as validateModule from '../lib/validate';
import { parseTemplate, toYaml } from '../lib/yaml';
import { ROOT, runBin, runCli, tempDir } from './helpers';

type T = Record<string, any>;

const OURS = path.join(ROOT, 'templates', 'nodegroup.yaml');

function specPackageInstalled(): boolean {
  try {
    require.resolve('@aws-cdk/aws-service-spec');
    return true;
  } catch {
    return false;
  }
}

/** Our template with one mistake: the security group's VpcId refers to "VpcID". */
function brokenTemplate(): string {
  const t = parseTemplate(fs.readFileSync(OURS, 'utf8')) as T;
  t.Resources.NodeSecurityGroup.Properties.VpcId = { Ref: 'VpcID' };
  return toYaml(t);
}

describe('validate command', function () {
  let dir: string;
  before(function () {
    dir = tempDir('eks-nodegroup-validate-');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), brokenTemplate());
    fs.writeFileSync(path.join(dir, 'syntax.yaml'), 'Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties: !Reff x\n');
    const small = { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } } } };
    fs.writeFileSync(path.join(dir, 'sqs.json'), JSON.stringify(small));
  });

  it('exit 0 and "valid" for the committed template', async function () {
    const r = await runCli(['validate', 'templates/nodegroup.yaml'], { cwd: ROOT });
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('templates/nodegroup.yaml: valid\n');
    expect(r.stderr).to.equal('');
  });

  it('exit 1 with FILE:LINE:COLUMN, rule, message and pointer for a mistake', async function () {
    const r = await runCli(['validate', 'bad.yaml'], { cwd: dir });
    expect(r.code).to.equal(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(2);
    const m = /^bad\.yaml:(\d+):(\d+): error \[ref-target\] Ref "VpcID" names nothing.*did you mean "VpcId"\?.* \(at \/Resources\/NodeSecurityGroup\/Properties\/VpcId\/Ref\)$/.exec(lines[0]);
    expect(m, lines[0]).to.not.equal(null);
    // The line and column point at the value in the file.
    const text = fs.readFileSync(path.join(dir, 'bad.yaml'), 'utf8').split('\n');
    expect(text[Number(m![1]) - 1].slice(Number(m![2]) - 1)).to.equal('VpcID');
    expect(lines[1]).to.equal('bad.yaml: invalid (1 error)');
  });

  it('--json gives every file with its findings', async function () {
    const r = await runCli(['validate', '--json', 'bad.yaml', path.join(ROOT, 'templates', 'nodegroup.yaml')], { cwd: dir });
    expect(r.code).to.equal(1);
    const out = JSON.parse(r.stdout) as { files: { file: string; valid: boolean; findings: validateModule.Finding[] }[] };
    expect(out.files.map((f) => f.valid)).to.deep.equal([false, true]);
    const [f] = out.files[0].findings;
    expect(f).to.include({ severity: 'error', rule: 'ref-target', pointer: '/Resources/NodeSecurityGroup/Properties/VpcId/Ref', file: 'bad.yaml' });
    expect(f.line).to.be.a('number');
  });

  it('exit 2 naming the file when it cannot be read or parsed; other files are still checked', async function () {
    const r = await runCli(['validate', 'missing.yaml', 'syntax.yaml', path.join(ROOT, 'templates', 'nodegroup.yaml')], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/cannot read .*missing\.yaml: no such file/);
    expect(r.stderr).to.match(/syntax\.yaml:4:17: .*!Reff/);
    expect(r.stdout).to.match(/nodegroup\.yaml: valid/);
  });

  it('exit 2 with the usage when no file is named, or a flag is unknown', async function () {
    const none = await runCli(['validate'], { cwd: dir });
    expect(none.code).to.equal(2);
    expect(none.stderr).to.match(/name at least one template file/);
    const flag = await runCli(['validate', '--jsn', 'bad.yaml'], { cwd: dir });
    expect(flag.code).to.equal(2);
    expect(flag.stderr).to.match(/--jsn/);
  });

  it('a type outside the bundled schema is a warning (exit 0), --strict makes it fail, --all-types checks it', async function () {
    const plain = await runCli(['validate', 'sqs.json'], { cwd: dir });
    expect(plain.code).to.equal(0);
    expect(plain.stdout).to.match(/warning \[unchecked-type\] the properties of AWS::SQS::Queue are not checked/);
    const strict = await runCli(['validate', '--strict', 'sqs.json'], { cwd: dir });
    expect(strict.code).to.equal(1);
    if (!specPackageInstalled()) {
      console.log('      (--all-types part skipped: @aws-cdk/aws-service-spec is not installed)');
      return;
    }
    const all = await runCli(['validate', '--all-types', 'sqs.json'], { cwd: dir });
    expect(all.code, all.stdout + all.stderr).to.equal(0);
    expect(all.stdout).to.equal('sqs.json: valid\n');
    // A misspelt SQS property is caught only with --all-types.
    const t = JSON.parse(fs.readFileSync(path.join(dir, 'sqs.json'), 'utf8'));
    t.Resources.Q.Properties = { VisibilityTimeou: 30 };
    fs.writeFileSync(path.join(dir, 'sqs-typo.json'), JSON.stringify(t));
    const typo = await runCli(['validate', '--all-types', 'sqs-typo.json'], { cwd: dir });
    expect(typo.code).to.equal(1);
    expect(typo.stdout).to.match(/error \[unknown-property\] "VisibilityTimeou" .*did you mean "VisibilityTimeout"\?.*\(at \/Resources\/Q\/Properties\/VisibilityTimeou\)/);
  });

  it('end to end: the built CLI exits 0 on the committed template and 1 on a broken one', function () {
    expect(runBin(['validate', 'templates/nodegroup.yaml']).code).to.equal(0);
    const r = runBin(['validate', path.join(dir, 'bad.yaml')]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/error \[ref-target\]/);
  });
});

describe('gen validates before writing', function () {
  const original = validateModule.validateTemplate;
  afterEach(function () {
    (validateModule as { validateTemplate: typeof original }).validateTemplate = original;
  });

  it('writes a valid template (the real validator runs on it)', async function () {
    const dir = tempDir('eks-nodegroup-gen-');
    let calls = 0;
    (validateModule as { validateTemplate: typeof original }).validateTemplate = (t, o) => {
      calls++;
      return original(t, o);
    };
    const r = await runCli(['gen', '-o', 'out.yaml', '-t', 'm5.*'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(calls).to.equal(1);
    expect(validateModule.validateTemplateText(fs.readFileSync(path.join(dir, 'out.yaml'), 'utf8'))).to.deep.equal([]);
  });

  it('refuses to write an invalid template: exit 1, the finding on stderr, an existing file untouched', async function () {
    const dir = tempDir('eks-nodegroup-gen-');
    fs.writeFileSync(path.join(dir, 'out.yaml'), 'previous content\n');
    // Put a genuine mistake into the template gen built; the real validator must catch it.
    (validateModule as { validateTemplate: typeof original }).validateTemplate = (t, o) => {
      const broken = structuredClone(t) as T;
      broken.Resources.NodeGroup.DependsOn = 'NoSuchResource';
      return original(broken, o);
    };
    const r = await runCli(['gen', '-o', 'out.yaml', '-t', 'm5.*'], { cwd: dir });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/error \[depends-on-target\] DependsOn names "NoSuchResource".*\(at \/Resources\/NodeGroup\/DependsOn\)/);
    expect(r.stderr).to.match(/nothing was written/);
    expect(r.stdout).to.equal('');
    expect(fs.readFileSync(path.join(dir, 'out.yaml'), 'utf8')).to.equal('previous content\n');
    expect(fs.readdirSync(dir)).to.deep.equal(['out.yaml']);
    const fresh = await runCli(['gen', '-o', 'new.yaml', '-t', 'm5.*'], { cwd: dir });
    expect(fresh.code).to.equal(1);
    expect(fs.existsSync(path.join(dir, 'new.yaml'))).to.equal(false);
  });
});

describe('generated schema', function () {
  it('records the spec version it was generated from', function () {
    const info = validateModule.schemaInfo();
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'lib', 'validate', 'generated', 'schema.json'), 'utf8'));
    expect(schema.$comment).to.include(`@aws-cdk/aws-service-spec ${info.specVersion}`);
    for (const t of ['AWS::IAM::Role', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::AutoScalingGroup', 'AWS::EKS::AccessEntry', 'AWS::AutoScaling::LaunchConfiguration']) {
      expect(info.resourceTypes).to.include(t);
    }
  });

  it('covers every resource type the generator emits', function () {
    const t = parseTemplate(fs.readFileSync(OURS, 'utf8')) as T;
    const used = new Set(Object.values(t.Resources as Record<string, { Type: string }>).map((r) => r.Type));
    for (const type of used) expect(validateModule.schemaInfo().resourceTypes, type).to.include(type);
  });
});

/**
 * Hostile templates (issue 16): each case the adversarial run found, through the real CLI (exit 2
 * or 1, never 70, no stack trace, within a time bound) and through the library (a typed error).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fullDiff } from '@aws-cdk/cloudformation-diff';
import * as lib from '../lib';
import { EksNodegroupError, MAX_DEPTH, MAX_PATTERN_LENGTH, MAX_PATTERN_STEPS, patternBudget, patternBudgetSpent, QUOTAS, RENDER_LIMITS, shown, templatePattern } from '../lib/core';
import { cfnEqual, diffTemplates, MAX_CHANGES } from '../lib/diff';
import { resourceImpacts } from '../lib/diff/impact';
import { maxPodsFromUserData, renderTemplate } from '../lib/render';
import { validateTemplate } from '../lib/validate';
import { MAX_FINDINGS } from '../lib/validate/findings';
import { parseTemplate, toYaml } from '../lib/yaml';
import { awsTemplateFiles, failure, ROOT, runBin, SHARED_TEMPLATES, tempDir } from './helpers';

/** Bound on one CLI run of a hostile case (the issue's bound is 5 s; CI machines vary). */
export const CASE_MS = 5000;

const MINIMAL = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
const TEMPLATE = path.join(ROOT, 'templates', 'nodegroup.yaml');

type Codes = number | { validate: number; diff: number; render: number };

/**
 * Runs `validate FILE`, `diff FILE templates/nodegroup.yaml` and `render [renderFlags] FILE` on
 * `text`: each exits with its code and says what matches `says`.
 */
export function everyCommand(text: string, code: Codes, says: RegExp, renderFlags: string[] = []): void {
  const dir = tempDir();
  const file = path.join(dir, 'hostile.yaml');
  fs.writeFileSync(file, text);
  for (const argv of [['validate', file], ['diff', file, TEMPLATE], ['render', ...renderFlags, file]]) {
    const t0 = Date.now();
    const r = runBin(argv, { timeoutMs: 3 * CASE_MS });
    const ms = Date.now() - t0;
    const want = typeof code === 'number' ? code : code[argv[0] as keyof typeof code];
    expect(r.code, `${argv[0]}: exit code; stderr: ${r.stderr.slice(0, 500)}`).to.equal(want);
    expect(r.stderr + r.stdout, `${argv[0]}: what it says`).to.match(says);
    expect(r.stderr, `${argv[0]}: no crash`).to.not.match(/internal error|\n\s+at .*\.js:\d+/);
    expect(ms, `${argv[0]} took ${ms} ms`).to.be.below(CASE_MS);
  }
}

describe('hostile templates: cycles and nesting', () => {
  it('a self-referencing alias (x: &a [*a]) is refused at parse with its line:column, by validate, diff and render', function () {
    everyCommand(`${MINIMAL}x: &a [*a]\n`, 2, /hostile\.yaml:4:8: alias \*a refers to a node that contains it \(a cycle\)/);
  });

  it('an alias inside its own anchored mapping (block style) is a cycle too', function () {
    everyCommand(`${MINIMAL}Metadata: &m\n  self: *m\n`, 2, /hostile\.yaml:5:9: alias \*m refers to a node that contains it/);
  });

  it('100,000 "[" are refused at parse (no stack overflow), naming the depth limit', function () {
    everyCommand(`Resources: ${'['.repeat(100_000)}`, 2, new RegExp(`hostile\\.yaml:1:\\d+: lists and mappings nest more than ${MAX_DEPTH} levels deep`));
  });

  it('block mappings nested past the limit are refused the same way', function () {
    const lines = Array.from({ length: MAX_DEPTH + 5 }, (_, i) => `${' '.repeat(2 * i)}k${i}:`);
    everyCommand(`${MINIMAL}Metadata:\n${lines.map((l) => '  ' + l).join('\n')} v\n`, 2, /lists and mappings nest more than \d+ levels deep/);
  });

  it('aliases that nest deeper than the text does are refused when expanded', function () {
    // Each anchor holds the previous one 60 levels down: the text nests 62 deep, the value 60 × 5.
    const lines = ['Metadata:'];
    for (let i = 0; i < 5; i++) lines.push(`  a${i}: &a${i} ${'['.repeat(60)}${i ? `*a${i - 1}` : '1'}${']'.repeat(60)}`);
    everyCommand(`${MINIMAL}${lines.join('\n')}\n`, 2, /lists and mappings nest more than \d+ levels deep \(through aliases\)/);
  });

  it('nesting up to the limit is accepted (a template, not an error)', function () {
    const t = parseTemplate(`${MINIMAL}Metadata:\n  deep: ${'['.repeat(MAX_DEPTH - 2)}1${']'.repeat(MAX_DEPTH - 2)}\n`);
    expect(validateTemplate(t).filter((f) => f.severity === 'error')).to.deep.equal([]);
  });
});

describe('hostile objects handed to the library', () => {
  const cyclic = (): Record<string, unknown> => {
    const t: Record<string, unknown> = parseTemplate(MINIMAL);
    (t.Resources as Record<string, Record<string, unknown>>).Topic.Metadata = t;
    return t;
  };
  const deep = (): Record<string, unknown> => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    const t = parseTemplate(MINIMAL);
    (t.Resources as Record<string, Record<string, unknown>>).Topic.Metadata = { v };
    return t;
  };
  const base = parseTemplate(MINIMAL);
  const calls: [string, (t: Record<string, unknown>) => unknown][] = [
    ['validateTemplate', (t) => validateTemplate(t)],
    ['diffTemplates (old)', (t) => diffTemplates(t, base)],
    ['diffTemplates (new)', (t) => diffTemplates(base, t)],
    ['renderTemplate', (t) => renderTemplate(t)],
    ['toYaml', (t) => toYaml(t)],
  ];
  for (const [name, call] of calls) {
    it(`${name}: a cyclic object is a BAD_INPUT naming the cycle, not a stack overflow`, () => {
      const e = failure(() => call(cyclic()));
      expect(e.code).to.equal('BAD_INPUT');
      expect(e.message).to.match(/circular reference/);
    });
    it(`${name}: 100,000 nested lists are a BAD_INPUT naming the depth limit`, () => {
      const e = failure(() => call(deep()));
      expect(e.code).to.equal('BAD_INPUT');
      expect(e.message).to.match(new RegExp(`more than ${MAX_DEPTH} levels deep`));
    });
  }

  it('renderTemplate({}, {}) refuses {} as not a template', () => {
    const e = failure(() => renderTemplate({}, {}));
    expect(e).to.be.instanceOf(EksNodegroupError);
    expect(e.message).to.match(/template: not a CloudFormation template/);
  });
});

describe('hostile templates: regular expressions run in linear time', () => {
  it('AllowedPattern (a+)+$ against 34 "a"s and a "!": validate finds the mismatch (exit 1), render refuses it (exit 2), diff differs (exit 1), each in seconds', function () {
    const text = `Parameters:\n  P:\n    Type: String\n    AllowedPattern: (a+)+$\n    Default: ${'a'.repeat(34)}!\n${MINIMAL}`;
    everyCommand(text, { validate: 1, diff: 1, render: 2 }, /does not match (its )?AllowedPattern|Parameters/);
  });

  // Java syntax: translated where RE2 means the same, refused by name where it has no linear-time form.
  const JAVA: [string, string, boolean | RegExp][] = [
    ['\\p{Alpha}+\\p{Digit}', 'ab1', true],
    ['[\\p{Alnum}_-]+', 'a_b-1', true],
    ['\\P{Digit}', '1', false],
    ['\\p{IsLatin}+', 'abc', true],
    ['\\u0041\\x{42}', 'AB', true],
    ['\\0101', 'A', true],
    ['\\s', '\u000b', true],
    ['\\h+', ' \t', true],
    ['\\Qa.b\\E', 'axb', false],
    ['(?i)abc', 'ABC', true],
    ['(?<name>a)b', 'ab', true],
    ['a(b', 'ab', /missing closing \)/],
    ['(a)\\1', 'aa', /back reference/],
    ['a(?=b)b', 'ab', /lookaround/],
    ['(?<!a)b', 'b', /lookaround/],
    ['(?>a)', 'a', /atomic group/],
    ['a*+', 'aa', /possessive/],
    ['a{2}+', 'aa', /possessive/],
    ['[a-z&&[^b]]', 'a', /intersection/],
    ['[a[b]]', 'a', /nested/],
    ['a\\Z', 'a', /\\Z/],
    ['(?x)a b', 'ab', /flag\(s\) x/],
  ];
  for (const [pattern, value, want] of JAVA) {
    it(`Java ${JSON.stringify(pattern)} on ${JSON.stringify(value)}: ${want instanceof RegExp ? `not checked (${want.source})` : want ? 'matches' : 'does not match'}`, () => {
      const t = parseTemplate(MINIMAL);
      t.Parameters = { P: { Type: 'String', AllowedPattern: pattern, Default: value } };
      const findings = validateTemplate(t).filter((f) => f.pointer.startsWith('/Parameters/P'));
      if (want instanceof RegExp) {
        expect(findings.map((f) => `${f.rule} ${f.severity}`)).to.deep.equal(['parameter-pattern warning']);
        expect(findings[0].message).to.match(want);
      } else {
        expect(findings.map((f) => f.rule)).to.deep.equal(want ? [] : ['parameter-default']);
        const render = () => renderTemplate(t);
        if (want) expect(render).to.not.throw();
        else expect(render).to.throw(EksNodegroupError, /does not match its AllowedPattern/);
      }
    });
  }

  it('an AllowedPattern of "{", 4,990 digits, "x" and 4,990 "}" is translated in one pass (it took minutes: each "}" rescanned the output)', function () {
    const pattern = `{${'1'.repeat(4990)}x${'}'.repeat(4990)}`;
    expect(pattern.length).to.be.below(MAX_PATTERN_LENGTH);
    const text = JSON.stringify({ Parameters: { P: { Type: 'String', AllowedPattern: pattern, Default: 'a' } }, Resources: { T: { Type: 'AWS::SNS::Topic' } } });
    everyCommand(text, { validate: 1, diff: 1, render: 2 }, /does not match (its )?AllowedPattern|nodegroup\.yaml/);
  });

  it('a counted repeat followed by "+" is possessive; an escaped or bracketed "{" opens no repeat', () => {
    expect(templatePattern('a{2,3}+', patternBudget())).to.have.property('unsupported').that.matches(/possessive/);
    expect(templatePattern('a{2,}+', patternBudget())).to.have.property('unsupported').that.matches(/possessive/);
    for (const p of ['\\{1}+', '[{]1}+']) expect(templatePattern(p, patternBudget()), p).to.not.have.property('unsupported');
  });

  it('a match whose cost (program size × value length) is over the budget is a warning, not minutes of work', () => {
    const t = parseTemplate(MINIMAL);
    t.Parameters = { P: { Type: 'String', AllowedPattern: '(?:a{1,30}b?){30}'.repeat(50), Default: 'a'.repeat(4000) } };
    const t0 = Date.now();
    const findings = validateTemplate(t).filter((f) => f.pointer.startsWith('/Parameters/P'));
    expect(Date.now() - t0).to.be.below(CASE_MS);
    expect(findings.map((f) => f.rule)).to.deep.equal(['parameter-pattern']);
    expect(findings[0].message).to.include(`is not checked against AllowedPattern: this tool spends at most ${MAX_PATTERN_STEPS} steps`);
  });

  /** `n` parameters whose Defaults each cost about the whole budget to match (they took 0.3 s each, a minute for 200). */
  const costly = (n: number) => ({
    Parameters: Object.fromEntries(Array.from({ length: n }, (_, i) => [`P${i}`, { Type: 'String', AllowedPattern: `(?:(?:a|aa)?){480}a*${'b?'.repeat(i)}`, Default: 'a'.repeat(4095) }])),
    Resources: { T: { Type: 'AWS::SNS::Topic' } },
  });

  it('the budget is one for the whole template: past it, validate warns once and checks no more values, render warns and renders', function () {
    everyCommand(JSON.stringify(costly(20)), { validate: 0, diff: 1, render: 0 }, new RegExp(`later values are not checked against AllowedPattern: this tool spends at most ${MAX_PATTERN_STEPS} steps|nodegroup\\.yaml`));
  });

  it('validateTemplate and renderTemplate: one warning, at the first value not checked, counting the values after it', () => {
    const t = costly(20);
    const warnings = validateTemplate(t).filter((f) => f.rule === 'parameter-pattern');
    expect(warnings).to.have.length(1);
    const first = Number(/^\/Parameters\/P(\d+)\/Default$/.exec(warnings[0].pointer)?.[1]);
    expect(warnings[0].message).to.include(`and ${19 - first} later values are not checked`);
    const told: [string, string][] = [];
    renderTemplate(t, {}, { onWarning: (message, pointer) => told.push([message, pointer]) });
    expect(told).to.deep.equal([[`the value of parameter P${first} and ${19 - first} later values are not checked against AllowedPattern: ${patternBudgetSpent} (CloudFormation checks them)`, `/Parameters/P${first}`]]);
  });

  it('compiling spends the same budget: 100 distinct patterns of 60,000 instructions each are not all compiled', function () {
    const t = {
      Parameters: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`P${i}`, { Type: 'String', AllowedPattern: `${'(?:[a-z]{10}){100}'.repeat(60)}${'b?'.repeat(i)}`, Default: 'x' }])),
      Resources: { T: { Type: 'AWS::SNS::Topic' } },
    };
    everyCommand(JSON.stringify(t), { validate: 1, diff: 1, render: 2 }, /"x" does not match (its )?AllowedPattern|nodegroup\.yaml/);
    const findings = validateTemplate(t).filter((f) => f.pointer.startsWith('/Parameters/'));
    expect(findings.map((f) => `${f.rule} ${f.pointer}`)).to.deep.equal(['parameter-default /Parameters/P0/Default', 'parameter-pattern /Parameters/P1/Default']);
  });

  it('renderTemplate refuses an onWarning that is not a function, naming it', () => {
    expect(failure(() => renderTemplate({ Resources: {} }, {}, { onWarning: 'log' as unknown as () => void })).message).to.equal('renderTemplate: options.onWarning must be a function (message, pointer), got "log"');
  });

  it('render warns of an AllowedPattern it cannot check (Java syntax RE2 lacks) and renders', () => {
    const t = { Parameters: { P: { Type: 'String', AllowedPattern: '(a)\\1', Default: 'aa' } }, Resources: { T: { Type: 'AWS::SNS::Topic' } } };
    const told: string[] = [];
    expect(renderTemplate(t, {}, { onWarning: (m) => told.push(m) }).Parameters.P).to.equal('aa');
    expect(told).to.have.length(1);
    expect(told[0]).to.match(/^parameter P: AllowedPattern not checked \(a back reference, .*\); CloudFormation checks it$/);
  });
});

describe('hostile templates: every regular expression over template text runs in linear time', () => {
  // Each input took minutes before (quadratic or worse in JavaScript's backtracking engine).
  const json = (t: unknown) => JSON.stringify(t);
  const launchTemplate = (userData: string) => json({ Resources: { LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': userData } } } } } });

  it('a Number MaxValue of 100,000 digits and an "x" is a schema finding in validate, ignored by render (NaN bounds nothing)', function () {
    const text = json({ Parameters: { P: { Type: 'Number', Default: '1', MaxValue: `${'1'.repeat(100_000)}x` } }, Resources: { T: { Type: 'AWS::SNS::Topic' } } });
    everyCommand(text, { validate: 1, diff: 1, render: 0 }, /MaxValue\)|nodegroup\.yaml|P: "1"/);
    expect(validateTemplate(parseTemplate(text)).filter((f) => f.severity === 'error').map((f) => f.pointer)).to.deep.equal(['/Parameters/P/MaxValue']);
  });

  it('a Fn::Sub of 100,000 "${" without a "}" has no variables: validate, diff and render take it as text', function () {
    const text = json({ Resources: { T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': `\${AWS::Region}-${'${'.repeat(100_000)}` } } } } });
    everyCommand(text, { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|TopicName: us-east-1-\$\{\$\{/);
  });

  it('user data of Bottlerocket settings with a key of 100,000 spaces: render --user-data --json reads it in linear time', function () {
    everyCommand(launchTemplate(`[settings]\na${' '.repeat(100_000)}b\n`), { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|"format": "bottlerocket"/, ['--user-data', '--json']);
  });

  it('user data of 100,000 spaces and an "x" (the NodeConfig test searched from every leading space)', function () {
    everyCommand(launchTemplate(`${' '.repeat(100_000)}x`), { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|"format": "unknown"/, ['--user-data', '--json']);
  });

  it('a mixed-instances group whose launch template user data is 100,000 blank lines: diff reads its max pods in linear time (it took 105 s)', function () {
    const overrides = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge'].map((size) => ({ InstanceType: `m5.${size}` }));
    const text = json({
      Resources: {
        LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': { 'Fn::Sub': `${'\n'.repeat(100_000)}x` } } } } },
        ASG: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2', MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'LT' }, Version: '1' }, Overrides: overrides } } } },
      },
    });
    everyCommand(text, { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|LaunchTemplateData/);
  });

  /** User data of `depth` multipart levels around a bootstrap.sh script that sets max pods 7. */
  const nestedMime = (depth: number): string => {
    let text = '#!/bin/bash\n/etc/eks/bootstrap.sh c --max-pods=7\n';
    for (let i = depth; i > 0; i--) text = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${i === depth ? 'Content-Type: text/x-shellscript\n\n' : ''}${text}--b${i}--\n`;
    return text;
  };

  it('user data of 6,000 nested multipart levels is refused naming the limit (each level was read again whole; it overflowed the stack)', function () {
    everyCommand(launchTemplate(nestedMime(6000)), { validate: 0, diff: 1, render: 2 }, /valid|nodegroup\.yaml|user data: MIME multipart parts nest more than \d+ levels deep/, ['--user-data', '--json']);
    const limit = Number(/more than (\d+) levels/.exec(failure(() => maxPodsFromUserData(nestedMime(6000))).message)?.[1]);
    expect(maxPodsFromUserData(nestedMime(limit))).to.deep.include({ format: 'bootstrap.sh', maxPods: 7 });
    expect(failure(() => maxPodsFromUserData(nestedMime(limit + 1))).code).to.equal('BAD_INPUT');
  });

  it('maxPodsFromUserData (exported) reads long MIME headers, trailing spaces and TOML keys in linear time, with the same results', () => {
    const spaces = ' '.repeat(100_000);
    const cases: [string, Record<string, unknown>][] = [
      [`Content-Type: multipart/mixed; boundary="B"\nX-Long:${spaces}x\ry\n\n--B${spaces}\nContent-Type: text/x-shellscript\n\n#!/bin/bash\n/etc/eks/bootstrap.sh c --kubelet-extra-args '--max-pods=11'\n--B--\n`, { format: 'bootstrap.sh', maxPods: 11 }],
      [`[settings.kubernetes]\n"${'a'.repeat(100_000)} = 3\nmax-pods = 17\n"a=b" = 3\n`, { format: 'bottlerocket', maxPods: 17 }],
      [`[settings]\nkubernetes.max-pods=${spaces}29 # c\n`, { format: 'bottlerocket', maxPods: 29 }],
      [`${spaces}\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 58\n`, { format: 'nodeadm', maxPods: 58 }],
    ];
    for (const [text, want] of cases) {
      const t0 = Date.now();
      expect(maxPodsFromUserData(text)).to.deep.include(want);
      expect(Date.now() - t0, JSON.stringify(want)).to.be.below(CASE_MS / 5);
    }
  });
});

describe('hostile templates: render builds no value past CloudFormation\'s largest body', () => {
  const { value: MAX, text: TEXT } = RENDER_LIMITS;
  /** A template whose topic's Metadata.x is `x`. */
  const holding = (x: unknown, extra: Record<string, unknown> = {}) => ({ ...extra, Resources: { T: { Type: 'AWS::SNS::Topic', Metadata: { x } } } });
  const half = 'a'.repeat(MAX / 2);

  it('a Fn::Split of a string joined from aliases (4.5 KB; 262 MB crashed Node, exit 133) is refused at the first Fn::Join over the limit', function () {
    const text = fs.readFileSync(path.join(ROOT, 'spec', 'fixtures', 'hostile', 'split-bomb.yaml'), 'utf8');
    everyCommand(text, { validate: 0, diff: 1, render: 2 }, new RegExp(`valid|nodegroup\\.yaml|:9:21: /Resources/Topic/Metadata/a2/Fn::Join: Fn::Join would return a string of ${16 * 16 * 4000} characters; render builds at most ${MAX} characters`));
  });

  // Each function's result is measured before it is built: one character or item over is refused, naming the function and where.
  const over: [string, unknown, string, Record<string, unknown>?][] = [
    ['Fn::Join', { 'Fn::Join': ['-', [half, half]] }, `a string of ${MAX + 1} characters`],
    ['Fn::Sub', { 'Fn::Sub': ['${A}${A}x', { A: half }] }, `a string of ${MAX + 1} characters`],
    ['Fn::Sub', { 'Fn::Sub': `\${P}`.repeat(MAX / 4000 + 1) }, `a string of ${(MAX / 4000 + 1) * 4000} characters`, { Parameters: { P: { Type: 'String', Default: 'p'.repeat(4000) } } }],
    ['Fn::Split', { 'Fn::Split': [',', ','.repeat(MAX)] }, `a list of ${MAX + 1} items`],
    ['Fn::Base64', { 'Fn::Base64': 'a'.repeat((MAX / 4) * 3 + 1) }, `a string of ${MAX + 4} characters`],
    ['Fn::ToJsonString', { 'Fn::ToJsonString': [half.slice(3), half.slice(3)] }, `a string of ${MAX + 1} characters`], // ["…","…"]: 7 more
  ];
  for (const [fn, call, what, extra] of over) {
    it(`${fn} that would return ${what} is refused before it is built`, () => {
      const e = failure(() => renderTemplate(holding(call, extra)));
      expect(e.code).to.equal('BAD_INPUT');
      expect(e.message).to.equal(`/Resources/T/Metadata/x/${fn}: ${fn} would return ${what}; render builds at most ${MAX} ${what.endsWith('items') ? 'items' : 'characters'}, the size of CloudFormation's largest template body`);
    });
  }

  it('results of exactly the limit are built', () => {
    const r = renderTemplate(holding({ a: { 'Fn::Join': ['', [half, half]] }, b: { 'Fn::Split': [',', ','.repeat(MAX - 1)] } }));
    const x = r.Resources.T.Metadata as { x: { a: string; b: string[] } };
    expect([x.x.a.length, x.x.b.length]).to.deep.equal([MAX, MAX]);
  });

  it(`${TEXT} characters of text in all: a long string repeated through aliases, or a 4 KB parameter through 20,000 Refs, is refused where it passes`, function () {
    const shared = 'y'.repeat(MAX - 100);
    const e = failure(() => renderTemplate(holding(Array(20).fill(shared))));
    expect(e.message).to.equal(`/Resources/T/Metadata/x/${Math.floor(TEXT / shared.length)}: this string takes the rendered template past ${TEXT} characters of text, this tool's limit (ten times CloudFormation's largest template body); is a value repeated over and over (YAML aliases, Ref)?`);
    const refs = `Parameters:\n  P:\n    Type: String\n    Default: ${'p'.repeat(QUOTAS.parameterValueBytes)}\n${MINIMAL}    Metadata:\n      r: [${Array(20_000).fill('!Ref P').join(', ')}]\n`;
    everyCommand(refs, { validate: 0, diff: 1, render: 2 }, new RegExp(`valid|nodegroup\\.yaml|/Resources/Topic/Metadata/r/\\d+/Ref: Ref P takes the rendered template past ${TEXT} characters`));
  });

  it('a message about a huge argument shows its kind, not gigabytes of JSON (the Node process aborted)', function () {
    const dir = tempDir();
    const file = path.join(dir, 'select.yaml');
    fs.writeFileSync(file, `${MINIMAL}    Metadata:\n      a: &a ${'y'.repeat(900_000)}\n      n: !Select {x: [${Array(5000).fill('*a').join(',')}]}\n`);
    const r = runBin(['render', file], { timeoutMs: 3 * CASE_MS });
    expect(r.code, r.stderr.slice(0, 300)).to.equal(2);
    expect(r.stderr).to.match(/\/Resources\/Topic\/Metadata\/n\/Fn::Select: Fn::Select takes a list of 2 arguments, got an object\n$/);
  });
});

describe('hostile templates: conditions are evaluated in dependency order, cycles refused', () => {
  /** `n` conditions, each the negation of the next; the last is `last`. */
  const chain = (n: number, last: string) =>
    ['Conditions:', ...Array.from({ length: n - 1 }, (_, i) => `  C${i.toString(36)}: !Not [!Condition C${(i + 1).toString(36)}]`), `  C${(n - 1).toString(36)}: ${last}`, MINIMAL.replace('AWS::SNS::Topic', 'AWS::SNS::Topic\n    Condition: C0')].join('\n');

  it('a chain of 800 conditions renders (it overflowed the stack: exit 70)', function () {
    // The last is true and C0 negates it 799 times: false, so the topic is left out.
    everyCommand(chain(800, '!Equals [a, a]'), { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|Resources: \{\}/);
    const r = renderTemplate(parseTemplate(chain(800, '!Equals [a, a]')));
    expect(Object.values(r.Conditions).filter((v) => v)).to.have.length(800 / 2);
    expect(r.Conditions.C0).to.equal(false);
  });

  it('30,000 conditions (CloudFormation sets no quota on them) validate, diff and render in linear time', function () {
    const text = chain(30_000, '!Equals [a, a]');
    expect(Buffer.byteLength(text)).to.be.below(QUOTAS.s3BodyBytes);
    everyCommand(text, { validate: 0, diff: 1, render: 0 }, /valid|nodegroup\.yaml|Resources: \{\}/);
  });

  it('a cycle of conditions is refused by render (exit 2) and an error finding of validate, naming the cycle', function () {
    everyCommand(chain(3, '!Not [!Condition C0]'), { validate: 1, diff: 1, render: 2 }, /condition "C0" depends on itself \(C0 → C1 → C2 → C0\); CloudFormation refuses circular condition dependencies|nodegroup\.yaml/);
    const findings = validateTemplate(parseTemplate(chain(3, '!Not [!Condition C0]')));
    expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.pointer}`)).to.deep.equal(['condition-cycle /Conditions/C0']);
  });

  it('a condition used through Fn::If comes first; one named inside Fn::Equals is a value, not a use', () => {
    const t = parseTemplate(`Conditions:\n  A: !Equals [!If [B, x, y], x]\n  B: !Equals [a, a]\n  C: !Equals [{Condition: C}, {Condition: C}]\n${MINIMAL}`);
    expect(renderTemplate(t).Conditions).to.deep.equal({ A: true, B: true, C: true });
    const cyclic = parseTemplate(`Conditions:\n  A: !Equals [!If [A, x, y], x]\n${MINIMAL}`);
    expect(failure(() => renderTemplate(cyclic)).message).to.equal('/Conditions/A: condition "A" depends on itself (A → A); CloudFormation refuses circular condition dependencies');
  });
});

describe('hostile templates: diff judges impact one resource at a time', () => {
  /** What cloudformation-diff's fullDiff says of each changed resource when given whole templates (the oracle). */
  function wholeTemplate(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, { impact: string; properties: Record<string, string> }> {
    const names: Record<string, string> = { NO_CHANGE: 'none', WILL_CREATE: 'create', WILL_UPDATE: 'update', MAY_REPLACE: 'may-replace', WILL_REPLACE: 'replace', WILL_DESTROY: 'destroy', WILL_ORPHAN: 'orphan' };
    const out: Record<string, { impact: string; properties: Record<string, string> }> = {};
    fullDiff({ Resources: a.Resources }, { Resources: b.Resources }).resources.forEachDifference((id, ch) => {
      const properties: Record<string, string> = {};
      for (const [p, u] of Object.entries(ch.propertyUpdates)) properties[p] = names[u.changeImpact ?? 'NO_CHANGE'];
      out[id] = { impact: names[ch.changeImpact], properties };
    });
    return out;
  }
  function agree(a: Record<string, unknown>, b: Record<string, unknown>): number {
    const mine = resourceImpacts(a, b).resources;
    const theirs = wholeTemplate(a, b);
    const ra = a.Resources as Record<string, unknown>;
    const rb = b.Resources as Record<string, unknown>;
    const changed = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((id) => !cfnEqual(ra[id], rb[id]));
    for (const id of changed) expect({ id, ...mine[id] }, id).to.deep.include({ id, impact: theirs[id]?.impact, properties: theirs[id]?.properties });
    return changed.length;
  }

  it('agrees with fullDiff on whole templates for our templates and each pair of AWS templates in date order', function () {
    const ours = ['nodegroup-al2.yaml', 'nodegroup.yaml', 'nodegroup-bottlerocket.yaml'].map((f) => parseTemplate(fs.readFileSync(path.join(ROOT, 'templates', f), 'utf8')));
    let compared = agree(ours[0], ours[1]) + agree(ours[1], ours[2]);
    if (fs.existsSync(SHARED_TEMPLATES)) {
      const aws = awsTemplateFiles().map((f) => parseTemplate(f.text));
      for (let i = 1; i < aws.length; i++) compared += agree(aws[i - 1], aws[i]);
      compared += agree(aws[aws.length - 1], ours[1]);
    }
    expect(compared).to.be.greaterThan(0);
  });

  /** n security groups, each described by a Ref to the one before (a description change replaces the group). */
  const chain = (n: number, first: string, tag: string): Record<string, unknown> => {
    const r: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      r[`SG${i}`] = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: i ? { Ref: `SG${i - 1}` } : first, VpcId: 'vpc-1', Tags: [{ Key: 'k', Value: tag }] } };
    }
    return { Resources: r };
  };

  it('propagates a replacement along references as fullDiff does (a chain of 20, each also re-tagged)', () => {
    expect(agree(chain(20, 'a', 'x'), chain(20, 'b', 'y'))).to.equal(20);
    expect(resourceImpacts(chain(20, 'a', 'x'), chain(20, 'b', 'y')).resources.SG19.impact).to.equal('replace');
  });

  it(`a chain of ${QUOTAS.resources} replacements (cubic in fullDiff: 200 took 5 s) takes well under the bound`, () => {
    const t0 = Date.now();
    const d = diffTemplates(chain(QUOTAS.resources, 'a', 'x'), chain(QUOTAS.resources, 'b', 'y'));
    expect(Date.now() - t0).to.be.below(CASE_MS);
    expect(d.entries.filter((e) => e.impact === 'replace')).to.have.length(QUOTAS.resources);
  });

  it('a replaced resource holding lists nested 40 deep (2^depth in fullDiff) takes well under the bound', () => {
    let v: unknown = 'x';
    for (let i = 0; i < 40; i++) v = [v];
    const t = (d: string) => ({ Resources: { SG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: d, VpcId: 'vpc-1' }, Metadata: { deep: v } } } });
    const t0 = Date.now();
    expect(diffTemplates(t('a'), t('b')).entries[0].impact).to.equal('replace');
    expect(Date.now() - t0).to.be.below(CASE_MS);
  });
});

describe('hostile templates: what CloudFormation refuses is refused first, with the limit named', () => {
  const topic = (i: number | string) => [`T${i}`, { Type: 'AWS::SNS::Topic' }];
  const json = (t: unknown) => JSON.stringify(t);

  it(`a body over ${QUOTAS.s3BodyBytes} bytes (a 10 MB instance-type string): validate finds it without parsing, diff and render refuse it`, function () {
    const text = json({ Parameters: { NodeInstanceType: { Type: 'String', Default: 'm'.repeat(10_000_000) } }, Resources: Object.fromEntries([topic(0)]) });
    everyCommand(text, { validate: 1, diff: 2, render: 2 }, new RegExp(`over CloudFormation's limit of ${QUOTAS.s3BodyBytes} bytes|CloudFormation accepts at most ${QUOTAS.s3BodyBytes} bytes`));
  });

  it(`20,000 resources: over the quota of ${QUOTAS.resources}`, function () {
    everyCommand(json({ Resources: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => topic(i))) }), { validate: 1, diff: 2, render: 2 }, new RegExp(`20000 resources: CloudFormation allows at most ${QUOTAS.resources}`));
  });

  it(`two 300 KB names: over the name length of ${QUOTAS.nameLength}, and no edit distance between them is computed`, function () {
    const text = json({ Resources: { ['A'.repeat(300_000)]: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'B'.repeat(300_000) } } } } });
    everyCommand(text, { validate: 1, diff: 2, render: 2 }, new RegExp(`is 300000 characters long; CloudFormation allows at most ${QUOTAS.nameLength}`));
  });

  it(`a Default of 100,000 characters: over the parameter value size of ${QUOTAS.parameterValueBytes} bytes`, function () {
    const text = json({ Parameters: { NodeInstanceType: { Type: 'String', Default: 'm'.repeat(100_000), AllowedValues: ['m5.large'] } }, Resources: Object.fromEntries([topic(0)]) });
    everyCommand(text, { validate: 1, diff: 2, render: 2 }, new RegExp(`100000 bytes; CloudFormation allows parameter values of at most ${QUOTAS.parameterValueBytes}`));
  });

  it(`40,000 mapping keys (200,000 are over the body size): over the quota of ${QUOTAS.mappingKeys} keys`, function () {
    const m = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, { v: i }]));
    everyCommand(json({ Mappings: { M: m }, Resources: Object.fromEntries([topic(0)]) }), { validate: 1, diff: 2, render: 2 }, new RegExp(`has 40000 top-level keys; CloudFormation allows at most ${QUOTAS.mappingKeys}`));
  });

  it(`50,000 findings: validate reports the first ${MAX_FINDINGS} and counts the rest`, function () {
    const props: Record<string, unknown> = { GroupDescription: 'd' };
    for (let i = 0; i < 50_000; i++) props[`Gx${i}`] = i;
    const text = json({ Resources: { SG: { Type: 'AWS::EC2::SecurityGroup', Properties: props } } });
    everyCommand(text, { validate: 1, diff: 1, render: 0 }, /./);
    const findings = validateTemplate(parseTemplate(text));
    expect(findings).to.have.length(MAX_FINDINGS + 1);
    expect(findings[MAX_FINDINGS]).to.include({ rule: 'too-many-findings', severity: 'error' });
    const more = Number(/^(\d+) more findings/.exec(findings[MAX_FINDINGS].message)?.[1]);
    expect(more + MAX_FINDINGS).to.be.at.least(50_000);
  });

  it('50 list parameters of 680 values, none among 4,500 AllowedValues: render names the first few of each, validate its first findings, in seconds', function () {
    const allowed = `[${Array.from({ length: 4500 }, (_, i) => `v${i}`).join(', ')}]`;
    const lines = ['Parameters:'];
    const items = 680;
    for (let i = 0; i < 50; i++) lines.push(`  P${i}:`, '    Type: CommaDelimitedList', `    AllowedValues: ${i ? '*allowed' : `&allowed ${allowed}`}`, `    Default: ${Array(items).fill('v44x').join(',')}`);
    everyCommand(`${lines.join('\n')}\n${MINIMAL}`, { validate: 1, diff: 1, render: 2 }, /is not one of (its|the parameter's) AllowedValues|nodegroup\.yaml/);
    const e = failure(() => renderTemplate(parseTemplate(`${lines.join('\n')}\n${MINIMAL}`)));
    expect(e.message).to.include(`; and ${items - 5} more problems with its values`);
  });

  it('within the quotas, the library refuses nothing: a template at every limit validates, diffs and renders', () => {
    const t = {
      Parameters: Object.fromEntries(Array.from({ length: QUOTAS.parameters }, (_, i) => [`P${i}`, { Type: 'String', Default: 'x'.repeat(QUOTAS.parameterValueBytes) }])),
      Resources: Object.fromEntries(Array.from({ length: QUOTAS.resources }, (_, i) => [`${'R'.repeat(QUOTAS.nameLength - 4)}${String(i).padStart(4, '0')}`, { Type: 'AWS::SNS::Topic' }])),
    };
    const t0 = Date.now();
    expect(validateTemplate(t).filter((f) => f.rule === 'quota')).to.deep.equal([]);
    expect(diffTemplates(t, t).identical).to.equal(true);
    expect(Object.keys(renderTemplate(t).Resources)).to.have.length(QUOTAS.resources);
    expect(Date.now() - t0).to.be.below(CASE_MS);
  });
});

describe('typed errors: every export of the package, given wrong arguments', () => {
  const cyclic: Record<string, unknown> = { Resources: {} };
  (cyclic.Resources as Record<string, unknown>).X = cyclic;
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const wrong: unknown[] = [undefined, null, 42, '', 'x', {}, [], true, cyclic, deep, () => 1, Symbol('s')];
  const template = { Resources: { T: { Type: 'AWS::SNS::Topic' } } };
  const argSets: unknown[][] = [...wrong.map((w) => [w]), ...wrong.map((w) => [template, w]), ...wrong.map((w) => ['m5.large', w])];
  const exported = Object.entries(lib).filter(([name, v]) => typeof v === 'function' && name !== 'EksNodegroupError') as [string, (...a: unknown[]) => unknown][];

  it(`returns or throws an EksNodegroupError, never a TypeError or RangeError from inside (${exported.length} functions × ${argSets.length} argument lists)`, async function () {
    const escaped: string[] = [];
    for (const [name, fn] of exported) {
      for (const args of argSets) {
        try {
          await fn(...args);
        } catch (e) {
          if (!(e instanceof EksNodegroupError)) escaped.push(`${name}(${args.map((a) => (a === cyclic ? 'cyclic' : a === deep ? 'deep' : typeof a === 'symbol' ? 'symbol' : shown(a, 20))).join(', ')}): ${(e as Error).name}: ${(e as Error).message}`);
        }
      }
    }
    expect(escaped).to.deep.equal([]);
    expect(exported.map(([n]) => n)).to.include.members(['maxPods', 'toYaml', 'renderTemplate', 'validateTemplate', 'diffTemplates']);
  });

  for (const v of [null, undefined]) {
    it(`maxPods(${v}) names the argument and what it takes`, () => {
      const e = failure(() => lib.maxPods(v as unknown as string));
      expect(e.code).to.equal('BAD_INPUT');
      expect(e.message).to.equal(`maxPods: the instance type must be an instance type name such as "m5.large", or the facts getInstanceType returns, got ${v}`);
    });
  }

  it('validateTemplate and diffTemplates refuse what is not a template object', () => {
    expect(failure(() => lib.validateTemplate('Resources: {}')).message).to.match(/^validateTemplate: expected a template object/);
    expect(failure(() => lib.diffTemplates(template, { name: 'app' })).message).to.match(/^new template: not a CloudFormation template/);
  });
});

describe('hostile templates: a diff of a million changes', () => {
  /** 400 bytes whose aliases expand to 900,000 values: every scalar differs between the two. */
  const expanding = (v: number): string =>
    [
      ...MINIMAL.split('\n').slice(0, 3),
      '    Metadata:',
      `      a0: &a0 [${Array(10).fill(v).join(', ')}]`,
      ...Array.from({ length: 4 }, (_, i) => `      a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
      `      b: [${Array(7).fill('*a4').join(', ')}]`,
      '',
    ].join('\n');

  it(`lists the first ${MAX_CHANGES} value changes, says the rest are left out, and takes seconds (1.8 million took 9 s and then refused its own output)`, function () {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'a.yaml'), expanding(1));
    fs.writeFileSync(path.join(dir, 'b.yaml'), expanding(2));
    const t0 = Date.now();
    const r = runBin(['diff', path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')]);
    expect(Date.now() - t0).to.be.below(CASE_MS);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.include(`a diff lists the first ${MAX_CHANGES}`);
    const d = diffTemplates(parseTemplate(expanding(1)), parseTemplate(expanding(2)));
    expect(d.truncated).to.equal(true);
    expect(d.entries.reduce((n, e) => n + e.changes.length, 0)).to.equal(MAX_CHANGES);
  });
});

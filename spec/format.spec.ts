/** lib/format: the text and JSON reports of a TemplateDiff (rendering only; the diff is lib/diff's). */
import fc from 'fast-check';
import YAML from 'yaml';
import { expect } from 'chai';
import { diffTemplates } from '../lib/diff';
import { flow, formatDiffJson, formatDiffText, IMPACT_TEXT, ONE_SIDED_ROWS_LIMIT, showValue } from '../lib/format';
import { instanceTypeNames } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';

type T = Record<string, unknown>;

const a: T = {
  Parameters: { T: { Type: 'String', AllowedValues: ['a', 'b'] } },
  Resources: {
    LT: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: { LaunchTemplateName: 'x', LaunchTemplateData: { KeyName: { Ref: 'KeyName' }, UserData: { 'Fn::Base64': { 'Fn::Sub': 'one\ntwo\nthree\n' } } } },
    },
  },
};
const b: T = {
  Parameters: { T: { Type: 'String', AllowedValues: ['a', 'b', 'c', 'd', 'e'] } },
  Resources: {
    LT: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateName: 'y',
        LaunchTemplateData: { KeyName: { 'Fn::If': ['HasKey', { Ref: 'KeyName' }, { Ref: 'AWS::NoValue' }] }, UserData: { 'Fn::Base64': { 'Fn::Sub': 'one\n2\nthree\n' } } },
      },
    },
  },
};

describe('format: diff reports', () => {
  const d = diffTemplates(a, b);

  it('values in YAML flow style with short-form intrinsics; long scalar lists as a count', () => {
    expect(flow({ 'Fn::If': ['HasKey', { Ref: 'KeyName' }, { Ref: 'AWS::NoValue' }] })).to.equal('!If [HasKey, !Ref KeyName, !Ref AWS::NoValue]');
    expect(flow({ 'Fn::GetAtt': ['Role', 'Arn'] })).to.equal('!GetAtt Role.Arn');
    expect(flow({ A: 'true', B: '', C: 1, D: 'x y' })).to.equal('{A: "true", B: "", C: 1, D: x y}');
    expect(showValue(Array.from({ length: 20 }, (_, i) => `t${i}`))).to.equal('[20 values: t0, t1, t2, …]');
    expect(showValue('line\nline')).to.equal('"line\\nline"');
  });

  it('text: [+]/[~] marks, grouped list additions, impact words, user data hunks, summary', () => {
    const text = formatDiffText(d, { oldLabel: 'a.yaml', newLabel: 'b.yaml' });
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['--- a.yaml', '+++ b.yaml']);
    expect(lines).to.include('    [+] AllowedValues: 3 values added: c, d, e');
    expect(lines).to.include(`[~] LT AWS::EC2::LaunchTemplate — ${IMPACT_TEXT.replace}`);
    expect(lines).to.include(`    [~] LaunchTemplateName: x → "y" — ${IMPACT_TEXT.replace}`);
    expect(lines).to.include(`    [~] LaunchTemplateData.KeyName: !Ref KeyName → !If [HasKey, !Ref KeyName, !Ref AWS::NoValue] — ${IMPACT_TEXT.update}`);
    expect(lines).to.include(`    [~] LaunchTemplateData.UserData (Fn::Base64 › Fn::Sub): text, 1 line removed, 1 added — ${IMPACT_TEXT.update}`);
    expect(lines).to.include.members(['        @@ -1,3 +1,3 @@', '         one', '        -two', '        +2', '         three']);
    expect(text.endsWith('Summary: 0 added, 0 removed, 2 changed.\n')).to.equal(true);
  });

  it('colour only when asked; the words are the same either way', () => {
    const plain = formatDiffText(d);
    const colour = formatDiffText(d, { color: true });
    expect(plain).to.not.include('\u001b[');
    expect(colour).to.include('\u001b[');
    expect(colour.replace(/\u001b\[[0-9;]*m/g, '')).to.equal(plain);
  });

  it('deterministic: the same diff gives the same bytes, text and JSON', () => {
    expect(formatDiffText(diffTemplates(a, b))).to.equal(formatDiffText(d));
    expect(formatDiffJson(diffTemplates(a, b), { oldLabel: 'a', newLabel: 'b' })).to.equal(formatDiffJson(d, { oldLabel: 'a', newLabel: 'b' }));
  });

  it('JSON: labels first, then the diff with pointers', () => {
    const doc = JSON.parse(formatDiffJson(d, { oldLabel: 'a', newLabel: 'b' }));
    expect(Object.keys(doc).slice(0, 3)).to.deep.equal(['old', 'new', 'identical']);
    expect(doc.entries.map((e: { pointer: string }) => e.pointer)).to.deep.equal(['/Parameters/T', '/Resources/LT']);
  });

  it('no differences: says so', () => {
    expect(formatDiffText(diffTemplates(a, a))).to.equal('The templates are the same to CloudFormation (no differences).\n\nSummary: no differences.\n');
  });

  it('max pods: types only on one side are listed up to a limit, then counted (--all lists them); wrong values always', () => {
    const names = instanceTypeNames().slice(0, ONE_SIDED_ROWS_LIMIT + 5);
    const table = (types: readonly string[], wrong?: string) =>
      Object.fromEntries(types.map((t) => [t, { MaxPods: t === wrong ? maxPods(t) + 1 : maxPods(t) }]));
    const old = { Mappings: { MaxPodsPerNode: table(names.slice(0, 2), names[0]) }, Resources: {} };
    const many = { Mappings: { MaxPodsPerNode: table(names) }, Resources: {} };
    const text = formatDiffText(diffTemplates(old, many));
    expect(text).to.include(`${names[0]}`); // its old value is wrong: listed
    expect(text).to.include(`(${names.length - 2} types on one side only, values matching the data: 0 only in old, ${names.length - 2} only in new; --all lists them)`);
    expect(text).to.not.include(`${names[5]} `);
    const all = formatDiffText(diffTemplates(old, many), { allMaxPods: true });
    for (const t of names) expect(all).to.include(`${t} `);
    const few = { Mappings: { MaxPodsPerNode: table(names.slice(0, ONE_SIDED_ROWS_LIMIT)) }, Resources: {} };
    expect(formatDiffText(diffTemplates(old, few))).to.include(`${names[5]} `).and.not.include('types on one side only');
  });
});

describe('format: one-line values are YAML that reads back as the same value', () => {
  it('any string, in a flow list and as a mapping key (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        expect(YAML.parse(`v: ${flow([s, { [s]: s }])}`).v).to.deep.equal([s, { [s]: s }]);
      }),
      { seed: 11, numRuns: 2000 },
    );
    for (const s of ['-', 'a: b', '@x', 'x,y', '${A}-b', '[x]', '#', 'a #b', '?', '- x']) expect(YAML.parse(`v: ${flow([s])}`).v, s).to.deep.equal([s]);
  });
});

/** lib/format: the text and JSON reports of a TemplateDiff (rendering only; the diff is lib/diff's). */
import { expect } from 'chai';
import { diffTemplates } from '../lib/diff';
import { flow, formatDiffJson, formatDiffText, IMPACT_TEXT, showValue } from '../lib/format';

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
    expect(lines).to.include(`    [~] LaunchTemplateName: x → y — ${IMPACT_TEXT.replace}`);
    expect(lines).to.include(`    [~] LaunchTemplateData.KeyName: !Ref KeyName → !If [HasKey, !Ref KeyName, !Ref AWS::NoValue] — ${IMPACT_TEXT.update}`);
    expect(lines).to.include(`    [~] LaunchTemplateData.UserData (Fn::Base64 › Fn::Sub): text, 1 line(s) removed, 1 added — ${IMPACT_TEXT.update}`);
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
});

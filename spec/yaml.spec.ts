import { expect } from 'chai';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EksNodegroupError } from '../lib/core';
import { parseTemplate, parseTemplateWithSource, toYaml } from '../lib/yaml';
import { awsTemplateFiles, failure, requireShared, ROOT, SHARED_TEMPLATES } from './helpers';

const parseFailure = (text: string): EksNodegroupError => failure(() => parseTemplate(text, 'in.yaml'));

describe('CloudFormation YAML', () => {
  it('reads every short form into the long form', () => {
    const t = parseTemplate(
      [
        'Resources:',
        '  A:',
        '    Type: X',
        '    Properties:',
        '      R: !Ref Param',
        '      G: !GetAtt Res.Outputs.Name',
        '      G2: !GetAtt [Res, Arn]',
        '      S: !Sub "arn:${AWS::Partition}:x"',
        '      J: !Join ["", [a, !Ref B]]',
        '      B: !Base64',
        '        Fn::Sub: |',
        '          line ${X}',
        '      I: !If [C, !Ref "AWS::NoValue", 1]',
        '      Z: !GetAZs ""',
        '      E: !Equals [!Ref A, "yes"]',
      ].join('\n'),
    );
    expect((t.Resources as any).A.Properties).to.deep.equal({
      R: { Ref: 'Param' },
      G: { 'Fn::GetAtt': ['Res', 'Outputs.Name'] },
      G2: { 'Fn::GetAtt': ['Res', 'Arn'] },
      S: { 'Fn::Sub': 'arn:${AWS::Partition}:x' },
      J: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] },
      B: { 'Fn::Base64': { 'Fn::Sub': 'line ${X}\n' } },
      I: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, 1] },
      Z: { 'Fn::GetAZs': '' },
      E: { 'Fn::Equals': [{ Ref: 'A' }, 'yes'] },
    });
  });

  it('writes short forms, one tag per node, and quotes what YAML 1.1 would misread', () => {
    const text = toYaml({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        A: {
          Type: 'X',
          Properties: {
            R: { Ref: 'P' },
            G: { 'Fn::GetAtt': ['Res', 'Arn'] },
            U: { 'Fn::Base64': { 'Fn::Sub': 'a\nb ${P}\n' } },
            Y: 'yes',
            O: '0777',
            Num: 1,
          },
        },
      },
    });
    expect(text).to.contain('AWSTemplateFormatVersion: "2010-09-09"\n');
    expect(text).to.contain('R: !Ref P\n');
    // The list form: policy checkers such as cfn-guard read the dotted short form as a string.
    expect(text).to.contain('G: !GetAtt [Res, Arn]\n');
    expect(text).to.contain('      U: !Base64\n        Fn::Sub: |\n          a\n          b ${P}\n');
    expect(text).to.contain('"Y": "yes"\n').and.to.contain('O: "0777"\n').and.to.contain('Num: 1\n');
    expect(text).to.not.match(/ $/m);
  });

  it('round-trips every committed template byte for byte and value for value', () => {
    const dir = path.join(ROOT, 'templates');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).to.be.at.least(3);
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const t = parseTemplate(text, f);
      expect(parseTemplate(toYaml(t)), f).to.deep.equal(t);
      expect(toYaml(t), f).to.equal(text);
    }
  });

  it('round-trips the 9 AWS-published templates', function () {
    requireShared(this, SHARED_TEMPLATES);
    const files = awsTemplateFiles();
    expect(files).to.have.length(9);
    for (const { name, text } of files) {
      const t = parseTemplate(text, name);
      expect(t, name).to.have.property('Resources');
      expect(parseTemplate(toYaml(t)), name).to.deep.equal(t);
    }
  });

  it('reads JSON templates too', () => {
    const t = { Resources: { A: { Type: 'X', Properties: { R: { Ref: 'P' }, V: '2010-09-09', N: 5 } } } };
    expect(parseTemplate(JSON.stringify(t, null, 2))).to.deep.equal(t);
  });

  it('locates a JSON pointer as line and column, through tags', () => {
    const text = 'Resources:\n  A:\n    Type: X\n    Properties:\n      Tags: !If\n        - C\n        - !Ref P\n';
    const p = parseTemplateWithSource(text, 'f.yaml');
    expect(p.locate('/Resources/A/Type')).to.deep.equal({ line: 3, col: 11 });
    expect(p.locate('/Resources/A/Properties/Tags/Fn::If/1/Ref')).to.deep.equal({ line: 7, col: 16 });
  });

  describe('bad input', () => {
    const cases: [string, string, RegExp][] = [
      ['unknown tag (points at the tag, suggests the closest)', 'Resources:\n  A:\n    Type: !Reff X\n', /^in\.yaml:3:11: unknown tag !Reff \(did you mean !Ref\?/],
      ['syntax error with line and column', 'Resources:\n  A:\n    Type: "X\n', /^in\.yaml:\d+:\d+: /],
      ['duplicate key', 'Resources: {}\nResources: {}\n', /^in\.yaml:2:\d+: duplicated mapping key/],
      ['a list, not a template', '- a\n- b\n', /not a CloudFormation template/],
      ['a scalar, not a template', 'hello\n', /not a CloudFormation template/],
      ['empty document', '', /not a CloudFormation template/],
      ['binary data', 'Resources:\u0000\u0001', /binary data/],
      ['!GetAtt without an attribute', 'Resources:\n  A:\n    Type: !GetAtt Res\n', /expected Resource\.Attribute/],
    ];
    for (const [what, text, re] of cases) {
      it(what, () => {
        const e = parseFailure(text);
        expect(e.code).to.equal('PARSE_ERROR');
        expect(e.message).to.match(re);
      });
    }

    it('refuses a YAML alias bomb quickly instead of expanding it', () => {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      lines.push('Resources: *a9');
      const e = parseFailure(lines.join('\n'));
      expect(e.message).to.contain('alias bomb');
    });

    it('refuses values YAML cannot carry when writing', () => {
      expect(() => toYaml({ A: undefined as unknown, B: { C: () => 1 } })).to.throw(EksNodegroupError, /function/);
    });

    it('writes an object that is not a plain one (Set, Map, RegExp, no prototype) as a mapping of its own keys', () => {
      const bare = Object.create(null) as Record<string, unknown>;
      bare.k = 1;
      expect(toYaml({ A: new Set([1]), B: new Map([[1, 2]]), C: /x/, D: bare, E: Object.assign(new (class X {})(), { f: { Ref: 'P' } }) })).to.equal(
        'A: {}\nB: {}\nC: {}\nD:\n  k: 1\nE:\n  f: !Ref P\n',
      );
    });
  });

  it('property: any JSON-like template round-trips through toYaml/parseTemplate', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9:._-]{0,12}$/);
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constantFrom('yes', 'no', 'on', '0777', '2010-09-09', '1.10', '-1', '', 'a\nb\n', ' lead', 'null', '~'));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 }), tie('fn')),
      fn: fc.oneof(
        key.map((k) => ({ Ref: k })),
        fc.tuple(key, key).map(([a, b]) => ({ 'Fn::GetAtt': [a.replace(/\./g, ''), b] })),
        fc.string().map((s) => ({ 'Fn::Sub': s })),
        fc.array(tie('v'), { maxLength: 3 }).map((a) => ({ 'Fn::If': a })),
        fc.string().map((s) => ({ 'Fn::Base64': { 'Fn::Sub': s } })),
      ),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), (t) => {
        expect(parseTemplate(toYaml(t))).to.deep.equal(t);
      }),
      { seed: 20261127, numRuns: 300 },
    );
  });
});

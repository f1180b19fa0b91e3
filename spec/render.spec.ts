/**
 * lib/render: renderTemplate on synthetic templates (each intrinsic, each error) and on the 9 AWS
 * reference templates, the user-data helpers, and the `render` command.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EksNodegroupError } from '../lib/core';
import {
  decodeUserData,
  maxPodsFromUserData,
  partitionOfRegion,
  RenderError,
  renderTemplate,
  userDataOf,
  type ParameterValue,
  type RenderOptions,
} from '../lib/render';
import { intrinsicKey } from '../lib/core';
import { parseTemplate, toYaml } from '../lib/yaml';
import { REQUIRED_PARAMETERS, requireShared, runBin, runCli, SHARED_TEMPLATES, tempDir } from './helpers';
import { architectureOf, instanceTypeNames } from '../lib/instance-types';
import { buildNodeGroupTemplate } from '../lib/nodegroup';

type T = Record<string, unknown>;

/** A minimal template around one resource's properties, with optional extra sections. */
function tpl(props: unknown, extra: T = {}): T {
  return { Resources: { R: { Type: 'AWS::Test::Thing', Properties: props } }, ...extra };
}

/** Renders and returns R's Properties. */
function props(template: T, params: Record<string, ParameterValue> = {}, options: RenderOptions = {}): T {
  return renderTemplate(template, params, options).Resources.R.Properties as T;
}

function renderError(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(RenderError);
    expect(e).to.be.instanceOf(EksNodegroupError);
    expect((e as EksNodegroupError).exitCode).to.equal(2);
    return e as RenderError;
  }
  expect.fail('expected a RenderError');
}

/** Every intrinsic left in a rendered value (there should be none). */
function leftoverIntrinsics(v: unknown, at = ''): string[] {
  if (v === null || typeof v !== 'object') return [];
  if (Array.isArray(v)) return v.flatMap((x, i) => leftoverIntrinsics(x, `${at}/${i}`));
  const k = intrinsicKey(v);
  if (k) return [`${at}: ${k}`];
  return Object.entries(v).flatMap(([key, x]) => leftoverIntrinsics(x, `${at}/${key}`));
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('renderTemplate', () => {
  describe('parameters', () => {
    const params = {
      Name: { Type: 'String' },
      WithDefault: { Type: 'String', Default: 'dflt' },
      Size: { Type: 'Number', Default: 20 },
      Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
      Names: { Type: 'CommaDelimitedList', Default: 'a, b ,c' },
      Ami: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/x/image_id' },
    };
    const t = tpl(
      { name: { Ref: 'Name' }, d: { Ref: 'WithDefault' }, size: { Ref: 'Size' }, subnets: { Ref: 'Subnets' }, names: { Ref: 'Names' }, ami: { Ref: 'Ami' } },
      { Parameters: params },
    );

    it('takes given values, falls back to Default, and is Type-aware', () => {
      const p = props(t, { Name: 'n1', Subnets: 'subnet-1,subnet-2' });
      expect(p).to.deep.equal({
        name: 'n1',
        d: 'dflt',
        size: '20', // CloudFormation hands a Number parameter to Ref as a string
        subnets: ['subnet-1', 'subnet-2'],
        names: ['a', 'b', 'c'], // CommaDelimitedList members are space-trimmed
        ami: '<ssm:/aws/service/x/image_id>',
      });
    });

    it('accepts lists as arrays and numbers as numbers', () => {
      const p = props(t, { Name: 'n', Subnets: ['s-1'], Size: 42 });
      expect(p.subnets).to.deep.equal(['s-1']);
      expect(p.size).to.equal('42');
    });

    it('uses SSM parameter values the caller gives', () => {
      const p = props(t, { Name: 'n', Subnets: 's', Ami: '/my/ami' }, { ssmParameters: { '/my/ami': 'ami-0abc' } });
      expect(p.ami).to.equal('ami-0abc');
    });

    it('lists the resolved parameters in the output', () => {
      const r = renderTemplate(t, { Name: 'n', Subnets: 's-1' });
      expect(r.Parameters.Name).to.equal('n');
      expect(r.Parameters.Subnets).to.deep.equal(['s-1']);
    });

    it('names every missing parameter without a Default at once', () => {
      const e = renderError(() => renderTemplate(t, {}));
      expect(e.message).to.match(/missing value for parameters without a Default: Name, Subnets\b/);
      expect(e.message).to.not.match(/WithDefault/);
    });

    it('with placeholders, a parameter without value or Default renders as <Name> (lists as one item)', () => {
      const r = renderTemplate(t, {}, { placeholders: true });
      expect(r.Parameters.Name).to.equal('<Name>');
      expect(r.Parameters.Subnets).to.deep.equal(['<Subnets>']);
    });

    it('names an unknown parameter and the closest declared names', () => {
      const e = renderError(() => renderTemplate(t, { Name: 'n', Subnets: 's', Subnet: 'x' }));
      expect(e.message).to.match(/unknown parameter "Subnet"; did you mean Subnets/);
    });

    it('rejects a value not in AllowedValues, naming the closest allowed ones', () => {
      const at = tpl({ x: { Ref: 'Type' } }, { Parameters: { Type: { Type: 'String', AllowedValues: ['t3.micro', 't3.small', 'm5.large'] } } });
      expect(props(at, { Type: 't3.small' }).x).to.equal('t3.small');
      const e = renderError(() => renderTemplate(at, { Type: 't3.smal' }));
      expect(e.message).to.match(/parameter Type: "t3\.smal" is not one of its AllowedValues \(closest: t3\.small/);
    });

    it('rejects a value not matching AllowedPattern, with the ConstraintDescription', () => {
      const pt = tpl(
        { x: { Ref: 'Cidr' } },
        { Parameters: { Cidr: { Type: 'String', AllowedPattern: '\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+', ConstraintDescription: 'must be a CIDR block' } } },
      );
      expect(props(pt, { Cidr: '10.0.0.0/16' }).x).to.equal('10.0.0.0/16');
      // The pattern must match the whole value, as in CloudFormation.
      const e = renderError(() => renderTemplate(pt, { Cidr: 'x10.0.0.0/16' }));
      expect(e.message).to.match(/parameter Cidr: "x10\.0\.0\.0\/16" does not match its AllowedPattern .* — must be a CIDR block/);
    });

    it('rejects a Number parameter that is not a number, and out-of-range values', () => {
      const nt = tpl({ x: { Ref: 'N' } }, { Parameters: { N: { Type: 'Number', MinValue: 1, MaxValue: 10 } } });
      expect(props(nt, { N: '2.5' }).x).to.equal('2.5');
      expect(renderError(() => renderTemplate(nt, { N: 'ten' })).message).to.match(/parameter N: "ten" is not a Number/);
      expect(renderError(() => renderTemplate(nt, { N: '11' })).message).to.match(/11 is above its MaxValue 10/);
      expect(renderError(() => renderTemplate(nt, { N: '0' })).message).to.match(/0 is below its MinValue 1/);
    });

    it('checks MinLength and MaxLength, and a list given to a single-value parameter', () => {
      const lt = tpl({ x: { Ref: 'S' } }, { Parameters: { S: { Type: 'String', MinLength: 2, MaxLength: 3 } } });
      expect(renderError(() => renderTemplate(lt, { S: 'a' })).message).to.match(/shorter than its MinLength 2/);
      expect(renderError(() => renderTemplate(lt, { S: 'abcd' })).message).to.match(/longer than its MaxLength 3/);
      expect(renderError(() => renderTemplate(lt, { S: ['ab', 'cd'] })).message).to.match(/parameter S: got a list/);
    });

    it('reports several parameter problems in one error', () => {
      const e = renderError(() => renderTemplate(t, { Size: 'big', Nmae: 'x' }));
      expect(e.message).to.match(/unknown parameter "Nmae"; did you mean Name/);
      expect(e.message).to.match(/missing value .*Name, Subnets/);
      expect(e.message).to.match(/parameter Size: "big" is not a Number/);
    });
  });

  describe('pseudo parameters', () => {
    const t = tpl({
      region: { Ref: 'AWS::Region' },
      partition: { Ref: 'AWS::Partition' },
      suffix: { Ref: 'AWS::URLSuffix' },
      account: { Ref: 'AWS::AccountId' },
      stack: { Ref: 'AWS::StackName' },
      id: { Ref: 'AWS::StackId' },
      arns: { Ref: 'AWS::NotificationARNs' },
    });

    it('have defaults that are stated and consistent', () => {
      const p = props(t);
      expect(p.region).to.equal('us-east-1');
      expect(p.partition).to.equal('aws');
      expect(p.suffix).to.equal('amazonaws.com');
      expect(p.account).to.equal('123456789012');
      expect(p.stack).to.equal('eks-nodegroup');
      expect(p.id).to.match(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/eks-nodegroup\//);
      expect(p.arns).to.deep.equal([]);
    });

    it('follow the region (partition and URL suffix) and take overrides', () => {
      const cn = props(t, {}, { region: 'cn-north-1', accountId: '000011112222', stackName: 'prod-ng' });
      expect([cn.region, cn.partition, cn.suffix, cn.account, cn.stack]).to.deep.equal(['cn-north-1', 'aws-cn', 'amazonaws.com.cn', '000011112222', 'prod-ng']);
      expect(cn.id).to.match(/^arn:aws-cn:cloudformation:cn-north-1:000011112222:stack\/prod-ng\//);
      expect(partitionOfRegion('us-gov-west-1').partition).to.equal('aws-us-gov');
      expect(partitionOfRegion('eu-west-1').partition).to.equal('aws');
      const custom = props(t, {}, { partition: 'aws-iso', urlSuffix: 'example.gov' });
      expect([custom.partition, custom.suffix]).to.deep.equal(['aws-iso', 'example.gov']);
    });

    it('AWS::NoValue removes the key, and the item from a list', () => {
      const p = props(tpl({ keep: 1, gone: { Ref: 'AWS::NoValue' }, list: ['a', { Ref: 'AWS::NoValue' }, 'b'] }));
      expect(p).to.deep.equal({ keep: 1, list: ['a', 'b'] });
      expect(Object.keys(p)).to.not.include('gone');
    });
  });

  describe('conditions', () => {
    const t: T = {
      Parameters: { Env: { Type: 'String', Default: 'prod' }, Key: { Type: 'String', Default: '' } },
      Conditions: {
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        HasKey: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Key' }, ''] }] },
        ProdWithKey: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'HasKey' }] },
        ProdOrKey: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'HasKey' }] },
      },
      Resources: {
        Always: { Type: 'AWS::Test::Thing', Properties: { key: { 'Fn::If': ['HasKey', { Ref: 'Key' }, { Ref: 'AWS::NoValue' }] }, env: { 'Fn::If': ['IsProd', 'p', 'np'] } } },
        OnlyProd: { Type: 'AWS::Test::Thing', Condition: 'IsProd', Properties: { a: 1 } },
      },
      Outputs: {
        Out: { Condition: 'ProdWithKey', Value: { Ref: 'Key' } },
        Always: { Value: { 'Fn::If': ['ProdOrKey', 'yes', 'no'] } },
      },
    };

    it('evaluates Fn::Equals/Not/And/Or/Condition and reports each value', () => {
      expect(renderTemplate(t).Conditions).to.deep.equal({ IsProd: true, HasKey: false, ProdWithKey: false, ProdOrKey: true });
      expect(renderTemplate(t, { Env: 'dev', Key: 'k' }).Conditions).to.deep.equal({ IsProd: false, HasKey: true, ProdWithKey: false, ProdOrKey: true });
      expect(renderTemplate(t, { Key: 'k' }).Conditions.ProdWithKey).to.equal(true);
    });

    it('Fn::If picks a branch; a NoValue branch removes the key', () => {
      expect(renderTemplate(t).Resources.Always.Properties).to.deep.equal({ env: 'p' });
      expect(renderTemplate(t, { Env: 'dev', Key: 'k' }).Resources.Always.Properties).to.deep.equal({ key: 'k', env: 'np' });
    });

    it('leaves out resources and outputs whose condition is false, and drops the Condition key', () => {
      const prod = renderTemplate(t);
      expect(prod.Resources.OnlyProd).to.deep.equal({ Type: 'AWS::Test::Thing', Properties: { a: 1 } });
      expect(prod.Outputs).to.have.keys(['Always']);
      const dev = renderTemplate(t, { Env: 'dev', Key: '' });
      expect(dev.Resources).to.not.have.property('OnlyProd');
      expect(dev.Outputs!.Always.Value).to.equal('no');
    });

    it('a Ref to a resource left out by its condition is an error naming it', () => {
      const bad = { ...t, Resources: { ...(t.Resources as T), User: { Type: 'AWS::Test::Thing', Properties: { x: { Ref: 'OnlyProd' } } } } };
      expect(renderTemplate(bad).Resources.User.Properties).to.deep.equal({ x: '<OnlyProd>' });
      const e = renderError(() => renderTemplate(bad, { Env: 'dev' }));
      expect(e.message).to.match(/Ref OnlyProd: resource OnlyProd is not created with these parameters/);
      expect(e.pointer).to.equal('/Resources/User/Properties/x/Ref');
    });

    it('unknown and cyclic conditions are errors', () => {
      expect(renderError(() => renderTemplate(tpl({ x: { 'Fn::If': ['IsPord', 1, 2] } }, { Conditions: { IsProd: { 'Fn::Equals': ['a', 'a'] } } }))).message).to.match(
        /unknown condition "IsPord"; did you mean IsProd/,
      );
      const cyc = tpl({}, { Conditions: { A: { 'Fn::Not': [{ Condition: 'B' }] }, B: { 'Fn::Not': [{ Condition: 'A' }] } } });
      expect(renderError(() => renderTemplate(cyc)).message).to.match(/depends on itself \(A → B → A\)/);
    });

    it('compares numbers and strings as CloudFormation does (as text)', () => {
      const c = tpl({}, { Parameters: { N: { Type: 'Number', Default: 3 } }, Conditions: { Three: { 'Fn::Equals': [{ Ref: 'N' }, 3] } } });
      expect(renderTemplate(c).Conditions.Three).to.equal(true);
    });
  });

  describe('Fn::FindInMap', () => {
    const mappings = {
      Sizes: { large: { m5: 29, c7iflex: 29 }, xlarge: { m5: 58 } },
      Regions: { 'us-east-1': { Ami: 'ami-1' } },
    };

    it('looks up plain keys, Ref keys and pseudo-parameter keys', () => {
      const t = tpl(
        { a: { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Ami'] }, b: { 'Fn::FindInMap': ['Sizes', 'xlarge', 'm5'] } },
        { Mappings: mappings },
      );
      expect(props(t)).to.deep.equal({ a: 'ami-1', b: 58 });
    });

    it('takes intrinsic map names and keys (AWS::LanguageExtensions)', () => {
      const type = { Ref: 'Type' };
      const parts = { 'Fn::Split': ['.', type] };
      const t = tpl(
        {
          v: {
            'Fn::FindInMap': [
              { 'Fn::Sub': 'Si${Z}' },
              { 'Fn::Select': [1, parts] },
              { 'Fn::Join': ['', { 'Fn::Split': ['-', { 'Fn::Select': [0, parts] }] }] },
            ],
          },
        },
        { Transform: 'AWS::LanguageExtensions', Mappings: mappings, Parameters: { Type: { Type: 'String' }, Z: { Type: 'String', Default: 'zes' } } },
      );
      expect(props(t, { Type: 'c7i-flex.large' }).v).to.equal(mappings.Sizes.large.c7iflex);
      expect(props(t, { Type: 'm5.xlarge' }).v).to.equal(mappings.Sizes.xlarge.m5);
    });

    it('falls back to DefaultValue when a key is missing', () => {
      const t = tpl({ v: { 'Fn::FindInMap': ['Sizes', { Ref: 'S' }, 'm5', { DefaultValue: { 'Fn::Sub': 'none-${S}' } }] } }, {
        Transform: 'AWS::LanguageExtensions',
        Mappings: mappings,
        Parameters: { S: { Type: 'String' } },
      });
      expect(props(t, { S: 'large' }).v).to.equal(29);
      expect(props(t, { S: 'nano' }).v).to.equal('none-nano');
    });

    it('a missing key names the map, the key, the closest keys and that the stack would fail to deploy', () => {
      const t = tpl({ v: { 'Fn::FindInMap': ['Sizes', { Ref: 'S' }, { Ref: 'F' }] } }, { Mappings: mappings, Parameters: { S: { Type: 'String' }, F: { Type: 'String' } } });
      const top = renderError(() => renderTemplate(t, { S: 'larg', F: 'm5' }));
      expect(top.message).to.match(/mapping Sizes has no key "larg" \(closest: large/);
      expect(top.message).to.match(/the keys come from S="larg", F="m5"; CloudFormation would fail to deploy the stack/);
      expect(top.pointer).to.equal('/Resources/R/Properties/v/Fn::FindInMap');
      const second = renderError(() => renderTemplate(t, { S: 'xlarge', F: 'm6' }));
      expect(second.message).to.match(/mapping Sizes, key "xlarge" has no second-level key "m6" \(closest: m5; 1 key\)/);
      const map = renderError(() => renderTemplate(tpl({ v: { 'Fn::FindInMap': ['Size', 'a', 'b'] } }, { Mappings: mappings })));
      expect(map.message).to.match(/no mapping "Size"; did you mean Sizes/);
    });
  });

  describe('Fn::Select, Fn::Split, Fn::Join, Fn::Length, Fn::ToJsonString, Fn::GetAZs, Fn::Cidr', () => {
    it('compute their values', () => {
      const p = props(
        tpl(
          {
            sel: { 'Fn::Select': ['1', { 'Fn::Split': [',', 'a,b,c'] }] },
            join: { 'Fn::Join': ['-', ['x', { Ref: 'AWS::Region' }, 3]] },
            joinRef: { 'Fn::Join': [',', { Ref: 'L' }] },
            len: { 'Fn::Length': { Ref: 'L' } },
            json: { 'Fn::ToJsonString': { a: [1, { Ref: 'AWS::AccountId' }], gone: { Ref: 'AWS::NoValue' } } },
            azs: { 'Fn::GetAZs': '' },
            az0: { 'Fn::Select': [0, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] },
            cidr4: { 'Fn::Cidr': ['10.0.0.0/16', 3, 8] },
            cidr6: { 'Fn::Cidr': ['2001:db8::/56', 2, 64] },
          },
          { Parameters: { L: { Type: 'CommaDelimitedList', Default: 'p,q' } } },
        ),
        {},
        { region: 'eu-west-2' },
      );
      expect(p).to.deep.equal({
        sel: 'b',
        join: 'x-eu-west-2-3',
        joinRef: 'p,q',
        len: 2,
        json: '{"a":[1,"123456789012"]}',
        azs: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
        az0: 'eu-west-2a',
        cidr4: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
        cidr6: ['2001:db8::/64', '2001:db8:0:1::/64'],
      });
      expect(props(tpl({ z: { 'Fn::GetAZs': '' } }), {}, { availabilityZones: ['use1-az1'] }).z).to.deep.equal(['use1-az1']);
    });

    it('an index out of range is an error with the pointer', () => {
      const e = renderError(() => renderTemplate(tpl({ s: { 'Fn::Select': [5, ['a', 'b']] } })));
      expect(e.message).to.match(/Fn::Select index 5 is out of range for a list of 2/);
      expect(e.pointer).to.equal('/Resources/R/Properties/s/Fn::Select');
    });

    it('joining a map is an error', () => {
      expect(renderError(() => renderTemplate(tpl({ j: { 'Fn::Join': ['', [{ a: 1 }]] } }))).message).to.match(/a Fn::Join item must be a string/);
    });
  });

  describe('Fn::Sub, Fn::Base64, Ref and Fn::GetAtt of resources', () => {
    const t: T = {
      Parameters: { Cluster: { Type: 'String' }, Subnets: { Type: 'CommaDelimitedList', Default: 'a,b' } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        R: {
          Type: 'AWS::Test::Thing',
          Properties: {
            s: { 'Fn::Sub': 'name=${Cluster} region=${AWS::Region} arn=${Role.Arn} id=${Role} lit=${!Literal} again=${Cluster}' },
            vars: { 'Fn::Sub': ['${Greeting}, ${Cluster}', { Greeting: { 'Fn::Join': ['', ['hel', 'lo']] } }] },
            ref: { Ref: 'Role' },
            att: { 'Fn::GetAtt': ['Role', 'Arn'] },
            attStr: { 'Fn::GetAtt': 'Role.RoleId' },
            ud: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ${Cluster}\n' } },
          },
        },
      },
    };

    it('substitutes parameters, pseudo parameters, variables, attributes and literals', () => {
      const p = renderTemplate(t, { Cluster: 'demo' }, { region: 'ap-south-1' }).Resources.R.Properties as T;
      expect(p.s).to.equal('name=demo region=ap-south-1 arn=<Role.Arn> id=<Role> lit=${Literal} again=demo');
      expect(p.vars).to.equal('hello, demo');
      expect([p.ref, p.att, p.attStr]).to.deep.equal(['<Role>', '<Role.Arn>', '<Role.RoleId>']);
      expect(Buffer.from(p.ud as string, 'base64').toString('utf8')).to.equal('#!/bin/bash\necho demo\n');
    });

    it('an unknown ${name} or a list in Fn::Sub is an error', () => {
      expect(renderError(() => renderTemplate(tpl({ s: { 'Fn::Sub': '${Clustr}' } }, { Parameters: { Cluster: { Type: 'String', Default: 'x' } } }))).message).to.match(
        /Fn::Sub: \$\{Clustr\} names no variable.*did you mean Cluster/,
      );
      expect(renderError(() => renderTemplate(tpl({ s: { 'Fn::Sub': '${L}' } }, { Parameters: { L: { Type: 'CommaDelimitedList', Default: 'a,b' } } }))).message).to.match(
        /\$\{L\} is a list/,
      );
    });

    it('Ref and Fn::GetAtt of unknown names are errors with closest names', () => {
      expect(renderError(() => renderTemplate({ Resources: { Role: { Type: 'X' }, R: { Type: 'X', Properties: { a: { Ref: 'Rol' } } } } })).message).to.match(/Ref to unknown name "Rol".*did you mean Role/);
      expect(renderError(() => renderTemplate({ Resources: { Role: { Type: 'X' }, R: { Type: 'X', Properties: { a: { 'Fn::GetAtt': ['Rolle', 'Arn'] } } } } })).message).to.match(
        /Fn::GetAtt of unknown resource "Rolle"; did you mean Role/,
      );
    });

    it('Fn::ImportValue becomes a placeholder; other transforms are refused', () => {
      expect(props(tpl({ v: { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-Vpc' } } })).v).to.equal('<import:eks-nodegroup-Vpc>');
      expect(renderError(() => renderTemplate({ ...tpl({}), Transform: 'AWS::Serverless-2016-10-31' })).message).to.match(/cannot apply the transform "AWS::Serverless-2016-10-31"/);
    });
  });

  describe('output and purity', () => {
    it('does not change the template, keeps plain values and drops Mappings/Transform', () => {
      const t: T = {
        AWSTemplateFormatVersion: '2010-09-09',
        Transform: 'AWS::LanguageExtensions',
        Description: 'd',
        Mappings: { M: { a: { b: 'c' } } },
        Resources: { R: { Type: 'X', DependsOn: ['Q'], Properties: { v: { 'Fn::FindInMap': ['M', 'a', 'b'] } } }, Q: { Type: 'X' } },
      };
      const before = JSON.stringify(t);
      const r = renderTemplate(t);
      expect(JSON.stringify(t)).to.equal(before);
      expect(Object.keys(r)).to.deep.equal(['AWSTemplateFormatVersion', 'Description', 'Parameters', 'Conditions', 'Resources']);
      expect(r.Resources.R).to.deep.equal({ Type: 'X', DependsOn: ['Q'], Properties: { v: 'c' } });
    });

    it('passes any plain (intrinsic-free) value through unchanged', () => {
      const plain = fc.jsonValue().filter((v) => leftoverIntrinsics(v).length === 0 && JSON.stringify(v).indexOf('Fn::') < 0);
      fc.assert(
        fc.property(plain, (v) => {
          const p = props(tpl({ v }));
          expect(p.v).to.deep.equal(v);
        }),
        { numRuns: 200 },
      );
    });

    it('never throws anything but an EksNodegroupError, whatever the intrinsics hold', () => {
      const FNS = ['Ref', 'Fn::If', 'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Fn::FindInMap', 'Fn::Select', 'Fn::Split', 'Fn::Join', 'Fn::Sub', 'Fn::Base64', 'Fn::GetAZs', 'Fn::Length', 'Fn::ToJsonString', 'Fn::GetAtt', 'Fn::Cidr', 'Fn::ImportValue', 'Condition'];
      const names = fc.constantFrom('P', 'L', 'N', 'C', 'M', 'a', 'b', 'R', 'AWS::Region', 'AWS::NoValue', 'R.Arn', '10.0.0.0/16', '2001:db8::/56', '0', '1', '${P}', '${!x}', '${R.Arn}', '');
      const { node } = fc.letrec((tie) => ({
        node: fc.oneof(
          { depthSize: 'small' },
          names,
          fc.integer({ min: -2, max: 5 }),
          fc.constant(null),
          fc.array(tie('node'), { maxLength: 4 }),
          fc.record({ fn: fc.constantFrom(...FNS), arg: tie('node') }).map(({ fn, arg }) => ({ [fn]: arg })),
        ),
      }));
      const base: T = {
        Parameters: { P: { Type: 'String', Default: 'a' }, L: { Type: 'CommaDelimitedList', Default: 'a,b' }, N: { Type: 'Number', Default: 1 } },
        Mappings: { M: { a: { b: 'x' } } },
        Conditions: { C: { 'Fn::Equals': [{ Ref: 'P' }, 'a'] } },
      };
      fc.assert(
        fc.property(node, (v) => {
          const t = { ...base, Resources: { R: { Type: 'X', Properties: { v } } }, Outputs: { O: { Value: v } } };
          try {
            renderTemplate(t);
          } catch (e) {
            if (!(e instanceof EksNodegroupError)) throw e;
          }
        }),
        { numRuns: 3000, seed: 42 },
      );
    });

    it('Fn::Sub and Fn::Join of any parameter text give the same string', () => {
      fc.assert(
        fc.property(fc.string(), fc.string(), (a, b) => {
          const t = tpl(
            { sub: { 'Fn::Sub': '${A}|${B}' }, join: { 'Fn::Join': ['|', [{ Ref: 'A' }, { Ref: 'B' }]] } },
            { Parameters: { A: { Type: 'String' }, B: { Type: 'String' } } },
          );
          const p = props(t, { A: a, B: b });
          expect(p.sub).to.equal(`${a}|${b}`);
          expect(p.join).to.equal(p.sub);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('user data helpers', () => {
  const mime = (...parts: [string, string][]) =>
    ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="//"', '', ...parts.flatMap(([type, body]) => ['--//', `Content-Type: ${type}`, '', body]), '--//--', ''].join('\n');
  const nodeConfig = (extra: string) => `---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: c\n${extra}`;

  it('nodeadm: spec.kubelet.config.maxPods from the application/node.eks.aws part', () => {
    const text = mime(['application/node.eks.aws', nodeConfig('  kubelet:\n    config:\n      maxPods: 37\n')], ['text/x-shellscript', '#!/bin/bash\necho --max-pods=99\n']);
    expect(maxPodsFromUserData(text)).to.deep.include({ format: 'nodeadm', maxPods: 37 });
    // CRLF line ends, as some tools write MIME.
    expect(maxPodsFromUserData(text.replace(/\n/g, '\r\n')).maxPods).to.equal(37);
  });

  it('nodeadm: the last NodeConfig wins (nodeadm merges in order); no maxPods → undefined', () => {
    const two = mime(
      ['application/node.eks.aws', nodeConfig('  kubelet:\n    config:\n      maxPods: 10\n')],
      ['application/node.eks.aws', nodeConfig('  kubelet:\n    config:\n      maxPods: 20\n    maxPodsExpression: "default_enis * 2"\n')],
    );
    expect(maxPodsFromUserData(two)).to.deep.include({ format: 'nodeadm', maxPods: 20, maxPodsExpression: 'default_enis * 2' });
    const none = maxPodsFromUserData(mime(['application/node.eks.aws', nodeConfig('')]));
    expect(none.format).to.equal('nodeadm');
    expect(none.maxPods).to.equal(undefined);
  });

  it('nodeadm: a bare NodeConfig document (no MIME) is read too', () => {
    expect(maxPodsFromUserData(nodeConfig('  kubelet:\n    config: {maxPods: 58}\n'))).to.deep.include({ format: 'nodeadm', maxPods: 58 });
  });

  it('nodeadm: invalid NodeConfig YAML or a non-number maxPods is an error', () => {
    expect(() => maxPodsFromUserData(mime(['application/node.eks.aws', 'kind: NodeConfig\nspec: [unclosed\n']))).to.throw(EksNodegroupError, /NodeConfig is not valid YAML/);
    expect(() => maxPodsFromUserData(mime(['application/node.eks.aws', nodeConfig('  kubelet:\n    config:\n      maxPods: lots\n')]))).to.throw(/maxPods must be a whole number/);
  });

  it('Bottlerocket: max-pods under [settings.kubernetes], or as a dotted key', () => {
    const table = '[settings.kubernetes]\ncluster-name = "c"\napi-server = "https://x"\nmax-pods = 110 # computed\n\n[settings.host-containers.admin]\nenabled = false\n';
    expect(maxPodsFromUserData(table)).to.deep.include({ format: 'bottlerocket', maxPods: 110 });
    expect(maxPodsFromUserData('[settings]\nkubernetes.max-pods = 29\n')).to.deep.include({ format: 'bottlerocket', maxPods: 29 });
    expect(maxPodsFromUserData('settings.kubernetes."max-pods" = 1_000\n')).to.deep.include({ format: 'bottlerocket', maxPods: 1000 });
    // max-pods in another table is not kubelet's.
    const other = maxPodsFromUserData('[settings.other]\nmax-pods = 5\n');
    expect(other.format).to.equal('bottlerocket');
    expect(other.maxPods).to.equal(undefined);
  });

  it('AL2: --max-pods in the bootstrap.sh command line (continuations joined)', () => {
    const script = "#!/bin/bash\nset -o xtrace\n/etc/eks/bootstrap.sh demo \\\n  --use-max-pods false \\\n  --kubelet-extra-args '--node-labels=a=b --max-pods=17'\n";
    expect(maxPodsFromUserData(script)).to.deep.include({ format: 'bootstrap.sh', maxPods: 17 });
    const none = maxPodsFromUserData('#!/bin/bash\n/etc/eks/bootstrap.sh demo\n');
    expect(none.format).to.equal('bootstrap.sh');
    expect(none.maxPods).to.equal(undefined);
    expect(maxPodsFromUserData('hello').format).to.equal('unknown');
  });

  it('decodeUserData refuses text that is not Base64, naming it', () => {
    expect(decodeUserData(b64('héllo\n'))).to.equal('héllo\n');
    expect(() => decodeUserData('#!/bin/bash', 'NodeLaunchTemplate UserData')).to.throw(EksNodegroupError, /NodeLaunchTemplate UserData is not Base64.*Fn::Base64/);
  });

  it('userDataOf finds launch templates, launch configurations and instances, in template order', () => {
    const r = {
      Resources: {
        LT: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { UserData: b64('one') } } },
        Other: { Type: 'AWS::IAM::Role', Properties: { UserData: 'not user data' } },
        LC: { Type: 'AWS::AutoScaling::LaunchConfiguration', Properties: { UserData: b64('two') } },
        Bare: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {} } },
      },
    };
    expect(userDataOf(r).map((u) => [u.logicalId, u.text, u.pointer])).to.deep.equal([
      ['LT', 'one', '/Resources/LT/Properties/LaunchTemplateData/UserData'],
      ['LC', 'two', '/Resources/LC/Properties/UserData'],
    ]);
  });
});

describe('the 9 AWS reference templates render', function () {
  const files = fs.existsSync(SHARED_TEMPLATES) ? fs.readdirSync(SHARED_TEMPLATES).filter((f) => f.endsWith('.yaml')).sort() : [];
  const load = (f: string): T => parseTemplate(fs.readFileSync(path.join(SHARED_TEMPLATES, f), 'utf8'), f);
  /** Values for the parameters a template declares without a Default. */
  const CANDIDATES: Record<string, string> = {
    ClusterName: 'demo-cluster',
    NodeGroupName: 'ng-1',
    ClusterControlPlaneSecurityGroup: 'sg-0123',
    VpcId: 'vpc-0123',
    Subnets: 'subnet-a,subnet-b',
    KeyName: 'my-key',
    NodeImageId: 'ami-0123456789abcdef0',
    ApiServerEndpoint: 'https://ABCDEF.gr7.us-west-2.eks.amazonaws.com',
    CertificateAuthorityData: 'Q0VSVElGSUNBVEU=',
    ServiceCidr: '10.100.0.0/16',
  };
  const paramsFor = (t: T): Record<string, string> => {
    const declared = t.Parameters as Record<string, { Default?: unknown }>;
    return Object.fromEntries(Object.keys(declared).filter((k) => declared[k].Default === undefined).map((k) => [k, CANDIDATES[k]]));
  };

  before(function () {
    requireShared(this, SHARED_TEMPLATES);
  });

  it('finds all 9', () => {
    expect(files).to.have.length(9);
  });

  it('every one resolves completely, with user data, for parameters without a Default', () => {
    for (const f of files) {
      const t = load(f);
      const p = paramsFor(t);
      expect(Object.values(p), `${f}: a required parameter this test has no value for`).to.not.include(undefined);
      const r = renderTemplate(t, p, { region: 'us-west-2' });
      expect(leftoverIntrinsics(r), f).to.deep.equal([]);
      const ud = userDataOf(r);
      expect(ud, f).to.have.length(1);
      expect(ud[0].text, f).to.include('demo-cluster');
      expect(ud[0].text, f).to.include('us-west-2');
      // The rendered template is plain data: it survives YAML both ways.
      expect(parseTemplate(toYaml(r)), f).to.deep.equal(JSON.parse(JSON.stringify(r)));
    }
  });

  it('2018-06: each type of the MaxPodsPerNode mapping gives its mapping value in the user data', () => {
    const t = load('amazon-eks-nodegroup.2018-06-11.yaml');
    const mapping = (t.Mappings as Record<string, Record<string, { MaxPods: number }>>).MaxPodsPerNode;
    const types = Object.keys(mapping);
    expect(types.length).to.be.greaterThan(50);
    for (const type of types) {
      const r = renderTemplate(t, { ...paramsFor(t), NodeInstanceType: type });
      const [u] = userDataOf(r);
      expect(maxPodsFromUserData(u.text), type).to.deep.include({ format: 'kubelet-sed', maxPods: mapping[type].MaxPods });
    }
  });

  it('2018-06: a type outside AllowedValues is refused, naming the closest allowed', () => {
    const t = load('amazon-eks-nodegroup.2018-06-11.yaml');
    const e = renderError(() => renderTemplate(t, { ...paramsFor(t), NodeInstanceType: 't2.mediun' }));
    expect(e.message).to.match(/parameter NodeInstanceType: "t2\.mediun" is not one of its AllowedValues \(closest: t2\.medium/);
    expect(e.message).to.match(/Must be a valid EC2 instance type/);
  });

  it('2018-08 … 2022-05: BootstrapArguments reach bootstrap.sh, so --max-pods there is read back', () => {
    for (const f of files.filter((x) => /20(18-08|19|20|21|22)/.test(x))) {
      const t = load(f);
      const r = renderTemplate(t, { ...paramsFor(t), BootstrapArguments: "--use-max-pods false --kubelet-extra-args '--max-pods=42'" });
      const [u] = userDataOf(r);
      expect(u.text, f).to.match(/^\/etc\/eks\/bootstrap\.sh demo-cluster --use-max-pods false/m);
      expect(maxPodsFromUserData(u.text), f).to.deep.include({ format: 'bootstrap.sh', maxPods: 42 });
    }
  });

  it('2022-05: DisableIMDSv1 drives HttpTokens through a condition', () => {
    const t = load('amazon-eks-nodegroup.2022-05-09.yaml');
    const tokens = (v: string) => {
      const r = renderTemplate(t, { ...paramsFor(t), DisableIMDSv1: v });
      return ((r.Resources.NodeLaunchTemplate.Properties as T).LaunchTemplateData as { MetadataOptions: { HttpTokens: string } }).MetadataOptions.HttpTokens;
    };
    expect(tokens('true')).to.equal('required');
    expect(tokens('false')).to.equal('optional');
    expect(renderError(() => tokens('yes')).message).to.match(/parameter DisableIMDSv1: "yes" is not one of its AllowedValues/);
  });

  describe('the AL2023 (nodeadm) template', () => {
    const file = 'amazon-eks-nodegroup.al2023-nodeadm.yaml';

    it('puts the cluster you pass into the NodeConfig and sets no maxPods (nodeadm decides)', () => {
      const t = load(file);
      const r = renderTemplate(t, { ...paramsFor(t), ClusterName: 'prod-east' });
      const [u] = userDataOf(r);
      expect(u.logicalId).to.equal('NodeLaunchTemplate');
      const part = u.text.split('--BOUNDARY').find((s) => s.includes('application/node.eks.aws'))!;
      const nc = parseYaml(part.slice(part.indexOf('---'))) as { spec: { cluster: Record<string, string> } };
      expect(nc.spec.cluster).to.deep.equal({
        name: 'prod-east',
        apiServerEndpoint: CANDIDATES.ApiServerEndpoint,
        certificateAuthority: CANDIDATES.CertificateAuthorityData,
        cidr: CANDIDATES.ServiceCidr,
      });
      const mp = maxPodsFromUserData(u.text);
      expect(mp.format).to.equal('nodeadm');
      expect(mp.maxPods).to.equal(undefined);
    });

    it('resolves the image, key pair, access entry and partition from parameters and region', () => {
      const t = load(file);
      const data = (r: ReturnType<typeof renderTemplate>) => (r.Resources.NodeLaunchTemplate.Properties as T).LaunchTemplateData as T;
      const ssmPath = (t.Parameters as Record<string, { Default: string }>).NodeImageIdSSMParam.Default;
      const byDefault = renderTemplate(t, paramsFor(t));
      expect(data(byDefault).ImageId).to.equal(`<ssm:${ssmPath}>`);
      expect(data(byDefault)).to.not.have.property('KeyName'); // AWS::NoValue
      expect(byDefault.Resources).to.have.property('NodeAccessEntry');
      expect(byDefault.Resources.NodeGroup.Properties).to.deep.include({ VPCZoneIdentifier: ['subnet-a', 'subnet-b'], MinSize: '1' });

      const custom = renderTemplate(t, { ...paramsFor(t), NodeImageId: 'ami-1', KeyName: 'k', AuthenticationMode: 'ConfigMap' }, { ssmParameters: { [ssmPath]: 'ami-unused' } });
      expect(data(custom).ImageId).to.equal('ami-1');
      expect(data(custom).KeyName).to.equal('k');
      expect(custom.Resources).to.not.have.property('NodeAccessEntry');
      expect(data(renderTemplate(t, paramsFor(t), { ssmParameters: { [ssmPath]: 'ami-from-ssm' } })).ImageId).to.equal('ami-from-ssm');

      const partitions = (t.Mappings as Record<string, Record<string, { EC2ServicePrincipal: string }>>).PartitionMap;
      const cn = renderTemplate(t, paramsFor(t), { region: 'cn-northwest-1' });
      const role = cn.Resources.NodeInstanceRole.Properties as { AssumeRolePolicyDocument: { Statement: { Principal: { Service: string[] } }[] }; ManagedPolicyArns: string[] };
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal.Service).to.deep.equal([partitions['aws-cn'].EC2ServicePrincipal]);
      expect(role.ManagedPolicyArns.every((a) => a.startsWith('arn:aws-cn:iam::aws:policy/'))).to.equal(true);
    });
  });
});

describe('eks-nodegroup render', function () {
  const dir = tempDir('render-cli-');
  const file = path.join(dir, 'template.yaml');
  const template = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Transform: AWS::LanguageExtensions',
    'Parameters:',
    '  ClusterName: {Type: String}',
    '  NodeInstanceType: {Type: String, Default: m5.large}',
    '  Subnets: {Type: "List<AWS::EC2::Subnet::Id>", Default: "subnet-1,subnet-2"}',
    'Mappings:',
    '  MaxPods:',
    '    m5.large: {Value: 29}',
    '    t3.micro: {Value: 4}',
    'Resources:',
    '  LT:',
    '    Type: AWS::EC2::LaunchTemplate',
    '    Properties:',
    '      LaunchTemplateData:',
    '        InstanceType: !Ref NodeInstanceType',
    '        UserData: !Base64',
    '          Fn::Sub:',
    '            - |',
    '              [settings.kubernetes]',
    '              cluster-name = "${ClusterName}"',
    '              max-pods = ${MaxPods}',
    '            - MaxPods: !FindInMap [MaxPods, !Ref NodeInstanceType, Value]',
    '  ASG:',
    '    Type: AWS::AutoScaling::AutoScalingGroup',
    '    Properties:',
    '      VPCZoneIdentifier: !Ref Subnets',
    '      LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: !GetAtt LT.LatestVersionNumber}',
    '',
  ].join('\n');
  fs.writeFileSync(file, template);

  it('prints the resolved template as YAML', async () => {
    const r = await runCli(['render', file, '-p', 'ClusterName=demo', '--region', 'eu-west-1']);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    const out = parseTemplate(r.stdout);
    expect(out.Parameters).to.deep.equal({ ClusterName: 'demo', NodeInstanceType: 'm5.large', Subnets: ['subnet-1', 'subnet-2'] });
    const asg = (out.Resources as Record<string, { Properties: T }>).ASG.Properties;
    expect(asg).to.deep.equal({ VPCZoneIdentifier: ['subnet-1', 'subnet-2'], LaunchTemplate: { LaunchTemplateId: '<LT>', Version: '<LT.LatestVersionNumber>' } });
  });

  it('--json prints the same template as JSON', async () => {
    const yamlOut = await runCli(['render', file, '-p', 'ClusterName=demo']);
    const jsonOut = await runCli(['render', file, '-p', 'ClusterName=demo', '--json']);
    expect(jsonOut.code).to.equal(0);
    expect(JSON.parse(jsonOut.stdout)).to.deep.equal(parseTemplate(yamlOut.stdout));
  });

  it('--user-data prints the decoded user data; with --json also the max pods it sets', async () => {
    const r = await runCli(['render', file, '-p', 'ClusterName=demo', '-p', 'NodeInstanceType=t3.micro', '--user-data']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('[settings.kubernetes]\ncluster-name = "demo"\nmax-pods = 4\n');
    const j = await runCli(['render', file, '-p', 'ClusterName=demo', '--user-data', '--json']);
    const [entry] = JSON.parse(j.stdout);
    expect(entry).to.deep.include({ logicalId: 'LT', type: 'AWS::EC2::LaunchTemplate' });
    expect(entry.maxPods).to.deep.include({ format: 'bottlerocket', maxPods: 29 });
  });

  it('missing, unknown and invalid parameters exit 2 naming them', async () => {
    const missing = await runCli(['render', file]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/missing value for parameters? without a Default: ClusterName/);
    const unknown = await runCli(['render', file, '-p', 'ClusterName=x', '-p', 'ClusterNme=y']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/unknown parameter "ClusterNme"; did you mean ClusterName/);
    const noEq = await runCli(['render', file, '-p', 'ClusterName']);
    expect(noEq.code).to.equal(2);
    expect(noEq.stderr).to.match(/-p "ClusterName": expected Key=VALUE/);
    const twice = await runCli(['render', file, '-p', 'ClusterName=a', '-p', 'ClusterName=b']);
    expect(twice.stderr).to.match(/-p ClusterName is given twice/);
    const region = await runCli(['render', file, '-p', 'ClusterName=a', '--region', 'mars']);
    expect(region.code).to.equal(2);
    expect(region.stderr).to.match(/invalid value for --region: "mars"/);
  });

  it('a FindInMap key that is not there exits 2 with file:line:col, the map and the key', async () => {
    const r = await runCli(['render', file, '-p', 'ClusterName=x', '-p', 'NodeInstanceType=c5.large', '--user-data']);
    expect(r.code).to.equal(2);
    const line = template.split('\n').findIndex((l) => l.includes('!FindInMap')) + 1;
    expect(r.stderr).to.match(new RegExp(`template\\.yaml:${line}:\\d+: .*mapping MaxPods has no key "c5\\.large".*fail to deploy`));
  });

  it('a misspelt NodeInstanceType also gets the closest known instance types', async () => {
    const r = await runCli(['render', file, '-p', 'ClusterName=x', '-p', 'NodeInstanceType=m5.larg']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/mapping MaxPods has no key "m5\.larg".*the keys come from NodeInstanceType="m5\.larg"/);
    expect(r.stderr).to.match(/NodeInstanceType: unknown instance type "m5\.larg"; did you mean m5\.large/);
    // A known type that the template lacks gets no instance-type hint.
    const known = await runCli(['render', file, '-p', 'ClusterName=x', '-p', 'NodeInstanceType=c5.large']);
    expect(known.stderr).to.not.match(/unknown instance type/);
  });

  it('unreadable, unparsable files and a missing FILE exit 2', async () => {
    const none = await runCli(['render', path.join(dir, 'nope.yaml')]);
    expect([none.code, none.stderr]).to.satisfy(([c, s]: [number, string]) => c === 2 && /cannot read .*nope\.yaml: no such file/.test(s));
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'Resources: [unclosed\n');
    const bad = await runCli(['render', broken]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/broken\.yaml:\d+:\d+/);
    const noFile = await runCli(['render']);
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.match(/name the template file to render/);
  });

  it('--user-data on a template without user data exits 2', async () => {
    const plain = path.join(dir, 'plain.yaml');
    fs.writeFileSync(plain, 'Resources:\n  Q: {Type: AWS::SQS::Queue}\n');
    const r = await runCli(['render', plain, '--user-data']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/no user data to show/);
  });

  it('the real CLI renders end to end (process streams, exit code)', () => {
    const r = runBin(['render', file, '-p', 'ClusterName=e2e', '--user-data']);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    expect(maxPodsFromUserData(r.stdout)).to.deep.include({ format: 'bottlerocket', maxPods: 29 });
  });
});

describe('render: a known type the template leaves out', function () {
  this.timeout(60_000);
  it('says it is known but not in the table, and why gen left it out', async function () {
    const left = instanceTypeNames().find((t) => architectureOf(t) === undefined);
    if (!left) this.skip();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 't.yaml'), toYaml(buildNodeGroupTemplate()));
    const p = Object.entries({ ...REQUIRED_PARAMETERS, NodeInstanceType: left! }).flatMap(([k, v]) => ['-p', `${k}=${v}`]);
    const r = await runCli(['render', 't.yaml', ...p], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(`${left} is a known type, but this template holds no max pods for it`).and.to.include('CPU architecture').and.to.include('refresh-data');
  });
});

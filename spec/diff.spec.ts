/**
 * lib/diff: diffTemplates on synthetic templates (each section, each equality rule, user data line
 * by line, update impact), on the 9 AWS reference templates (every consecutive pair, with concrete
 * findings), our generated template against AWS's AL2023 one, and the max-pods view against AWS's
 * 2018 hand-entered mapping (expected values computed here from ENIs and IPs).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { cfnEqual, diffTemplates, type DiffEntry, type TemplateDiff } from '../lib/diff';
import { valueNumbering } from '../lib/diff/equal';
import { formatDiffText } from '../lib/format';
import { EksNodegroupError } from '../lib/core';
import { architectureOf, getInstanceType } from '../lib/instance-types';
import { buildNodeGroupTemplate, maxPodsTableFromTemplate } from '../lib/nodegroup';
import { parseTemplate, toYaml } from '../lib/yaml';
import { requireShared, ROOT, SHARED_TEMPLATES } from './helpers';

type T = Record<string, unknown>;

const REFERENCE = [
  '2018-06-11',
  '2018-08-28',
  '2019-02-04',
  '2019-09-17',
  '2020-06-11',
  '2020-10-21',
  '2021-06-08',
  '2022-05-09',
  'al2023-nodeadm',
];

function reference(name: string): T {
  return parseTemplate(fs.readFileSync(path.join(SHARED_TEMPLATES, `amazon-eks-nodegroup.${name}.yaml`), 'utf8'), name);
}

function entry(d: TemplateDiff, section: string, name: string, key?: string): DiffEntry | undefined {
  return d.entries.find((e) => e.section === section && e.name === name && e.key === key);
}

function mustEntry(d: TemplateDiff, section: string, name: string, key?: string): DiffEntry {
  const e = entry(d, section, name, key);
  expect(e, `${section} ${name}${key ? ' › ' + key : ''} in ${d.entries.map((x) => `${x.section}/${x.name}`).join(', ')}`).to.not.equal(undefined);
  return e!;
}

/** Resolves an RFC 6901 pointer in a template. */
function at(t: unknown, pointer: string): unknown {
  let v: unknown = t;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function known(type: string): boolean {
  try {
    getInstanceType(type);
    return true;
  } catch {
    return false;
  }
}

/** max pods by the rule, from the facts: ENIs × (IPv4 per ENI − 1) + 2 (NaN for a type the data lacks, so loading never throws). */
function byRule(type: string): number {
  if (!known(type)) return NaN;
  const f = getInstanceType(type);
  return f.defaultCardEnis * (f.ipv4PerEni - 1) + 2;
}

const base: T = {
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'node group',
  Parameters: {
    NodeInstanceType: { Type: 'String', Default: 't3.medium', AllowedValues: ['t3.small', 't3.medium', 'm5.large'] },
    MinSize: { Type: 'Number', Default: 1 },
  },
  Mappings: { MaxPodsPerNode: { 't3.small': { MaxPods: byRule('t3.small') }, 't3.medium': { MaxPods: byRule('t3.medium') } } },
  Conditions: { HasKey: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'KeyName' }, ''] }] } },
  Resources: {
    LT: {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateName: 'nodes',
        LaunchTemplateData: {
          InstanceType: { Ref: 'NodeInstanceType' },
          UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\nset -o xtrace\n/etc/eks/bootstrap.sh ${ClusterName}\necho done\n' } },
        },
      },
    },
    SG: { Type: 'AWS::EC2::SecurityGroup', DependsOn: ['LT', 'Role'], Properties: { GroupDescription: 'nodes', VpcId: { Ref: 'VpcId' } } },
  },
  Outputs: { Group: { Value: { Ref: 'SG' } } },
};

function clone<V>(v: V): V {
  return JSON.parse(JSON.stringify(v)) as V;
}

describe('diffTemplates', () => {
  describe('equality as CloudFormation sees it', () => {
    it('a template equals itself, written in YAML short form, JSON long form or with keys reordered', () => {
      const yaml = parseTemplate(toYaml(base));
      const json = parseTemplate(JSON.stringify(base));
      const reordered = Object.fromEntries(Object.entries(clone(base)).reverse());
      (reordered.Resources as T).LT = Object.fromEntries(Object.entries((base.Resources as T).LT as T).reverse());
      for (const other of [yaml, json, reordered]) {
        const d = diffTemplates(base, other);
        expect(d.identical).to.equal(true);
        expect(d.entries).to.deep.equal([]);
        expect(d.summary).to.include({ added: 0, removed: 0, changed: 0 });
      }
    });

    it('numbers and booleans equal their plain spellings as strings, quoting does not count', () => {
      const text = toYaml(base)
        .replace('Default: 1\n', 'Default: "1"\n')
        .replace('AWSTemplateFormatVersion: "2010-09-09"', "AWSTemplateFormatVersion: '2010-09-09'");
      expect(text).to.include('Default: "1"');
      expect(diffTemplates(base, parseTemplate(text)).identical).to.equal(true);
      expect(cfnEqual(65535, '65535')).to.equal(true);
      expect(cfnEqual(true, 'true')).to.equal(true);
      expect(cfnEqual(1.5, '1.5')).to.equal(true);
      expect(cfnEqual({ a: [1, { b: false }] }, { a: ['1', { b: 'false' }] })).to.equal(true);
    });

    it('strings that only look like numbers stay different (file modes, versions)', () => {
      expect(cfnEqual('0777', 777)).to.equal(false);
      expect(cfnEqual('1.10', 1.1)).to.equal(false);
      expect(cfnEqual('1.0', 1)).to.equal(false);
      expect(cfnEqual('', 0)).to.equal(false);
      expect(cfnEqual(null, 'null')).to.equal(false);
      expect(cfnEqual('True', true)).to.equal(false);
    });

    it('DependsOn order and single-name form, and GetAtt "A.B" against [A, B], make no difference', () => {
      const b = clone(base);
      ((b.Resources as T).SG as T).DependsOn = ['Role', 'LT'];
      const c = clone(base);
      ((c.Resources as T).SG as T).DependsOn = ['LT', 'Role'];
      (c.Outputs as T).Arn = { Value: { 'Fn::GetAtt': 'LT.LatestVersionNumber' } };
      const d = clone(base);
      (d.Outputs as T).Arn = { Value: { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] } };
      expect(diffTemplates(base, b).identical).to.equal(true);
      expect(diffTemplates(c, d).identical).to.equal(true);
      const one = clone(base);
      ((one.Resources as T).SG as T).DependsOn = 'LT';
      const oneList = clone(base);
      ((oneList.Resources as T).SG as T).DependsOn = ['LT'];
      expect(diffTemplates(one, oneList).identical).to.equal(true);
    });

    it('does not change its arguments', () => {
      const a = clone(base);
      const b = clone(base);
      ((b.Resources as T).SG as T).DependsOn = 'LT';
      const before = [JSON.stringify(a), JSON.stringify(b)];
      diffTemplates(a, b);
      expect([JSON.stringify(a), JSON.stringify(b)]).to.deep.equal(before);
    });
  });

  describe('sections', () => {
    it('Description and AWSTemplateFormatVersion: one entry each, old and new value', () => {
      const b = { ...clone(base), Description: 'node group v2', Transform: 'AWS::LanguageExtensions' };
      const d = diffTemplates(base, b);
      const desc = mustEntry(d, 'Description', 'Description');
      expect(desc.kind).to.equal('changed');
      expect(desc.changes).to.deep.equal([{ kind: 'changed', pointer: '/Description', path: [], old: 'node group', new: 'node group v2' }]);
      expect(mustEntry(d, 'Transform', 'Transform')).to.include({ kind: 'added', new: 'AWS::LanguageExtensions', pointer: '/Transform' });
      expect(d.entries.map((e) => e.section)).to.deep.equal(['Description', 'Transform']);
    });

    it('Parameters: added, removed, a changed Default, and AllowedValues per value (order ignored)', () => {
      const b = clone(base);
      const p = b.Parameters as Record<string, T>;
      p.NodeInstanceType.Default = 'm5.large';
      p.NodeInstanceType.AllowedValues = ['m5.large', 't3.medium', 'm5.xlarge'];
      delete p.MinSize;
      p.MaxSize = { Type: 'Number', Default: 3 };
      const d = diffTemplates(base, b);
      const nit = mustEntry(d, 'Parameters', 'NodeInstanceType');
      expect(nit.kind).to.equal('changed');
      const byPointer = Object.fromEntries(nit.changes.map((c) => [`${c.kind} ${c.pointer}`, c.kind === 'removed' ? c.old : c.new]));
      expect(byPointer).to.deep.equal({
        'changed /Parameters/NodeInstanceType/Default': 'm5.large',
        'removed /Parameters/NodeInstanceType/AllowedValues/0': 't3.small',
        'added /Parameters/NodeInstanceType/AllowedValues/2': 'm5.xlarge',
      });
      expect(mustEntry(d, 'Parameters', 'MinSize')).to.deep.include({ kind: 'removed', old: { Type: 'Number', Default: 1 } });
      expect(mustEntry(d, 'Parameters', 'MaxSize')).to.deep.include({ kind: 'added', new: { Type: 'Number', Default: 3 } });
      expect(d.summary.bySection.Parameters).to.deep.equal({ added: 1, removed: 1, changed: 1 });
    });

    it('Mappings per entry: one changed, one added, one removed value; a whole new mapping is one entry', () => {
      const b = clone(base);
      const m = (b.Mappings as Record<string, Record<string, T>>).MaxPodsPerNode;
      m['t3.medium'].MaxPods = byRule('t3.medium') + 1;
      delete m['t3.small'];
      m['m5.large'] = { MaxPods: byRule('m5.large') };
      (b.Mappings as T).PartitionMap = { aws: { EC2ServicePrincipal: 'ec2.amazonaws.com' } };
      const d = diffTemplates(base, b);
      const changed = mustEntry(d, 'Mappings', 'MaxPodsPerNode', 't3.medium');
      expect(changed.changes).to.deep.equal([{ kind: 'changed', pointer: '/Mappings/MaxPodsPerNode/t3.medium/MaxPods', path: ['MaxPods'], old: byRule('t3.medium'), new: byRule('t3.medium') + 1 }]);
      expect(mustEntry(d, 'Mappings', 'MaxPodsPerNode', 't3.small')).to.deep.include({ kind: 'removed', old: { MaxPods: byRule('t3.small') } });
      expect(mustEntry(d, 'Mappings', 'MaxPodsPerNode', 'm5.large')).to.deep.include({ kind: 'added', new: { MaxPods: byRule('m5.large') } });
      expect(mustEntry(d, 'Mappings', 'PartitionMap')).to.include({ kind: 'added', pointer: '/Mappings/PartitionMap' });
    });

    it('Conditions, Outputs and Metadata: added, removed and changed by name', () => {
      const b = clone(base);
      (b.Conditions as T).HasKey = { 'Fn::Equals': [{ Ref: 'KeyName' }, 'x'] };
      (b.Conditions as T).IsProd = { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] };
      delete (b.Outputs as T).Group;
      b.Metadata = { Owner: { Team: 'platform' } };
      const d = diffTemplates(base, b);
      const hasKey = mustEntry(d, 'Conditions', 'HasKey');
      expect(hasKey.changes).to.have.length(1);
      expect(hasKey.changes[0]).to.include({ kind: 'changed', pointer: '/Conditions/HasKey' });
      expect(mustEntry(d, 'Conditions', 'IsProd').kind).to.equal('added');
      expect(mustEntry(d, 'Outputs', 'Group').kind).to.equal('removed');
      expect(mustEntry(d, 'Metadata', 'Owner')).to.deep.include({ kind: 'added', new: { Team: 'platform' } });
    });

    it('rejects what is not a template, naming the side', () => {
      expect(() => diffTemplates({ name: 'x' }, base)).to.throw(EksNodegroupError, /old template: not a CloudFormation template/);
      expect(() => diffTemplates(base, [] as unknown as T)).to.throw(EksNodegroupError, /new template: expected a CloudFormation template object, got a list/);
      expect(() => diffTemplates(base, { Resources: [1] })).to.throw(EksNodegroupError, /Resources must be a mapping/);
    });
  });

  describe('resources', () => {
    it('property paths with the impact cloudformation-diff gives: a replacing property, an in-place one', () => {
      const b = clone(base);
      const lt = ((b.Resources as T).LT as T).Properties as T;
      lt.LaunchTemplateName = 'nodes-v2';
      (lt.LaunchTemplateData as T).InstanceType = 'm5.large';
      const d = diffTemplates(base, b);
      const e = mustEntry(d, 'Resources', 'LT');
      expect(e.resourceType).to.deep.equal({ old: 'AWS::EC2::LaunchTemplate', new: 'AWS::EC2::LaunchTemplate' });
      expect(e.impact).to.equal('replace');
      const impacts = Object.fromEntries(e.changes.map((c) => [c.pointer, c.impact]));
      expect(impacts).to.deep.equal({
        '/Resources/LT/Properties/LaunchTemplateName': 'replace',
        '/Resources/LT/Properties/LaunchTemplateData/InstanceType': 'update',
      });
    });

    it('added, removed and retyped resources: create, destroy, replace', () => {
      const b = clone(base);
      const r = b.Resources as T;
      delete r.SG;
      r.Role = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
      r.LT = { ...(r.LT as T), Type: 'AWS::AutoScaling::LaunchConfiguration' };
      const d = diffTemplates(base, b);
      expect(mustEntry(d, 'Resources', 'SG')).to.include({ kind: 'removed', impact: 'destroy' });
      expect(mustEntry(d, 'Resources', 'Role')).to.include({ kind: 'added', impact: 'create' });
      const lt = mustEntry(d, 'Resources', 'LT');
      expect(lt.impact).to.equal('replace');
      expect(lt.resourceType).to.deep.equal({ old: 'AWS::EC2::LaunchTemplate', new: 'AWS::AutoScaling::LaunchConfiguration' });
    });

    it('a custom resource type: an update at least, marked as unknown to the AWS database', () => {
      const a = { Resources: { C: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:x', Size: 1 } } } };
      const b = { Resources: { C: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:x', Size: 2 } } } };
      const e = mustEntry(diffTemplates(a, b), 'Resources', 'C');
      expect(e).to.deep.include({ impact: 'update', typeUnknown: true });
      expect(e.changes).to.deep.equal([{ kind: 'changed', pointer: '/Resources/C/Properties/Size', path: ['Properties', 'Size'], old: 1, new: 2, impact: 'update' }]);
      const known = mustEntry(diffTemplates(base, { ...base, Resources: { ...(base.Resources as T), SG: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } } }), 'Resources', 'SG');
      expect(known.typeUnknown).to.equal(undefined);
    });

    it('user data in Fn::Sub is compared line by line, with the Fn::Sub body as pointer', () => {
      const b = clone(base);
      const data = (((b.Resources as T).LT as T).Properties as T).LaunchTemplateData as T;
      data.UserData = { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\nset -o xtrace\n/etc/eks/bootstrap.sh ${ClusterName} --use-max-pods false\necho done\n' } };
      const d = diffTemplates(base, b);
      const [c] = mustEntry(d, 'Resources', 'LT').changes;
      expect(c.pointer).to.equal('/Resources/LT/Properties/LaunchTemplateData/UserData/Fn::Base64/Fn::Sub');
      expect(c.lines).to.have.length(1);
      const lines = c.lines![0].lines;
      expect(lines.filter((l) => l[0] === '-')).to.deep.equal(['-/etc/eks/bootstrap.sh ${ClusterName}']);
      expect(lines.filter((l) => l[0] === '+')).to.deep.equal(['+/etc/eks/bootstrap.sh ${ClusterName} --use-max-pods false']);
      expect(lines).to.include(' set -o xtrace');
    });

    it('an Fn::Sub body gaining a variable map: body line by line, variables as their own change', () => {
      const b = clone(base);
      const data = (((b.Resources as T).LT as T).Properties as T).LaunchTemplateData as T;
      data.UserData = { 'Fn::Base64': { 'Fn::Sub': ['#!/bin/bash\nset -o xtrace\n/etc/eks/bootstrap.sh ${ClusterName} --max-pods ${MaxPods}\necho done\n', { MaxPods: 110 }] } };
      const changes = mustEntry(diffTemplates(base, b), 'Resources', 'LT').changes;
      const body = changes.find((c) => c.pointer.endsWith('/Fn::Sub/0'));
      const vars = changes.find((c) => c.pointer.endsWith('/Fn::Sub/1'));
      expect(body?.lines?.[0].lines.filter((l) => l[0] === '+')).to.deep.equal(['+/etc/eks/bootstrap.sh ${ClusterName} --max-pods ${MaxPods}']);
      expect(vars).to.deep.include({ kind: 'added', new: { MaxPods: 110 } });
    });

    it('user data moved from Fn::Join to Fn::Sub is compared as text', () => {
      const a = clone(base);
      const data = (((a.Resources as T).LT as T).Properties as T).LaunchTemplateData as T;
      data.UserData = { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\n', 'set -o xtrace\n', '/etc/eks/bootstrap.sh ', { Ref: 'ClusterName' }, '\n', 'echo done\n']] } };
      expect(diffTemplates(a, base).entries.length, 'same text, other spelling').to.equal(1);
      const c = mustEntry(diffTemplates(a, base), 'Resources', 'LT').changes[0];
      expect(c.lines ?? []).to.deep.equal([]);
      data.UserData = { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\n', 'echo start\n', '/etc/eks/bootstrap.sh ', { Ref: 'ClusterName' }, '\n', 'echo done\n']] } };
      const c2 = mustEntry(diffTemplates(a, base), 'Resources', 'LT').changes[0];
      const lines = c2.lines!.flatMap((h) => h.lines);
      expect(lines.filter((l) => l[0] !== ' ')).to.deep.equal(['-echo start', '+set -o xtrace']);
    });
  });

  describe('nodes: what the update does to the running nodes of each Auto Scaling group', () => {
    // base plus a group using LT through its latest version, rolling update 1 at a time.
    const withGroup = (): T => {
      const t = clone(base);
      (t.Resources as T).Group = {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: '1', MaxSize: '3', VPCZoneIdentifier: ['subnet-a'], LaunchTemplate: { LaunchTemplateId: { Ref: 'LT' }, Version: { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] } } },
        UpdatePolicy: { AutoScalingRollingUpdate: { MaxBatchSize: 1, MinInstancesInService: { Ref: 'MinSize' }, PauseTime: 'PT5M' } },
      };
      return t;
    };
    const group = (t: T): T => (t.Resources as T).Group as T;
    const ltData = (t: T): T => (((t.Resources as T).LT as T).Properties as T).LaunchTemplateData as T;

    it('a launch template updated in place: every node is replaced by the rolling update, in batches', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      const d = diffTemplates(a, b);
      expect(mustEntry(d, 'Resources', 'LT').impact).to.equal('update');
      expect(d.entries.some((e) => e.name === 'Group'), 'cloudformation-diff sees no change to the group').to.equal(false);
      expect(d.nodes).to.deep.equal([
        { autoScalingGroup: 'Group', cause: 'LT changes', how: 'rolling', rollingUpdate: { maxBatchSize: 1, minInstancesInService: { Ref: 'MinSize' }, pauseTime: 'PT5M' } },
      ]);
      expect(formatDiffText(d)).to.include('[!] Group: every node is replaced, 1 at a time with at least !Ref MinSize in service, pausing PT5M after each batch (UpdatePolicy AutoScalingRollingUpdate), because LT changes');
    });

    it('AutoScalingReplacingUpdate with WillReplace: a new group; no update policy: running nodes keep the old configuration', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      group(b).UpdatePolicy = { AutoScalingReplacingUpdate: { WillReplace: true } };
      expect(diffTemplates(a, b).nodes?.map((n) => n.how)).to.deep.equal(['replacing']);
      delete group(b).UpdatePolicy;
      const d = diffTemplates(a, b);
      expect(d.nodes?.map((n) => n.how)).to.deep.equal(['new-nodes-only']);
      expect(formatDiffText(d)).to.include('running nodes keep their old configuration; only nodes launched later get the change');
    });

    it('a group pinned to a launch template version is not updated; one on $Latest gets the change on new nodes only', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      for (const t of [a, b]) ((group(t).Properties as T).LaunchTemplate as T).Version = '1';
      expect(diffTemplates(a, b).nodes).to.deep.equal([{ autoScalingGroup: 'Group', cause: 'its launch template changes', how: 'version-pinned', version: '1' }]);
      for (const t of [a, b]) ((group(t).Properties as T).LaunchTemplate as T).Version = '$Latest';
      expect(diffTemplates(a, b).nodes?.map((n) => n.how)).to.deep.equal(['new-nodes-only']);
    });

    it('a replaced group: new group, new nodes (not a rolling update)', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      (group(b).Properties as T).AutoScalingGroupName = 'nodes-v2';
      const d = diffTemplates(a, b);
      expect(mustEntry(d, 'Resources', 'Group').impact).to.equal('replace');
      expect(d.nodes).to.deep.equal([{ autoScalingGroup: 'Group', cause: 'its AutoScalingGroupName changes', how: 'group-replaced' }]);
      expect(formatDiffText(d)).to.include('[!] Group: the group itself is replaced: CloudFormation creates a new group with new nodes');
    });

    it('a launch template change outside its Properties (Metadata) makes no new version: no node concerned', () => {
      const a = withGroup();
      const b = withGroup();
      ((b.Resources as T).LT as T).Metadata = { 'AWS::CloudFormation::Init': { config: {} } };
      const d = diffTemplates(a, b);
      expect(mustEntry(d, 'Resources', 'LT').kind).to.equal('changed');
      expect(d.nodes).to.equal(undefined);
    });

    it('no Version means $Default, which CloudFormation does not move: pinned', () => {
      const a = withGroup();
      const b = withGroup();
      for (const t of [a, b]) delete ((group(t).Properties as T).LaunchTemplate as T).Version;
      ltData(b).InstanceType = 'm5.large';
      const d = diffTemplates(a, b);
      expect(d.nodes).to.deep.equal([{ autoScalingGroup: 'Group', cause: 'its launch template changes', how: 'version-pinned', version: '$Default' }]);
      expect(formatDiffText(d)).to.include('running nodes and nodes launched later keep the version they use');
    });

    it('an Fn::If in the update policy or the Version: the report names the condition instead of guessing', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      group(b).UpdatePolicy = { 'Fn::If': ['Rolling', { AutoScalingRollingUpdate: { MaxBatchSize: 1 } }, { Ref: 'AWS::NoValue' }] };
      expect(diffTemplates(a, b).nodes).to.deep.equal([{ autoScalingGroup: 'Group', cause: 'LT changes', how: 'conditional', conditions: ['Rolling'] }]);
      const c0 = withGroup();
      const c = withGroup();
      ltData(c).InstanceType = 'm5.large';
      for (const t of [c0, c]) ((group(t).Properties as T).LaunchTemplate as T).Version = { 'Fn::If': ['Latest', { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] }, '1'] };
      const d = diffTemplates(c0, c);
      expect(d.nodes?.map((n) => `${n.how} ${n.conditions}`)).to.deep.equal(['conditional Latest']);
      expect(formatDiffText(d)).to.include('depends on condition Latest');
    });

    it('a MixedInstancesPolicy whose overrides name no launch template of their own: its launch template is every node\'s, as a LaunchTemplate is', () => {
      const mixedGroup = (t: T, overrides?: unknown[]): void => {
        const p = group(t).Properties as T;
        delete p.LaunchTemplate;
        p.MixedInstancesPolicy = {
          LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'LT' }, Version: { 'Fn::GetAtt': ['LT', 'LatestVersionNumber'] } }, ...(overrides ? { Overrides: overrides } : {}) },
        };
      };
      const rolling = { maxBatchSize: 1, minInstancesInService: { Ref: 'MinSize' }, pauseTime: 'PT5M' };
      for (const overrides of [undefined, [], [{ InstanceRequirements: { VCpuCount: { Min: 2 } } }]]) {
        const a = withGroup();
        const b = withGroup();
        mixedGroup(a, overrides);
        mixedGroup(b, overrides);
        ltData(b).InstanceType = 'm5.large';
        expect(diffTemplates(a, b).nodes, JSON.stringify(overrides)).to.deep.equal([{ autoScalingGroup: 'Group', cause: 'LT changes', how: 'rolling', rollingUpdate: rolling }]);
      }
      // Pinned to a version there too; and an override naming its launch template in a form this cannot read is not guessed.
      const a = withGroup();
      const b = withGroup();
      for (const t of [a, b]) {
        mixedGroup(t);
        (((group(t).Properties as T).MixedInstancesPolicy as T).LaunchTemplate as T).LaunchTemplateSpecification = { LaunchTemplateId: { Ref: 'LT' }, Version: '1' };
      }
      ltData(b).InstanceType = 'm5.large';
      expect(diffTemplates(a, b).nodes?.map((n) => n.how)).to.deep.equal(['version-pinned']);
      const c = withGroup();
      const d = withGroup();
      for (const t of [c, d]) mixedGroup(t, [{ InstanceType: 'm5.large', LaunchTemplateSpecification: { LaunchTemplateName: { 'Fn::ImportValue': 'lt' }, Version: '1' } }]);
      ltData(d).InstanceType = 'm5.large';
      const n = diffTemplates(c, d).nodes!;
      expect(n.map((x) => [x.how, x.cause])).to.deep.equal([['not-determined', 'LT changes (used through a MixedInstancesPolicy whose overrides this cannot read)']]);
      expect(formatDiffText(diffTemplates(c, d))).to.include("not determined here: LT changes (used through a MixedInstancesPolicy whose overrides this cannot read); review the stack's change set");
    });

    it('with WaitOnResourceSignals, PauseTime is how long each new node may take to signal', () => {
      const a = withGroup();
      const b = withGroup();
      ltData(b).InstanceType = 'm5.large';
      ((group(b).UpdatePolicy as T).AutoScalingRollingUpdate as T).WaitOnResourceSignals = true;
      expect(formatDiffText(diffTemplates(a, b))).to.include("waiting up to PT5M for each new node's signal");
    });

    it("the group's own subnets changing invokes the update policy too; a change elsewhere concerns no node", () => {
      const a = withGroup();
      const b = withGroup();
      (group(b).Properties as T).VPCZoneIdentifier = ['subnet-a', 'subnet-b'];
      expect(diffTemplates(a, b).nodes).to.deep.include.members([{ autoScalingGroup: 'Group', cause: 'its VPCZoneIdentifier changes', how: 'rolling', rollingUpdate: { maxBatchSize: 1, minInstancesInService: { Ref: 'MinSize' }, pauseTime: 'PT5M' } }]);
      const c = withGroup();
      (c.Outputs as T).Group = { Value: { Ref: 'Group' } };
      (group(c).Properties as T).MaxSize = '5';
      expect(diffTemplates(a, c).nodes).to.equal(undefined);
    });
  });

  describe('the AWS templates (../shared/reference)', () => {
    before(function () {
      requireShared(this, SHARED_TEMPLATES);
    });

    const pairs = REFERENCE.slice(1).map((n, i) => [REFERENCE[i], n] as const);
    for (const [a, b] of pairs) {
      it(`${a} → ${b} and back: differences found, every pointer resolves in its template`, () => {
        const ta = reference(a);
        const tb = reference(b);
        for (const [x, y] of [[ta, tb], [tb, ta]]) {
          const d = diffTemplates(x, y);
          expect(d.identical).to.equal(false);
          expect(d.entries.length).to.be.greaterThan(0);
          for (const e of d.entries) {
            if (e.kind === 'removed') expect(at(x, e.pointer), e.pointer).to.not.equal(undefined);
            else expect(at(y, e.pointer), e.pointer).to.not.equal(undefined);
            for (const c of e.changes) {
              const side = c.kind === 'removed' ? x : y;
              expect(at(side, c.pointer), c.pointer).to.deep.equal(c.kind === 'removed' ? c.old : c.new);
            }
            if (e.section === 'Resources') expect(e.impact, e.name).to.be.a('string');
          }
        }
        expect(diffTemplates(ta, reference(a)).identical).to.equal(true);
      });
    }

    it('2018-06 → 2018-08: the MaxPodsPerNode mapping goes, user data moves to /etc/eks/bootstrap.sh', () => {
      const d = diffTemplates(reference('2018-06-11'), reference('2018-08-28'));
      const m = mustEntry(d, 'Mappings', 'MaxPodsPerNode');
      expect(m.kind).to.equal('removed');
      expect(Object.keys(m.old as T)).to.have.length(55);
      const lc = mustEntry(d, 'Resources', 'NodeLaunchConfig');
      const ud = lc.changes.find((c) => c.path.includes('UserData'));
      const lines = ud!.lines!.flatMap((h) => h.lines);
      expect(lines).to.include('+/etc/eks/bootstrap.sh ${ClusterName} ${BootstrapArguments}');
      expect(lines.some((l) => l.startsWith('-sed -i s,MAX_PODS,') && l.includes('MaxPodsPerNode'))).to.equal(true);
      expect(mustEntry(d, 'Parameters', 'BootstrapArguments').kind).to.equal('added');
      // A LaunchConfiguration is immutable: new user data replaces it.
      expect(ud!.impact).to.equal('replace');
      expect(lc.impact).to.equal('replace');
      // ... and the group's rolling update then replaces every node, one at a time.
      expect(d.nodes).to.deep.equal([{ autoScalingGroup: 'NodeGroup', cause: 'NodeLaunchConfig changes', how: 'rolling', rollingUpdate: { maxBatchSize: '1', minInstancesInService: '1' } }]);
    });

    it('2019-09 → 2020-06: LaunchConfiguration replaced by a LaunchTemplate, the group follows', () => {
      const d = diffTemplates(reference('2019-09-17'), reference('2020-06-11'));
      expect(mustEntry(d, 'Resources', 'NodeLaunchConfig')).to.deep.include({ kind: 'removed', impact: 'destroy', resourceType: { old: 'AWS::AutoScaling::LaunchConfiguration', new: undefined } });
      expect(mustEntry(d, 'Resources', 'NodeLaunchTemplate')).to.deep.include({ kind: 'added', impact: 'create', resourceType: { old: undefined, new: 'AWS::EC2::LaunchTemplate' } });
      const g = mustEntry(d, 'Resources', 'NodeGroup');
      expect(g.changes.map((c) => `${c.kind} ${c.pointer}`)).to.include.members([
        'removed /Resources/NodeGroup/Properties/LaunchConfigurationName',
        'added /Resources/NodeGroup/Properties/LaunchTemplate',
      ]);
      expect(mustEntry(d, 'Mappings', 'PartitionMap').kind).to.equal('added');
    });

    it('2021-06 → 2022-05: the instance-type AllowedValues list goes, the AMI moves to Kubernetes 1.22', () => {
      const d = diffTemplates(reference('2021-06-08'), reference('2022-05-09'));
      const nit = mustEntry(d, 'Parameters', 'NodeInstanceType');
      const removed = nit.changes.find((c) => c.pointer === '/Parameters/NodeInstanceType/AllowedValues');
      expect(removed?.kind).to.equal('removed');
      expect(removed?.old).to.have.length(405);
      const ssm = mustEntry(d, 'Parameters', 'NodeImageIdSSMParam').changes;
      expect(ssm).to.have.length(1);
      expect(ssm[0].pointer).to.equal('/Parameters/NodeImageIdSSMParam/Default');
      expect(String(ssm[0].old)).to.include('/1.17/');
      expect(String(ssm[0].new)).to.include('/1.22/');
      expect(d.entries).to.have.length(2);
    });

    it('2022-05 → AL2023: nodeadm NodeConfig user data, an access entry, IMDS hop limit 1', () => {
      const d = diffTemplates(reference('2022-05-09'), reference('al2023-nodeadm'));
      const lt = mustEntry(d, 'Resources', 'NodeLaunchTemplate');
      const ud = lt.changes.find((c) => c.path.includes('UserData'))!;
      const lines = ud.lines!.flatMap((h) => h.lines);
      expect(lines).to.include.members(['+apiVersion: node.eks.aws/v1alpha1', '+kind: NodeConfig', '-/etc/eks/bootstrap.sh ${ClusterName} ${BootstrapArguments}']);
      expect(lt.changes.find((c) => c.pointer.endsWith('/MetadataOptions/HttpPutResponseHopLimit'))).to.deep.include({ old: 2, new: 1 });
      expect(mustEntry(d, 'Resources', 'NodeAccessEntry')).to.deep.include({ kind: 'added', impact: 'create' });
      expect(mustEntry(d, 'Parameters', 'BootstrapArguments').kind).to.equal('removed');
      expect(d.permissionsChanged).to.equal(true);
      expect(d.nodes?.map((n) => `${n.autoScalingGroup} ${n.how} (${n.cause})`)).to.deep.equal(['NodeGroup rolling (NodeLaunchTemplate changes)']);
    });

    it('our default template against AWS AL2023: only the intended differences', function () {
      const ours = path.join(ROOT, 'templates', 'nodegroup.yaml');
      if (!fs.existsSync(ours)) this.skip();
      const aws = reference('al2023-nodeadm');
      const mine = parseTemplate(fs.readFileSync(ours, 'utf8'));
      const d = diffTemplates(aws, mine);
      const names = d.entries.map((e) => `${e.kind} ${e.section}/${e.name}${e.key ? '/' + e.key : ''}`).sort();
      expect(names).to.deep.equal(
        [
          'changed Description/Description', // says what was computed
          'added Transform/Transform', // AWS::LanguageExtensions: FindInMap keys from NodeInstanceType
          'added Metadata/EksNodegroup', // how the template was generated
          'changed Parameters/NodeInstanceType', // description explains the table
          'added Mappings/MaxPodsBySize', // max pods per type, by size then family
          'changed Resources/NodeLaunchTemplate', // maxPods in NodeConfig, encrypted volume, the image by architecture
          'changed Conditions/CreateAccessEntry', // also for "EKS API and ConfigMap" (AWS's misses it)
          'added Parameters/NodeImageIdSSMParamArm64', // the arm64 AMI for the arm64 types
          'added Mappings/AmiArchitecture', // which families are arm64
          'changed Metadata/AWS::CloudFormation::Interface', // the arm64 AMI parameter in its group
          'changed Parameters/NodeImageIdSSMParam', // the newest Kubernetes version with AMIs, "x86_64" in the text
          'changed Parameters/NodeVolumeSize', // MinValue/MaxValue: the sizes EBS takes for gp3
        ].sort(),
      );
      expect(mustEntry(d, 'Transform', 'Transform').new).to.equal('AWS::LanguageExtensions');
      const lt = mustEntry(d, 'Resources', 'NodeLaunchTemplate');
      expect(lt.impact).to.equal('update');
      const body = lt.changes.find((c) => c.pointer.endsWith('/UserData/Fn::Base64/Fn::Sub/0'))!;
      const added = body.lines!.flatMap((h) => h.lines).filter((l) => l[0] === '+');
      expect(added).to.deep.equal(['+  kubelet:', '+    config:', '+      maxPods: ${MaxPods}']);
      expect(body.lines!.flatMap((h) => h.lines).filter((l) => l[0] === '-')).to.deep.equal([]);
      const vars = lt.changes.find((c) => c.pointer.endsWith('/UserData/Fn::Base64/Fn::Sub/1'))!;
      expect(Object.keys(vars.new as T)).to.deep.equal(['MaxPods']);
      const rest = lt.changes.filter((c) => c !== body && c !== vars).map((c) => `${c.kind} ${c.pointer} ${JSON.stringify(c.new)}`);
      expect(rest.map((r) => r.replace(/ \{.*$/, ''))).to.deep.equal([
        'added /Resources/NodeLaunchTemplate/Properties/LaunchTemplateData/BlockDeviceMappings/0/Ebs/Encrypted true',
        // The image of the deploy-time type's architecture instead of the x86_64 one only.
        'changed /Resources/NodeLaunchTemplate/Properties/LaunchTemplateData/ImageId/Fn::If/2',
      ]);
      // Moving a stack from AWS's template to ours changes the launch template: the rolling update
      // replaces every node (one at a time), and the report says so.
      expect(d.nodes?.map((n) => `${n.autoScalingGroup} ${n.how} (${n.cause})`)).to.deep.equal(['NodeGroup rolling (NodeLaunchTemplate changes)']);
      // The images explain the ImageId change: arm64 types got AWS's x86_64 AMI and get an arm64 one now.
      const arm = d.images!.find((c) => c.architecture === 'arm64')!;
      expect(arm.old!.imageArchitecture).to.equal('x86_64');
      expect(arm.new!.imageArchitecture).to.equal('arm64');
      expect(arm.new!.types).to.equal([...maxPodsTableFromTemplate(mine)!.keys()].filter((t) => architectureOf(t) === 'arm64').length);
      expect(formatDiffText(d)).to.match(/arm64 types, e\.g\. \S+: ssm:\S+x86_64\S+ \(an x86_64 AMI: EC2 refuses to launch it on arm64 types\) → ssm:\S+arm64\S+: these types can launch now/);
      // Every value in our table is today's computed value.
      expect(d.maxPods?.staleNew).to.deep.equal([]);
      expect(d.maxPods?.rows.length).to.be.greaterThan(1000);
    });
  });

  describe('changes a launch template gets without its own text changing', () => {
    const base = (): T => JSON.parse(JSON.stringify(buildNodeGroupTemplate({ instanceTypes: ['m5.*', 'm7g.large'] }))) as T;

    it('a max-pods mapping value: the launch template reads it, so the nodes are replaced', () => {
      const a = base();
      const b = base();
      const bySize = (b.Mappings as Record<string, Record<string, Record<string, number>>>).MaxPodsBySize;
      bySize.large.m5 += 1;
      const d = diffTemplates(a, b);
      expect(d.entries.map((e) => `${e.section}/${e.name}`)).to.deep.equal(['Mappings/MaxPodsBySize']);
      expect(d.nodes?.map((n) => `${n.autoScalingGroup} ${n.how}`)).to.deep.equal(['NodeGroup rolling']);
      expect(d.nodes![0].cause).to.equal('NodeLaunchTemplate changes (it reads Mappings MaxPodsBySize, whose values change: nodes of a type whose value changes)');
      expect(d.images).to.equal(undefined); // the images stay
    });

    it("an AMI parameter's default: new nodes unless the update passes a value; the images say which", () => {
      const a = base();
      const b = base();
      const p = (b.Parameters as Record<string, { Default: string }>).NodeImageIdSSMParamArm64;
      p.Default = p.Default.replace(/\/1\.\d+\//, '/1.30/');
      const d = diffTemplates(a, b);
      expect(d.nodes![0].cause).to.include('the new default of NodeImageIdSSMParamArm64, unless the update passes a value');
      expect(d.images!.map((c) => [c.architecture, c.old!.image === c.new!.image, c.new!.types])).to.deep.equal([['arm64', false, 1]]);
      expect(d.images![0].new!.image).to.include('/1.30/');
    });

    it('a mapping nothing reads, or a parameter no launch template uses, replaces no node', () => {
      const a = base();
      const b = base();
      (b.Mappings as T).Unused = { k: { v: 1 } };
      (a.Mappings as T).Unused = { k: { v: 2 } };
      const params = (b.Parameters as Record<string, { Default?: unknown }>);
      params.NodeAutoScalingGroupMinSize.Default = 2;
      expect(diffTemplates(a, b).nodes).to.equal(undefined);
    });
  });

  describe('max-pods view', () => {
    it('absent when neither template carries max pods', () => {
      expect(diffTemplates({ Resources: {} }, { Resources: {} }).maxPods).to.equal(undefined);
    });

    it('old, new and computed per type; stale hand-entered values and types on one side stand out', () => {
      const a = clone(base);
      const b = clone(base);
      const stale = byRule('t3.medium') + 3;
      (a.Mappings as Record<string, Record<string, T>>).MaxPodsPerNode['t3.medium'].MaxPods = stale;
      (b.Mappings as Record<string, Record<string, T>>).MaxPodsPerNode = { 't3.medium': { MaxPods: byRule('t3.medium') }, 'm5.large': { MaxPods: byRule('m5.large') } };
      const v = diffTemplates(a, b).maxPods!;
      expect(v.rows.map((r) => r.instanceType)).to.deep.equal(['m5.large', 't3.medium', 't3.small']);
      expect(v.rows.find((r) => r.instanceType === 't3.medium')).to.deep.include({ old: stale, new: byRule('t3.medium'), computed: byRule('t3.medium'), oldStale: true, newStale: false });
      expect(v.staleOld).to.deep.equal(['t3.medium']);
      expect(v.onlyOld).to.deep.equal(['t3.small']);
      expect(v.onlyNew).to.deep.equal(['m5.large']);
      expect(v.changed).to.deep.equal(['t3.medium']);
    });

    it("AWS 2018-06 against ours with the same types (per-type layout): AWS's wrong values and missing types", function () {
      requireShared(this, SHARED_TEMPLATES);
      const aws = reference('2018-06-11');
      const awsTable = (aws.Mappings as Record<string, Record<string, { MaxPods: number }>>).MaxPodsPerNode;
      const awsTypes = Object.keys(awsTable);
      expect(awsTypes).to.have.length(55);
      // Ours: AWS's types our data still knows, plus the small t2 types AWS left out.
      const ourTypes = [...awsTypes.filter(known), 't2.nano', 't2.micro'];
      const ours = buildNodeGroupTemplate({ instanceTypes: ourTypes, maxPodsLayout: 'per-type', amiFamily: 'al2' });
      const v = diffTemplates(aws, ours as unknown as T).maxPods!;

      const wrong = awsTypes.filter((t) => known(t) && awsTable[t].MaxPods !== byRule(t)).sort();
      expect(wrong, 'by today\'s data, 2018 t2.small had 2 ENIs (8) where it has 3 now').to.include('t2.small');
      expect(v.staleOld).to.deep.equal(wrong);
      for (const t of wrong) {
        expect(v.rows.find((r) => r.instanceType === t)).to.deep.include({ old: awsTable[t].MaxPods, new: byRule(t), computed: byRule(t), oldStale: true, newStale: false });
      }
      expect(v.staleNew).to.deep.equal([]);
      expect(v.onlyNew).to.deep.equal(['t2.micro', 't2.nano']);
      const retired = awsTypes.filter((t) => !known(t)).sort();
      expect(v.unknown).to.deep.equal(retired);
      expect(v.onlyOld).to.deep.equal(retired);
      expect(v.rows).to.have.length(awsTypes.length + 2);
    });

    it('computes with the options the new template records (or the ones given)', () => {
      const ours = buildNodeGroupTemplate({ instanceTypes: ['m5.large', 't3.medium'], maxPods: { cap: true, prefixDelegation: true }, maxPodsLayout: 'per-type' }) as unknown as T;
      const d = diffTemplates(base, ours);
      expect(d.maxPods!.options).to.deep.equal({ cap: true, prefixDelegation: true });
      expect(d.maxPods!.staleNew).to.deep.equal([]);
      const plain = diffTemplates(base, ours, { maxPods: {} });
      expect(plain.maxPods!.staleNew, 'with prefix delegation m5.large goes past the 110 cap').to.include('m5.large');
    });
  });
});

/** The reference model: numbers and booleans become the text CloudFormation passes on; the rest stays. */
function canonical(v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) Object.defineProperty(o, k, { value: canonical(val), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

describe('diff: cfnEqual (and valueNumbering, which list diffs compare by) is isDeepStrictEqual on the canonical forms', function () {
  // Values built from few scalars, so that equal and unequal pairs both occur often.
  const scalar = fc.constantFrom<unknown>(0, 1, '1', '01', 1.5, '1.5', true, 'true', false, 'false', null, 'a', '', undefined);
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), tie('value'), { maxKeys: 3 })),
  }));

  it('gives the same answer for random pairs and for a value and its reordered copy', () => {
    const reordered = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reordered) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)])) : v;
    let equalPairs = 0;
    // One numbering for every pair: numbers stay consistent however many values it has seen.
    const number = valueNumbering();
    fc.assert(
      fc.property(value, value, (a, b) => {
        const expected = isDeepStrictEqual(canonical(a), canonical(b));
        if (expected) equalPairs++;
        expect(cfnEqual(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).to.equal(expected);
        expect(cfnEqual(a, reordered(a))).to.equal(true);
        expect(number(a) === number(b), `numbers of ${JSON.stringify(a)} vs ${JSON.stringify(b)}`).to.equal(expected);
        expect(number(reordered(a))).to.equal(number(a));
      }),
      { numRuns: 2000, seed: 20261128 },
    );
    expect(equalPairs, 'some random pairs are equal').to.be.greaterThan(20);
  });
});

/**
 * Mixed-instances groups: every override's launch template carries exactly maxPods() of its type
 * and an AMI of its architecture, one launch template per distinct (max pods, architecture); the
 * limits (40 types, 20 launch templates) and bad purchase options are refused with exit 2; render,
 * validate and diff understand the shape. Counts are derived from the data, not typed.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTemplates } from '../lib/diff';
import { formatDiffText } from '../lib/format';
import { architectureOf, listInstanceTypes } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { buildNodeGroupTemplate, DEFAULTS, maxPodsTableFromTemplate, selectInstanceTypes, type NodeGroupOptions, type NodeGroupTemplate } from '../lib/nodegroup';
import { MAX_MIXED_LAUNCH_TEMPLATES, MAX_MIXED_TYPES, mixedOverrides } from '../lib/nodegroup/mixed';
import { maxPodsFromUserData, renderTemplate, userDataOf } from '../lib/render';
import { validateTemplate } from '../lib/validate';
import { amiPath } from '../lib/core/aws';
import { parseTemplate, toYaml } from '../lib/yaml';
import { MIXED_CASES, MIXED_TYPES } from './aws-validator.spec';
import { failure, REQUIRED_PARAMETERS, requiredParameters, runCli, tempDir } from './helpers';

type T = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties: T }>;

/** Per AMI family, and x86-only / arm64-only / both. */
const CASES: { title: string; options: NodeGroupOptions }[] = [
  ...MIXED_CASES,
  { title: 'bottlerocket, both architectures', options: { amiFamily: 'bottlerocket', instanceTypes: MIXED_TYPES, mixedInstances: {} } },
  { title: 'al2, both architectures', options: { amiFamily: 'al2', instanceTypes: MIXED_TYPES, mixedInstances: {} } },
  { title: 'al2023, arm64 only', options: { instanceTypes: ['m7g.*', 'c7g.large'], excludeInstanceTypes: ['m7g.metal'], mixedInstances: {} } },
  { title: 'al2023, x86_64 only', options: { instanceTypes: ['c6i.*', 'm5.large', 't3.medium'], excludeInstanceTypes: ['c6i.metal', 'c6i.32xlarge', 'c6i.24xlarge'], mixedInstances: true } },
];

describe('mixed-instances groups: each type with its own max pods and AMI', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    it(`${c.title}: every override's launch template has maxPods() of its type and an AMI of its architecture`, () => {
      const template = parseTemplate(toYaml(buildNodeGroupTemplate(c.options)), 'mixed.yaml');
      const overrides = mixedOverrides(template);
      const types = overrides.map((o) => o.instanceType);
      expect(types.length).to.be.within(1, MAX_MIXED_TYPES);
      // Exactly the requested types, in the order asked (a pattern's smallest first): none lost or doubled by the grouping.
      expect(types).to.deep.equal(selectInstanceTypes(c.options.instanceTypes, c.options.excludeInstanceTypes));
      const only = /(x86_64|arm64) only/.exec(c.title)?.[1];
      if (only) expect([...new Set(types.map((t) => architectureOf(t)))]).to.deep.equal([only]);
      const rendered = renderTemplate(template, requiredParameters(template));
      const userData = new Map(userDataOf(rendered).map((u) => [u.logicalId, u.text]));
      const wrong: string[] = [];
      for (const o of overrides) {
        const lt = rendered.Resources[o.launchTemplate!];
        const got = maxPodsFromUserData(userData.get(o.launchTemplate!)!).maxPods;
        const want = maxPods(o.instanceType, c.options.maxPods);
        if (got !== want) wrong.push(`${o.instanceType}: ${o.launchTemplate} says ${got}, maxPods() ${want}`);
        const image = String((lt.Properties as { LaunchTemplateData: { ImageId: unknown } }).LaunchTemplateData.ImageId);
        const arch = amiPath(image.replace(/^<ssm:(.*)>$/, '$1'))?.architecture;
        if (arch !== architectureOf(o.instanceType)) wrong.push(`${o.instanceType} (${architectureOf(o.instanceType)}) gets ${image}`);
        if ((lt.Properties as { LaunchTemplateData: T }).LaunchTemplateData.InstanceType !== undefined) wrong.push(`${o.launchTemplate} sets an InstanceType`);
      }
      expect(wrong, wrong.join('\n')).to.deep.equal([]);
      // As few launch templates as the distinct (max pods, architecture) pairs.
      const pairs = new Set(types.map((t) => `${maxPods(t, c.options.maxPods)}/${architectureOf(t)}`));
      const launchTemplates = Object.entries(template.Resources as Resources).filter(([, r]) => r.Type === 'AWS::EC2::LaunchTemplate');
      expect(launchTemplates.length).to.equal(pairs.size);
      expect(new Set(overrides.map((o) => o.launchTemplate)).size).to.equal(pairs.size);
      // The types are fixed: no NodeInstanceType, and the table the template carries is read back.
      expect(template.Parameters).to.not.have.property('NodeInstanceType');
      expect([...maxPodsTableFromTemplate(template)!.keys()]).to.have.members(types);
      expect(validateTemplate(template).filter((f) => f.severity === 'error')).to.deep.equal([]);
    });
  }

  it("the issue's six types need 4 launch templates: 3 × 29 x86_64, 58, 29 arm64, 17", () => {
    const t = buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES, mixedInstances: {} });
    const pairs = new Set(MIXED_TYPES.map((x) => `${maxPods(x)}/${architectureOf(x)}`));
    expect(Object.values(t.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate')).to.have.length(pairs.size);
    expect(pairs.size).to.equal(4);
  });

  it('the purchase options and weights land in the group as given; the defaults are stated once', () => {
    const t = buildNodeGroupTemplate({
      instanceTypes: ['m5.large', 'm5.xlarge'],
      scaling: { desired: 3, max: 5 },
      mixedInstances: { onDemandBaseCapacity: 2, onDemandPercentageAboveBaseCapacity: 20, spotAllocationStrategy: 'capacity-optimized', capacityRebalance: false, weights: { 'm5.large': 1, 'm5.xlarge': 2 } },
    });
    const g = t.Resources.NodeGroup.Properties as T & { MixedInstancesPolicy: { InstancesDistribution: T; LaunchTemplate: { Overrides: T[] } } };
    expect(g.MixedInstancesPolicy.InstancesDistribution).to.deep.equal({ OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 20, SpotAllocationStrategy: 'capacity-optimized' });
    expect(g.CapacityRebalance).to.equal(false);
    expect(g.MixedInstancesPolicy.LaunchTemplate.Overrides.map((o) => [o.InstanceType, o.WeightedCapacity])).to.deep.equal([['m5.large', '1'], ['m5.xlarge', '2']]);
    expect(g).to.not.have.property('LaunchTemplate');
    const d = buildNodeGroupTemplate({ instanceTypes: ['m5.large'], mixedInstances: {} }).Resources.NodeGroup.Properties as typeof g;
    expect(d.MixedInstancesPolicy.InstancesDistribution).to.deep.equal({ OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 100, SpotAllocationStrategy: 'price-capacity-optimized' });
    expect(d.CapacityRebalance).to.equal(true);
    expect(t.Description).to.include('no NodeInstanceType parameter');
  });
});

describe('gen --mixed-instances', function () {
  this.timeout(120_000);
  const dir = tempDir('eks-nodegroup-mixed-');

  it('writes the group, says the types are fixed, and the library gives the same template', async () => {
    const r = await runCli(['gen', '--mixed-instances', '-t', MIXED_TYPES.join(','), '--on-demand-percentage', '0', '-o', 'mixed.yaml'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`mixed instances: ${MIXED_TYPES.length} types fixed at generation (no NodeInstanceType parameter), 4 launch templates`);
    expect(r.stdout).to.not.include('NodeInstanceType=');
    const lib = toYaml(buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES, mixedInstances: { onDemandPercentageAboveBaseCapacity: 0 } }));
    expect(fs.readFileSync(path.join(dir, 'mixed.yaml'), 'utf8')).to.equal(lib);
  });

  it('a Spot strategy with 100% On-Demand above the base is a warning: such a group buys no Spot', async () => {
    const all = await runCli(['gen', '--mixed-instances', '-t', 'm5.large,m5a.large', '--spot-allocation-strategy', 'capacity-optimized', '--stdout'], { cwd: dir });
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stderr).to.include('warning: mixedInstances.spotAllocationStrategy is capacity-optimized but onDemandPercentageAboveBaseCapacity is 100, so the group launches no Spot instances');
    const spot = await runCli(['gen', '--mixed-instances', '-t', 'm5.large,m5a.large', '--spot-allocation-strategy', 'capacity-optimized', '--on-demand-percentage', '0', '--stdout'], { cwd: dir });
    expect(spot.stderr).to.not.include('no Spot instances');
  });

  // 41 types; and 21 types with distinct max pods (x86_64), so 21 launch templates.
  const x86 = listInstanceTypes().filter((t) => t.architecture === 'x86_64' && t.vcpus !== undefined);
  const distinct = [...new Map(x86.map((t) => [maxPods(t), t.name])).values()];
  const REFUSED: [string, string[], RegExp][] = [
    ['41 types', ['-t', x86.slice(0, MAX_MIXED_TYPES + 1).map((t) => t.name).join(',')], new RegExp(`at most ${MAX_MIXED_TYPES} types in a mixed-instances group`)],
    [`${MAX_MIXED_LAUNCH_TEMPLATES + 1} launch templates`, ['-t', distinct.slice(0, MAX_MIXED_LAUNCH_TEMPLATES + 1).join(',')], new RegExp(`at most ${MAX_MIXED_LAUNCH_TEMPLATES} launch templates .*these need ${MAX_MIXED_LAUNCH_TEMPLATES + 1}`)],
    ['no types named', [], /needs the types to mix: give instanceTypes \(-t\)/],
    ['an on-demand percentage over 100', ['-t', 'm5.large', '--on-demand-percentage', '101'], /--on-demand-percentage: 101 \(allowed: a whole number from 0 to 100\)/],
    ['an unknown Spot strategy', ['-t', 'm5.large', '--spot-allocation-strategy', 'cheapest'], /--spot-allocation-strategy: "cheapest" \(allowed: price-capacity-optimized, capacity-optimized/],
    ['an on-demand percentage that is no number', ['-t', 'm5.large', '--on-demand-percentage', 'abc'], /--on-demand-percentage: "abc" \(allowed: a whole number from 0 to 100\)/],
    ['a weight of 0', ['-t', 'm5.large', '--weight', 'm5.large=0'], /--weight m5\.large/],
    ['a weight over 999, named as the flag', ['-t', 'm5.large', '--weight', 'm5.large=1000'], /invalid value for --weight m5\.large=…: 1000 \(allowed: a whole number from 1 to 999\)/],
    ['a weight given twice', ['-t', 'm5.large', '--weight', 'm5.large=1', '--weight', 'm5.large=2'], /--weight m5\.large=… is given twice/],
    [
      'weights with a max size that leaves no room for the largest weight',
      ['-t', 'm5.large,m5.xlarge,m6i.2xlarge', '--weight', 'm5.large=1', '--weight', 'm5.xlarge=2', '--weight', 'm6i.2xlarge=4'],
      new RegExp(`invalid value for scaling: .*mixedInstances\\.weights.*capacity units.*\\(${DEFAULTS.scaling.desired} \\+ 4 = ${DEFAULTS.scaling.desired + 4}\\).*--max-size ${DEFAULTS.scaling.desired + 4}`),
    ],
    ['weights for some types only', ['-t', 'm5.large,m5.xlarge', '--weight', 'm5.large=2'], /every offered type or for none.*missing: m5\.xlarge/],
    ['a weight for a type not offered', ['-t', 'm5.large', '--weight', 'm5.larg=2'], /weights key: "m5\.larg".*did you mean m5\.large/],
    ['a layout', ['-t', 'm5.large', '--layout', 'per-type'], /--layout.*nothing with mixedInstances/],
    ['a NodeInstanceType default', ['-t', 'm5.large', '-p', 'NodeInstanceType=m5.large'], /"NodeInstanceType" is not a parameter of the template/],
  ];
  for (const [title, args, re] of REFUSED) {
    it(`refuses ${title}: exit 2, nothing written`, async () => {
      const r = await runCli(['gen', '--mixed-instances', ...args, '-o', 'refused.yaml'], { cwd: dir });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(re);
      expect(fs.existsSync(path.join(dir, 'refused.yaml'))).to.equal(false);
    });
  }

  it('config mixedInstances: true is the group with every default, false none; another shape is refused by name', async () => {
    const write = (name: string, value: string) => fs.writeFileSync(path.join(dir, name), `instanceTypes: [m5.large, m7g.large]\nmixedInstances: ${value}\n`);
    const flags = await runCli(['gen', '--stdout', '--mixed-instances', '-t', 'm5.large,m7g.large'], { cwd: dir });
    write('on.yaml', 'true');
    expect((await runCli(['gen', '--stdout', '-c', 'on.yaml'], { cwd: dir })).stdout).to.equal(flags.stdout);
    // A flag switches it on over `false`, and merges its value into `true`'s defaults.
    write('off.yaml', 'false');
    expect((await runCli(['gen', '--stdout', '-c', 'off.yaml', '--mixed-instances'], { cwd: dir })).stdout).to.equal(flags.stdout);
    expect((await runCli(['gen', '--stdout', '-c', 'off.yaml'], { cwd: dir })).stdout).to.equal((await runCli(['gen', '--stdout', '-t', 'm5.large,m7g.large'], { cwd: dir })).stdout);
    const off = await runCli(['gen', '--stdout', '-c', 'off.yaml', '--on-demand-base', '1'], { cwd: dir });
    expect([off.code, off.stderr]).to.deep.equal([2, 'eks-nodegroup gen: --on-demand-base goes with --mixed-instances (or mixedInstances in the config file)\n']);
    const spot = await runCli(['gen', '--stdout', '-c', 'on.yaml', '--on-demand-percentage', '0'], { cwd: dir });
    expect(spot.stdout).to.equal((await runCli(['gen', '--stdout', '--mixed-instances', '-t', 'm5.large,m7g.large', '--on-demand-percentage', '0'], { cwd: dir })).stdout);
    for (const bad of ['5', '[]', '"abc"', 'null']) {
      write('bad.yaml', bad);
      for (const extra of [[], ['--mixed-instances', '--on-demand-base', '1']]) {
        const r = await runCli(['gen', '--stdout', '-c', 'bad.yaml', ...extra], { cwd: dir });
        expect(r.code, `${bad} ${extra}`).to.equal(2);
        expect(r.stderr).to.include(`bad.yaml:2:17: invalid value for mixedInstances: ${bad === '"abc"' ? bad : JSON.stringify(JSON.parse(bad))} (allowed: true, false or a mapping of onDemandBaseCapacity, onDemandPercentageAboveBaseCapacity`);
      }
    }
    // The same in a nested value the flags merge into.
    write('w.yaml', '{ weights: 5 }');
    const w = await runCli(['gen', '--stdout', '-c', 'w.yaml', '--weight', 'm5.large=1', '--weight', 'm7g.large=1'], { cwd: dir });
    expect(w.code).to.equal(2);
    expect(w.stderr).to.match(/w\.yaml:2:\d+: invalid value for mixedInstances\.weights: 5 .*\(with --weight\)/);
  });

  it('the library takes mixedInstances: true and false as the config does', () => {
    const types = ['m5.large', 'm7g.large'];
    expect(buildNodeGroupTemplate({ instanceTypes: types, mixedInstances: true })).to.deep.equal(buildNodeGroupTemplate({ instanceTypes: types, mixedInstances: {} }));
    expect(buildNodeGroupTemplate({ instanceTypes: types, mixedInstances: false })).to.deep.equal(buildNodeGroupTemplate({ instanceTypes: types }));
    expect(() => buildNodeGroupTemplate({ instanceTypes: types, mixedInstances: 5 as unknown as boolean })).to.throw(/invalid value for mixedInstances: 5 \(allowed: true, false or a mapping of /);
  });

  it('with weights the sizes count capacity units: the parameters say so, and max must leave room for the largest weight', () => {
    const weights = { 'm5.large': 1, 'm5.xlarge': 2, 'm6i.2xlarge': 4 };
    const largest = Math.max(...Object.values(weights));
    const options = { instanceTypes: Object.keys(weights), mixedInstances: { weights } };
    const e = failure(() => buildNodeGroupTemplate(options));
    expect(e.option).to.equal('scaling');
    expect(e.message).to.include(`(${DEFAULTS.scaling.desired} + ${largest} = ${DEFAULTS.scaling.desired + largest})`);
    const t = buildNodeGroupTemplate({ ...options, scaling: { desired: DEFAULTS.scaling.desired, max: DEFAULTS.scaling.desired + largest } });
    const p = t.Parameters as Record<string, { Description: string }>;
    for (const n of ['NodeAutoScalingGroupMinSize', 'NodeAutoScalingGroupDesiredCapacity', 'NodeAutoScalingGroupMaxSize']) expect(p[n].Description, n).to.include('in capacity units');
    expect(p.NodeAutoScalingGroupMaxSize.Description).to.include(`NodeAutoScalingGroupDesiredCapacity + ${largest} (the largest weight)`);
    // Through a parameter default too; and without weights the sizes count nodes, as before.
    expect(failure(() => buildNodeGroupTemplate({ ...options, parameterDefaults: { NodeAutoScalingGroupMaxSize: DEFAULTS.scaling.desired + largest - 1 } })).option).to.equal('parameterDefaults');
    const plain = buildNodeGroupTemplate({ instanceTypes: Object.keys(weights), mixedInstances: {} }).Parameters as typeof p;
    expect(plain.NodeAutoScalingGroupMaxSize.Description).to.not.include('capacity units');
  });

  it('purchase-option flags without --mixed-instances are refused', async () => {
    const r = await runCli(['gen', '-t', 'm5.large', '--on-demand-base', '1', '-o', 'x.yaml'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--on-demand-base goes with --mixed-instances');
  });

  it('render --user-data lists every launch template with its types, max pods and image', async () => {
    const file = path.join(dir, 'render.yaml');
    fs.writeFileSync(file, toYaml(buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES, mixedInstances: {} })));
    const p = Object.entries(REQUIRED_PARAMETERS).flatMap(([k, v]) => ['-p', `${k}=${v}`]);
    const r = await runCli(['render', 'render.yaml', '--user-data', ...p], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    for (const t of MIXED_TYPES) expect(r.stdout).to.match(new RegExp(`for [^\\n]*\\b${t.replace('.', '\\.')}\\b[^\\n]*: maxPods ${maxPods(t)}, image <ssm:[^>]*${architectureOf(t)}`));
    const j = JSON.parse((await runCli(['render', 'render.yaml', '--user-data', '--json', ...p], { cwd: dir })).stdout) as { instanceTypes: string[]; maxPods: { maxPods: number } }[];
    expect(j.flatMap((e) => e.instanceTypes)).to.have.members(MIXED_TYPES);
  });

  it('validate: an override naming a launch template that does not exist is an error', () => {
    const t = JSON.parse(JSON.stringify(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 't3.medium'], mixedInstances: {} }))) as T;
    const overrides = (((t.Resources as Resources).NodeGroup.Properties.MixedInstancesPolicy as T).LaunchTemplate as { Overrides: { LaunchTemplateSpecification: { LaunchTemplateId: T } }[] }).Overrides;
    overrides[1].LaunchTemplateSpecification.LaunchTemplateId = { Ref: 'NodeLaunchTemplateMissing' };
    const errors = validateTemplate(t).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.rule)).to.include('ref-target');
    expect(errors.map((f) => f.message).join('\n')).to.include('NodeLaunchTemplateMissing');
  });

  it('validate: an override naming a resource that is not a launch template is an error at that override', () => {
    const t = JSON.parse(JSON.stringify(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 't3.medium'], mixedInstances: {} }))) as T;
    const overrides = (((t.Resources as Resources).NodeGroup.Properties.MixedInstancesPolicy as T).LaunchTemplate as { Overrides: { LaunchTemplateSpecification: { LaunchTemplateId: T } }[] }).Overrides;
    overrides[1].LaunchTemplateSpecification.LaunchTemplateId = { Ref: 'NodeSecurityGroup' };
    const errors = validateTemplate(t).filter((f) => f.rule === 'launch-template');
    expect(errors.map((f) => [f.severity, f.pointer])).to.deep.equal([['error', '/Resources/NodeGroup/Properties/MixedInstancesPolicy/LaunchTemplate/Overrides/1/LaunchTemplateSpecification']]);
    expect(errors[0].message).to.include('names NodeSecurityGroup (AWS::EC2::SecurityGroup), not an AWS::EC2::LaunchTemplate');
    // The same in a single-type group.
    const single = JSON.parse(JSON.stringify(buildNodeGroupTemplate({ instanceTypes: ['m5.large'] }))) as T;
    ((single.Resources as Resources).NodeGroup.Properties.LaunchTemplate as T).LaunchTemplateId = { Ref: 'NodeSecurityGroup' };
    expect(validateTemplate(single).filter((f) => f.rule === 'launch-template').map((f) => f.pointer)).to.deep.equal(['/Resources/NodeGroup/Properties/LaunchTemplate']);
  });
});

describe('diff with mixed-instances groups: which nodes are replaced and why', () => {
  // Built in a hook, not at load: with other instance data the suite reports failures instead of aborting.
  let single: NodeGroupTemplate;
  let mixed: NodeGroupTemplate;
  before(() => {
    single = buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES });
    mixed = buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES, mixedInstances: {} });
  });

  it('single type → mixed: every node is replaced because the group becomes mixed; all types get the new configuration', () => {
    const d = diffTemplates(single, mixed);
    expect(d.nodes).to.have.length(1);
    expect(d.nodes![0]).to.include({ autoScalingGroup: 'NodeGroup', how: 'rolling', cause: 'it becomes a mixed-instances group' });
    expect(d.nodes![0].instanceTypes).to.deep.equal(MIXED_TYPES);
  });

  it('mixed → single type: every node is replaced because the group stops being mixed, its types named', () => {
    const d = diffTemplates(mixed, single);
    expect(d.nodes).to.have.length(1);
    expect(d.nodes![0]).to.include({
      autoScalingGroup: 'NodeGroup',
      how: 'rolling',
      cause: `it stops being a mixed-instances group (${MIXED_TYPES.length} types: ${MIXED_TYPES.join(', ')}): its nodes come back as the one type of its LaunchTemplate`,
    });
    expect(formatDiffText(d)).to.include('[!] NodeGroup: every node is replaced, 1 at a time').and.to.include('because it stops being a mixed-instances group');
  });

  it('two mixed groups differing in one type: the types added, removed or whose launch template changes', () => {
    const other = [...MIXED_TYPES.slice(0, -1), 't3.large'];
    const d = diffTemplates(mixed, buildNodeGroupTemplate({ instanceTypes: other, mixedInstances: {} }));
    const n = d.nodes![0];
    expect(n.how).to.equal('rolling');
    expect(n.cause).to.include('1 type added: t3.large').and.to.include('1 type removed (its nodes go): t3.medium');
    expect(n.instanceTypes).to.deep.equal(['t3.large']);
    expect(d.maxPods!.rows.map((r) => r.instanceType)).to.include.members(['t3.large', 't3.medium']);
  });

  it("a type's max pods changes (prefix delegation): it moves to another launch template, named", () => {
    const pd = buildNodeGroupTemplate({ instanceTypes: MIXED_TYPES, mixedInstances: {}, maxPods: { prefixDelegation: true } });
    const n = diffTemplates(mixed, pd).nodes![0];
    const from = `NodeLaunchTemplateMaxPods${maxPods('m5.large')}`;
    const to = `NodeLaunchTemplateMaxPods${maxPods('m5.large', { prefixDelegation: true })}`;
    expect(n.cause).to.include(`m5.large moves from ${from} to ${to}`);
    expect(n.instanceTypes).to.include('m5.large');
  });

  it("an AMI default changes: the launch templates that use it, with their types; --json carries it", async () => {
    const b = JSON.parse(JSON.stringify(mixed)) as T;
    const p = (b.Parameters as Record<string, { Default: string }>).NodeImageIdSSMParamArm64;
    p.Default = p.Default.replace(/\/1\.\d+\//, '/1.35/');
    const d = diffTemplates(mixed, b);
    const n = d.nodes![0];
    expect(n.cause).to.match(/NodeLaunchTemplateMaxPods\d+Arm64 changes \(it uses the new default of NodeImageIdSSMParamArm64.*\): m7g\.large/);
    expect(n.instanceTypes).to.deep.equal(MIXED_TYPES.filter((t) => architectureOf(t) === 'arm64'));
    expect(d.images!.map((c) => c.architecture)).to.deep.equal(['arm64']);
    const dir = tempDir('eks-nodegroup-mixed-diff-');
    fs.writeFileSync(path.join(dir, 'a.yaml'), toYaml(mixed));
    fs.writeFileSync(path.join(dir, 'b.yaml'), toYaml(b));
    const r = await runCli(['diff', 'a.yaml', 'b.yaml', '--json'], { cwd: dir });
    expect(r.code).to.equal(1);
    expect(JSON.parse(r.stdout).nodes[0].instanceTypes).to.deep.equal(n.instanceTypes);
    const text = await runCli(['diff', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(text.stdout).to.include("nodes of m7g.large come back with the new configuration, the other types' as they were");
  });
});

describe('mixed-instances groups: the review cases', function () {
  this.timeout(60_000);
  const clone = (t: object): T => JSON.parse(JSON.stringify(t)) as T;
  const policyOf = (t: T) => (t.Resources as Resources).NodeGroup.Properties.MixedInstancesPolicy as { InstancesDistribution: T; LaunchTemplate: { LaunchTemplateSpecification: T; Overrides: T[] } };

  it('a pattern offers its types smallest first, so On-Demand priority starts small', () => {
    const t = buildNodeGroupTemplate({ instanceTypes: ['m5.*'], mixedInstances: {} });
    const order = policyOf(t as unknown as T).LaunchTemplate.Overrides.map((o) => o.InstanceType as string);
    const sizes = order.map((n) => listInstanceTypes().find((f) => f.name === n)!.vcpus!);
    expect(sizes).to.deep.equal([...sizes].sort((a, b) => a - b));
  });

  it('diff: key order in the policy is no change; weights or override order are', () => {
    const scaling = { desired: 3, max: 5 };
    const a = buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm5a.large'], scaling, mixedInstances: {} });
    const b = clone(a);
    const d = policyOf(b).InstancesDistribution;
    policyOf(b).InstancesDistribution = Object.fromEntries(Object.entries(d).reverse());
    expect(diffTemplates(a, b).nodes).to.equal(undefined);
    const weighted = buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm5a.large'], scaling, mixedInstances: { weights: { 'm5.large': 1, 'm5a.large': 2 } } });
    expect(diffTemplates(a, weighted).nodes![0].cause).to.equal('its MixedInstancesPolicy changes (override order or weights)');
    const swapped = buildNodeGroupTemplate({ instanceTypes: ['m5a.large', 'm5.large'], scaling, mixedInstances: {} });
    expect(diffTemplates(a, swapped).nodes![0].how).to.equal('rolling');
  });

  it('an override naming its launch template by GetAtt is read as by Ref; one that cannot be read is not guessed', () => {
    const t = clone(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm7g.large'], mixedInstances: {} }));
    const o = policyOf(t).LaunchTemplate.Overrides[1] as { LaunchTemplateSpecification: { LaunchTemplateId: unknown } };
    const name = (o.LaunchTemplateSpecification.LaunchTemplateId as { Ref: string }).Ref;
    o.LaunchTemplateSpecification.LaunchTemplateId = { 'Fn::GetAtt': [name, 'LaunchTemplateId'] };
    expect(mixedOverrides(t).map((x) => x.launchTemplate)).to.deep.equal([mixedOverrides(buildNodeGroupTemplate({ instanceTypes: ['m5.large'], mixedInstances: {} }))[0].launchTemplate, name]);
    o.LaunchTemplateSpecification.LaunchTemplateId = { 'Fn::ImportValue': 'elsewhere' };
    expect(mixedOverrides(t)[1].launchTemplate).to.equal(undefined);
  });

  it('validate reports what EC2 Auto Scaling refuses in a hand-edited group, and an arm64 override on an x86_64 image', () => {
    const t = clone(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm5.xlarge', 'm7g.large', 'm7g.xlarge'], mixedInstances: {} }));
    const p = policyOf(t);
    p.InstancesDistribution.OnDemandPercentageAboveBaseCapacity = 150;
    p.InstancesDistribution.SpotAllocationStrategy = 'cheapest';
    p.LaunchTemplate.Overrides[0].WeightedCapacity = '2';
    // The second arm64 type launches with the first x86_64 type's template.
    p.LaunchTemplate.Overrides[3].LaunchTemplateSpecification = p.LaunchTemplate.Overrides[0].LaunchTemplateSpecification;
    (t.Resources as Resources).NodeGroup.Properties.LaunchTemplate = p.LaunchTemplate.LaunchTemplateSpecification;
    const f = validateTemplate(t);
    const messages = f.map((x) => `${x.severity} ${x.rule} ${x.message}`).join('\n');
    expect(messages).to.include('error mixed-instances OnDemandPercentageAboveBaseCapacity 150 is not a whole number from 0 to 100');
    expect(messages).to.include('error mixed-instances SpotAllocationStrategy "cheapest"');
    expect(messages).to.include('error mixed-instances WeightedCapacity on 1 of 4 overrides');
    expect(messages).to.include('error mixed-instances an Auto Scaling group takes a LaunchTemplate or a MixedInstancesPolicy, not both');
    expect(messages).to.match(/error ami-architecture m7g\.xlarge \(arm64\) launches with \S+, whose image is the x86_64 AMI/);
    // diff's images section sees it too, though it is not the first arm64 type.
    const arm = diffTemplates(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm5.xlarge', 'm7g.large', 'm7g.xlarge'], mixedInstances: {} }), t).images!.find((c) => c.architecture === 'arm64')!;
    expect(arm.new).to.include({ example: 'm7g.xlarge', imageArchitecture: 'x86_64' });
  });

  it("validate points at the override's real place in Overrides, past overrides without an InstanceType", () => {
    const t = clone(buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm7g.large'], mixedInstances: {} }));
    const overrides = policyOf(t).LaunchTemplate.Overrides;
    overrides[1].LaunchTemplateSpecification = overrides[0].LaunchTemplateSpecification;
    overrides.unshift({ InstanceRequirements: { VCpuCount: { Min: 2 }, MemoryMiB: { Min: 4096 } } });
    const f = validateTemplate(t).filter((x) => x.rule === 'ami-architecture');
    expect(f.map((x) => x.pointer)).to.deep.equal([`/Resources/NodeGroup/Properties/MixedInstancesPolicy/LaunchTemplate/Overrides/${overrides.findIndex((o) => o.InstanceType === 'm7g.large')}`]);
    expect(mixedOverrides(t).map((o) => [o.instanceType, o.index])).to.deep.equal([['m5.large', 1], ['m7g.large', 2]]);
  });

  it('a hand-edited max-pods line in valid TOML still counts for the table', () => {
    const t = clone(buildNodeGroupTemplate({ amiFamily: 'bottlerocket', instanceTypes: ['m5.large', 'm5.4xlarge'], mixedInstances: {} }));
    const lt = Object.values(t.Resources as Resources).find((r) => r.Type === 'AWS::EC2::LaunchTemplate' && JSON.stringify(r).includes(`max-pods = ${maxPods('m5.4xlarge')}`))!;
    const ud = (lt.Properties.LaunchTemplateData as { UserData: { 'Fn::Base64': { 'Fn::Sub': string } } }).UserData['Fn::Base64'];
    ud['Fn::Sub'] = ud['Fn::Sub'].replace(`max-pods = ${maxPods('m5.4xlarge')}`, 'max-pods=110');
    expect(maxPodsTableFromTemplate(t)!.get('m5.4xlarge')).to.equal(110);
  });
});

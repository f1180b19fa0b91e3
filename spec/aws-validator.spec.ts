/**
 * AWS's own template validator (@aws/cloudformation-validate 1.14.0, the build bundled inside
 * aws-cdk-lib, loaded from its folder) reports ZERO error-level diagnostics for every committed template and
 * for a matrix of option combinations. The engine is built once for the file (~1.4 s) and freed.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listInstanceTypes } from '../lib/instance-types';
import { buildNodeGroupTemplate, type NodeGroupOptions } from '../lib/nodegroup';
import { toYaml } from '../lib/yaml';
import { ROOT } from './helpers';
import { COMMITTED_TEMPLATES } from '../scripts/generate';

interface Diagnostic {
  severity: string;
  ruleId: string;
  message: string;
}
interface Engine {
  validateTemplate(t: unknown): { diagnostics: Diagnostic[] };
  free(): void;
}
interface ValidateModule {
  CompositeEngine: new () => Engine;
  TemplateContent: new (text: string, name: string) => unknown;
  version?: unknown;
}

/** Loads the validator bundled in aws-cdk-lib by path (its exports map forbids a plain require). */
function loadValidator(): ValidateModule {
  const cdk = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  return require(path.join(cdk, 'node_modules', '@aws', 'cloudformation-validate')) as ValidateModule;
}

/** Types whose data lacks the vCPU count, which the recommended cap needs (read from the data). */
const NO_VCPUS = listInstanceTypes()
  .filter((f) => f.vcpus === undefined)
  .map((f) => f.name);

/** Mixed-instances groups: per AMI family, x86-only, arm64-only and both; also used by spec/mixed.spec.ts. */
export const MIXED_TYPES = ['m5.large', 'm5a.large', 'm6i.large', 'c5.xlarge', 'm7g.large', 't3.medium'];
export const MIXED_CASES: { title: string; options: NodeGroupOptions }[] = [
  { title: 'mixed instances, al2023, both architectures, all Spot', options: { instanceTypes: MIXED_TYPES, mixedInstances: { onDemandPercentageAboveBaseCapacity: 0 } } },
  { title: 'mixed instances, bottlerocket, x86_64 only, weights', options: { amiFamily: 'bottlerocket', instanceTypes: ['m5.large', 'm5.xlarge', 'm6i.2xlarge'], scaling: { min: 2, desired: 8, max: 12 }, mixedInstances: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 25, weights: { 'm5.large': 1, 'm5.xlarge': 2, 'm6i.2xlarge': 4 } } } },
  { title: 'mixed instances, al2, arm64 only, capacity-optimized', options: { amiFamily: 'al2', kubernetesVersion: '1.32', instanceTypes: ['m6g.*'], mixedInstances: { spotAllocationStrategy: 'capacity-optimized', capacityRebalance: false } } },
  { title: 'mixed instances, prefix delegation, 40 types', options: { instanceTypes: ['m5.*', 'm5a.*', 'm6i.*', 'c6g.*', 'r6i.*'], excludeInstanceTypes: ['r6i.32xlarge', 'r6i.metal', 'r6i.24xlarge', 'r6i.16xlarge', 'r6i.12xlarge', 'm6i.32xlarge'], maxPods: { prefixDelegation: true }, mixedInstances: {} } },
];

/** Option combinations: every AMI family, layout and max-pods mode, and the other options. */
export const OPTION_MATRIX: { title: string; options: NodeGroupOptions }[] = [
  { title: 'defaults (al2023, all types, by-size)', options: {} },
  { title: 'bottlerocket', options: { amiFamily: 'bottlerocket' } },
  { title: 'al2', options: { amiFamily: 'al2' } },
  { title: 'prefix delegation', options: { maxPods: { prefixDelegation: true } } },
  { title: 'prefix delegation (capped), bottlerocket, nodes without memory for pods accepted', options: { amiFamily: 'bottlerocket', maxPods: { prefixDelegation: true }, acceptNoAllocatableMemory: true } },
  { title: 'prefix delegation uncapped, al2023', options: { maxPods: { prefixDelegation: true, cap: false } } },
  { title: 'custom networking, al2', options: { amiFamily: 'al2', maxPods: { customNetworking: true } } },
  { title: 'max ENIs 3 + reserved ENI', options: { maxPods: { maxEnis: 3, reservedEnis: 1 } } },
  { title: 'override 50', options: { maxPods: { override: 50 } } },
  { title: 'calculator parity (CNI 1.18.3, prefix delegation)', options: { maxPods: { prefixDelegation: true, calculatorParity: { cniVersion: '1.18.3' } }, excludeInstanceTypes: NO_VCPUS } },
  { title: 'calculator parity, show max allowed', options: { maxPods: { calculatorParity: { cniVersion: 'v1.12.6-eksbuild.2', showMaxAllowed: true } } } },
  { title: 'per-type layout, t3 and m5 (AWS 2018 shape)', options: { instanceTypes: ['t3.*', 'm5.*'], maxPodsLayout: 'per-type' } },
  { title: 'per-type layout, single t2.micro', options: { instanceTypes: ['t2.micro'], maxPodsLayout: 'per-type', scaling: { min: 1, desired: 1, max: 2 } } },
  { title: 'by-size, restricted set with AllowedValues', options: { instanceTypes: ['c7i-flex.*', '*.metal-24xl', 'u-6tb1.*'] } },
  { title: 'arm64 Graviton, k8s 1.32', options: { instanceTypes: ['m7g.*', 'c7g.*'], architecture: 'arm64', kubernetesVersion: '1.32' } },
  { title: 'volume io2 with KMS key, 100 GiB', options: { volume: { size: 100, type: 'io2', iops: 4000, kmsKeyId: 'alias/eks-nodes' } } },
  { title: 'gp3 with IOPS and throughput', options: { volume: { iops: 6000, throughput: 500 } } },
  { title: 'unencrypted gp2 volume (asked for)', options: { volume: { encrypted: false, type: 'gp2' } } },
  { title: 'IMDS optional, hop limit 2', options: { imds: { httpTokens: 'optional', hopLimit: 2 } } },
  { title: 'SSH from a CIDR with a key pair', options: { ssh: { keyName: 'ops', cidr: '10.0.0.0/16' } } },
  { title: 'kubelet extras al2023 + tags', options: { kubelet: { registryPullQPS: 10, evictionHard: { 'memory.available': '200Mi' }, clusterDNS: ['10.100.0.10'] }, tags: { team: 'platform', env: 'prod' } } },
  { title: 'kubelet extras bottlerocket', options: { amiFamily: 'bottlerocket', kubelet: { 'eviction-hard': { 'memory.available': '10%' }, 'registry-qps': 20, 'cluster-dns-ip': '10.100.0.10' } } },
  { title: 'kubelet extras al2', options: { amiFamily: 'al2', kubelet: { 'node-labels': { role: 'worker' }, 'image-gc-high-threshold': 80 } } },
  { title: 'parameter defaults and description', options: { parameterDefaults: { ClusterName: 'prod', AuthenticationMode: 'ConfigMap', NodeGroupName: 'ng-1' }, description: 'prod nodes' } },
  { title: 'exclude patterns, default type m5.large', options: { excludeInstanceTypes: ['*.metal*', 'u-*.*'], defaultInstanceType: 'm5.large' } },
  ...MIXED_CASES,
];

describe('AWS CloudFormation validator (@aws/cloudformation-validate, bundled in aws-cdk-lib)', function () {
  this.timeout(300_000);
  let v: ValidateModule;
  let engine: Engine;

  before(function () {
    v = loadValidator();
    engine = new v.CompositeEngine();
  });
  after(() => engine?.free());

  function errorsOf(text: string, name: string): Diagnostic[] {
    const report = engine.validateTemplate(new v.TemplateContent(text, name));
    return report.diagnostics.filter((d) => d.severity === 'ERROR' || d.severity === 'FATAL');
  }

  it('flags a template it should (the check can fail): 201 top-level mapping keys, a hyphen in a second-level key', () => {
    const t = buildNodeGroupTemplate({ instanceTypes: ['t3.micro'], maxPodsLayout: 'per-type' }) as unknown as Record<string, Record<string, unknown>>;
    const big: Record<string, { MaxPods: number }> = {};
    for (let i = 0; i < 201; i++) big[`x${i}.large`] = { MaxPods: i + 1 };
    const tooMany = { ...t, Mappings: { ...t.Mappings, MaxPodsPerNode: big } };
    expect(errorsOf(toYaml(tooMany), 'too-many.yaml').map((d) => d.ruleId)).to.include('F0050');
    const hyphen = { ...t, Mappings: { ...t.Mappings, Bad: { large: { 'c7i-flex': 2 } } } };
    expect(errorsOf(toYaml(hyphen), 'hyphen.yaml').map((d) => d.ruleId)).to.include('E7001');
  });

  for (const t of COMMITTED_TEMPLATES) {
    it(`committed ${t.file}: no error-level diagnostics`, () => {
      const file = path.join(ROOT, t.file);
      const errors = errorsOf(fs.readFileSync(file, 'utf8'), t.file);
      expect(errors, JSON.stringify(errors, null, 1)).to.deep.equal([]);
    });
  }

  it(`the matrix has at least 20 option combinations (${OPTION_MATRIX.length})`, () => {
    expect(OPTION_MATRIX.length).to.be.at.least(20);
  });

  for (const c of OPTION_MATRIX) {
    it(`${c.title}: no error-level diagnostics`, () => {
      const text = toYaml(buildNodeGroupTemplate(c.options));
      const errors = errorsOf(text, `${c.title}.yaml`);
      expect(errors, JSON.stringify(errors, null, 1)).to.deep.equal([]);
    });
  }
});

/**
 * Issue 3, "Done when": for EACH known instance type, rendering the default template of EACH AMI
 * family with that NodeInstanceType yields user data whose max pods equals maxPods(type) — the
 * value the MaxPods engine computes with the options the template was built with.
 *
 * Each template is built once, written to YAML and parsed back (what a user deploys), then
 * rendered once per type; the user data is decoded and its max pods read in the family's own
 * format (nodeadm NodeConfig, Bottlerocket TOML, bootstrap.sh flags).
 */
import { expect } from 'chai';
import { listInstanceTypes } from '../lib/instance-types';
import { maxPods, type MaxPodsOptions } from '../lib/max-pods';
import { BY_SIZE_MAPPING, buildNodeGroupTemplate, type AmiFamily, type NodeGroupOptions } from '../lib/nodegroup';
import { maxPodsFromUserData, renderTemplate, userDataOf } from '../lib/render';
import { parseTemplate, toYaml } from '../lib/yaml';

/** Values for the parameters the template declares without a Default. */
const REQUIRED = {
  ClusterName: 'all-types',
  NodeGroupName: 'ng',
  ClusterControlPlaneSecurityGroup: 'sg-0123',
  VpcId: 'vpc-0123',
  Subnets: 'subnet-a,subnet-b',
  ApiServerEndpoint: 'https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com',
  CertificateAuthorityData: 'Q0E=',
  ServiceCidr: '10.100.0.0/16',
};

const FORMAT: Record<AmiFamily, string> = { al2023: 'nodeadm', bottlerocket: 'bottlerocket', al2: 'bootstrap.sh' };

interface Case {
  title: string;
  build: NodeGroupOptions;
  /** The options maxPods() gets: the ones the template was built with. */
  maxPods: MaxPodsOptions;
}

const CASES: Case[] = [
  ...(['al2023', 'bottlerocket', 'al2'] as AmiFamily[]).map((family) => ({ title: `${family}, default options`, build: { amiFamily: family }, maxPods: {} })),
  // One non-default mode, to show the options flow from build to node.
  { title: 'al2023, prefix delegation', build: { amiFamily: 'al2023', maxPods: { prefixDelegation: true } }, maxPods: { prefixDelegation: true } },
];

describe('every instance type: rendered user data carries maxPods(type)', function () {
  this.timeout(120_000);
  const types = listInstanceTypes();

  it('covers every known type', () => {
    expect(types.length).to.be.greaterThan(1000);
  });

  for (const c of CASES) {
    it(`${c.title}: all ${types.length} types`, () => {
      const family = c.build.amiFamily!;
      const template = parseTemplate(toYaml(buildNodeGroupTemplate(c.build)), `${family}.yaml`);
      const wrong: string[] = [];
      for (const facts of types) {
        const rendered = renderTemplate(template, { ...REQUIRED, NodeInstanceType: facts.name });
        const entries = userDataOf(rendered);
        if (entries.length !== 1) {
          wrong.push(`${facts.name}: ${entries.length} user data`);
          continue;
        }
        const got = maxPodsFromUserData(entries[0].text);
        const want = maxPods(facts.name, c.maxPods);
        if (got.format !== FORMAT[family] || got.maxPods !== want) {
          wrong.push(`${facts.name}: user data (${got.format}) says ${got.maxPods}, maxPods() says ${want}`);
        }
      }
      expect(wrong, wrong.slice(0, 10).join('\n')).to.deep.equal([]);
    });
  }

  it('the user data also carries the cluster the parameters name (one type per family)', () => {
    for (const family of ['al2023', 'bottlerocket', 'al2'] as AmiFamily[]) {
      const template = buildNodeGroupTemplate({ amiFamily: family });
      const [u] = userDataOf(renderTemplate(template, { ...REQUIRED, ClusterName: 'named-cluster', NodeInstanceType: 'm5.large' }));
      expect(u.text, family).to.include('named-cluster');
      expect(u.text, family).to.include(REQUIRED.ApiServerEndpoint);
    }
  });

  it('a type the template does not hold fails to render, as the stack would fail to deploy', () => {
    const template = buildNodeGroupTemplate({ amiFamily: 'al2023', instanceTypes: ['m5.*'] });
    // The AllowedValues of a template offering few types stop it first, naming the type.
    expect(() => renderTemplate(template, { ...REQUIRED, NodeInstanceType: 'c5.large' })).to.throw(/NodeInstanceType: "c5\.large" is not one of its AllowedValues/);
    // Without AllowedValues (the all-types template), the mapping look-up names the missing key.
    const all = buildNodeGroupTemplate({ amiFamily: 'al2023' });
    const params = (all as { Parameters: Record<string, { AllowedValues?: unknown }> }).Parameters;
    expect(params.NodeInstanceType.AllowedValues).to.equal(undefined);
    expect(() => renderTemplate(all, { ...REQUIRED, NodeInstanceType: 'zz9.large' })).to.throw(
      new RegExp(`Fn::FindInMap: mapping ${BY_SIZE_MAPPING}, key "large" has no second-level key "zz9" .*fail to deploy`),
    );
  });
});

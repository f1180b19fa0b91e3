/**
 * For every offered instance type of the default template of each AMI family, in both layouts and
 * with prefix delegation: rendering with that NodeInstanceType yields user data whose max pods is
 * maxPods(type, the template's options), and an image from the AMI parameter of the type's
 * architecture (the SSM path names it). Each template is written to YAML and parsed back (what a
 * user deploys), then rendered once per type.
 */
import { expect } from 'chai';
import { architectureOf, listInstanceTypes } from '../lib/instance-types';
import { maxPods, type MaxPodsOptions } from '../lib/max-pods';
import { BY_SIZE_MAPPING, buildNodeGroupTemplate, maxPodsTableFromTemplate, type AmiFamily, type NodeGroupOptions } from '../lib/nodegroup';
import { maxPodsFromUserData, renderTemplate, userDataOf } from '../lib/render';
import { parseTemplate, toYaml } from '../lib/yaml';
import { REQUIRED_PARAMETERS, unknownFamily } from './helpers';

const REQUIRED = REQUIRED_PARAMETERS;

/** The required parameters of a family's template (Bottlerocket's has no ServiceCidr). */
function required(family: AmiFamily): Record<string, string> {
  const { ServiceCidr, ...rest } = REQUIRED;
  return family === 'bottlerocket' ? rest : { ...rest, ServiceCidr };
}

const FORMAT: Record<AmiFamily, string> = { al2023: 'nodeadm', bottlerocket: 'bottlerocket', al2: 'bootstrap.sh' };
const FAMILIES: AmiFamily[] = ['al2023', 'bottlerocket', 'al2'];

/** The architecture an SSM image path names (the AWS paths spell arm64 as a path part or -arm64). */
function pathArchitecture(image: unknown): string {
  const m = /^<ssm:(.+)>$/.exec(String(image));
  if (!m) return `not an SSM parameter: ${String(image)}`;
  return /(\/|-)arm64(\/|$)/.test(m[1]) ? 'arm64' : /x86_64|amazon-linux-2\//.test(m[1]) ? 'x86_64' : `unknown: ${m[1]}`;
}

interface Case {
  title: string;
  build: NodeGroupOptions;
  /** The options maxPods() gets: the ones the template was built with. */
  maxPods: MaxPodsOptions;
}

const CASES: Case[] = [
  ...FAMILIES.map((family) => ({ title: `${family}, by-size, default options`, build: { amiFamily: family }, maxPods: {} })),
  ...FAMILIES.map((family) => ({ title: `${family}, per-type, t3, t4g, m6g, m7i`, build: { amiFamily: family, instanceTypes: ['t3.*', 't4g.*', 'm6g.*', 'm7i.*'], maxPodsLayout: 'per-type' as const }, maxPods: {} })),
  // One non-default mode, to show the options flow from build to node.
  { title: 'al2023, prefix delegation (capped)', build: { amiFamily: 'al2023', maxPods: { prefixDelegation: true } }, maxPods: { prefixDelegation: true } },
];

describe('every offered instance type: rendered user data carries maxPods(type), the image is of its architecture', function () {
  this.timeout(180_000);

  for (const c of CASES) {
    it(c.title, () => {
      const family = c.build.amiFamily!;
      const template = parseTemplate(toYaml(buildNodeGroupTemplate(c.build)), `${family}.yaml`);
      const offered = [...maxPodsTableFromTemplate(template)!.keys()];
      expect(offered.length).to.be.greaterThan(0);
      const archs = new Set(offered.map((t) => architectureOf(t)));
      const wrong: string[] = [];
      for (const type of offered) {
        const rendered = renderTemplate(template, { ...required(family), NodeInstanceType: type });
        const entries = userDataOf(rendered);
        if (entries.length !== 1) {
          wrong.push(`${type}: ${entries.length} user data`);
          continue;
        }
        const got = maxPodsFromUserData(entries[0].text);
        const want = maxPods(type, c.maxPods);
        if (got.format !== FORMAT[family] || got.maxPods !== want) wrong.push(`${type}: user data (${got.format}) says ${got.maxPods}, maxPods() says ${want}`);
        const image = (rendered.Resources.NodeLaunchTemplate.Properties as { LaunchTemplateData: { ImageId: unknown } }).LaunchTemplateData.ImageId;
        if (pathArchitecture(image) !== architectureOf(type)) wrong.push(`${type} (${architectureOf(type)}) gets ${String(image)}`);
      }
      expect(wrong, wrong.slice(0, 10).join('\n')).to.deep.equal([]);
      // Both architectures appear in the default selection, so the choice between them is exercised.
      if (c.build.instanceTypes === undefined) expect([...archs].sort()).to.deep.equal(['arm64', 'x86_64']);
    });
  }

  it('the default templates offer every type whose architecture is known, and only those', () => {
    const known = listInstanceTypes().filter((t) => architectureOf(t.name) !== undefined).map((t) => t.name);
    const offered = [...maxPodsTableFromTemplate(buildNodeGroupTemplate({}))!.keys()];
    expect(offered.sort()).to.deep.equal(known.sort());
  });

  it('NodeImageId overrides the image for every type', () => {
    const template = buildNodeGroupTemplate({ instanceTypes: ['m5.large', 'm7g.large'] });
    for (const type of ['m5.large', 'm7g.large']) {
      const rendered = renderTemplate(template, { ...REQUIRED, NodeInstanceType: type, NodeImageId: 'ami-0123456789abcdef0' });
      expect((rendered.Resources.NodeLaunchTemplate.Properties as { LaunchTemplateData: { ImageId: unknown } }).LaunchTemplateData.ImageId).to.equal('ami-0123456789abcdef0');
    }
  });

  it('the user data also carries the cluster the parameters name (one type per family)', () => {
    for (const family of FAMILIES) {
      const template = buildNodeGroupTemplate({ amiFamily: family });
      const [u] = userDataOf(renderTemplate(template, { ...required(family), ClusterName: 'named-cluster', NodeInstanceType: 'm5.large' }));
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
    const family = unknownFamily();
    expect(() => renderTemplate(all, { ...REQUIRED, NodeInstanceType: `${family}.large` })).to.throw(
      new RegExp(`Fn::FindInMap: mapping ${BY_SIZE_MAPPING}, key "large" has no second-level key "${family}" .*fail to deploy`),
    );
  });
});

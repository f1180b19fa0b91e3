/**
 * The AMI a node gets, by the CPU architecture of the deploy-time NodeInstanceType. Each template
 * is rendered with its parameters' defaults (placeholders where there is none) for one offered
 * type of each architecture, and the image of its launch template (or launch configuration) read
 * back. A diff explains a new image (another SSM path or AMI ID: new nodes) and an architecture
 * whose image is of the other architecture (EC2 refuses to launch such an AMI).
 */
import { isRecord } from '../core';
import { architectureOf, instanceTypeNames, isInstanceType } from '../instance-types';
import { templateMaxPods } from '../nodegroup/layout';
import { mixedOverrides } from '../nodegroup/mixed';
import { renderTemplate } from '../render';
import { amiPath } from '../validate/node-checks';

type Architecture = 'x86_64' | 'arm64';
const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** The image the template gives types of one architecture. */
export interface ImageChoice {
  /** Offered types of this architecture (every known one when NodeInstanceType is free text). */
  types: number;
  /** The type rendered. */
  example: string;
  /** ImageId as rendered: `ssm:<path>` for an SSM parameter, else the value (an AMI ID or `<Parameter>`). */
  image: string;
  /** The architecture the SSM path names, when it names one. */
  imageArchitecture?: Architecture;
}

export interface ImageChange {
  architecture: Architecture;
  old?: ImageChoice;
  new?: ImageChoice;
}

/** The types a template offers: its max-pods table and NodeInstanceType's AllowedValues, else every known type. */
function offeredTypes(t: Record<string, unknown>): string[] {
  const parameter = isRecord(t.Parameters) ? t.Parameters.NodeInstanceType : undefined;
  const offered = new Set<string>(templateMaxPods(t)?.keys() ?? []);
  if (isRecord(parameter) && Array.isArray(parameter.AllowedValues)) for (const v of parameter.AllowedValues) if (typeof v === 'string') offered.add(v);
  return (offered.size ? [...offered] : instanceTypeNames()).filter(isInstanceType).sort();
}

function imageIn(resources: Record<string, Record<string, unknown>>): unknown {
  for (const r of Object.values(resources)) {
    const p = r.Properties;
    if (!isRecord(p)) continue;
    if (r.Type === 'AWS::EC2::LaunchTemplate' && isRecord(p.LaunchTemplateData)) return p.LaunchTemplateData.ImageId;
    if (r.Type === 'AWS::AutoScaling::LaunchConfiguration') return p.ImageId;
  }
  return undefined;
}

/** Per architecture, the image a template gives its offered types; undefined where it cannot be rendered. */
export function imagesOf(t: Record<string, unknown>): Partial<Record<Architecture, ImageChoice>> | undefined {
  // A mixed-instances group: each override's own launch template; else the deploy-time NodeInstanceType.
  const overrides = mixedOverrides(t);
  if (!overrides.length && !(isRecord(t.Parameters) && isRecord(t.Parameters.NodeInstanceType))) return undefined;
  const offered = overrides.length ? [...new Set(overrides.map((o) => o.instanceType))].filter(isInstanceType).sort() : offeredTypes(t);
  const out: Partial<Record<Architecture, ImageChoice>> = {};
  for (const arch of ARCHITECTURES) {
    const mine = offered.filter((x) => architectureOf(x) === arch);
    if (!mine.length) continue;
    let image: unknown;
    let example = mine[0];
    try {
      if (overrides.length) {
        // Every override of the architecture: the first whose image is of another architecture, else the first.
        const rendered = renderTemplate(t, {}, { placeholders: true }).Resources;
        const images = mine.map((type) => {
          const lt = overrides.find((o) => o.instanceType === type)!.launchTemplate;
          const img = lt === undefined ? undefined : imageIn({ [lt]: rendered[lt] ?? {} });
          return { type, img, arch: typeof img === 'string' ? amiPath(img.replace(/^<ssm:(.*)>$/, '$1'))?.architecture : undefined };
        });
        const pick = images.find((x) => x.arch !== undefined && x.arch !== arch) ?? images[0];
        example = pick.type;
        image = pick.img;
      } else {
        image = imageIn(renderTemplate(t, { NodeInstanceType: mine[0] }, { placeholders: true }).Resources);
      }
    } catch {
      return undefined; // a template render cannot resolve: no explanation rather than a wrong one
    }
    if (typeof image !== 'string') return undefined;
    const ssm = /^<ssm:(.+)>$/.exec(image);
    const choice: ImageChoice = { types: mine.length, example, image: ssm ? `ssm:${ssm[1]}` : image };
    const named = ssm ? amiPath(ssm[1])?.architecture : undefined;
    if (named) choice.imageArchitecture = named;
    out[arch] = choice;
  }
  return out;
}

/** The architectures whose image differs between the templates, or is of the other architecture in either. */
export function imageChanges(oldTemplate: Record<string, unknown>, newTemplate: Record<string, unknown>): ImageChange[] {
  const a = imagesOf(oldTemplate);
  const b = imagesOf(newTemplate);
  if (!a || !b) return [];
  const out: ImageChange[] = [];
  for (const architecture of ARCHITECTURES) {
    const o = a[architecture];
    const n = b[architecture];
    if (!o && !n) continue;
    const wrong = n?.imageArchitecture !== undefined && n.imageArchitecture !== architecture;
    if (o && n && o.image === n.image && !wrong) continue;
    const change: ImageChange = { architecture };
    if (o) change.old = o;
    if (n) change.new = n;
    out.push(change);
  }
  return out;
}

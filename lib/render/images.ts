/**
 * The AMI a node gets, by the CPU architecture of the deploy-time NodeInstanceType (or of each
 * override of a mixed-instances group). A template is rendered with its parameters' defaults
 * (placeholders where there is none) for one offered type of each architecture, and the image of
 * its launch template (or launch configuration) read back. validate checks it against the type's
 * architecture; diff explains a change of it.
 */
import { isRecord } from '../core';
import { amiPath, type Architecture } from '../core/aws';
import { architectureOf, instanceTypeNames, isInstanceType } from '../instance-types';
import { templateMaxPods } from '../nodegroup/layout';
import { mixedOverrides } from '../nodegroup/mixed';
import { renderTemplate } from './index';

export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

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

/**
 * The known types a template lists (its max-pods table, NodeInstanceType's AllowedValues, a mixed
 * group's overrides), sorted; none when NodeInstanceType is free text and there is no table.
 */
export function listedTypes(t: Record<string, unknown>, table = templateMaxPods(t)): string[] {
  const parameter = isRecord(t.Parameters) ? t.Parameters.NodeInstanceType : undefined;
  const listed = new Set<string>(table?.keys() ?? []);
  if (isRecord(parameter) && Array.isArray(parameter.AllowedValues)) for (const v of parameter.AllowedValues) if (typeof v === 'string') listed.add(v);
  for (const o of mixedOverrides(t)) listed.add(o.instanceType);
  return [...listed].filter(isInstanceType).sort();
}

/** The SSM parameter path of a rendered ImageId (`<ssm:PATH>`, render's placeholder); undefined for any other value. */
export function ssmPath(image: string): string | undefined {
  return /^<ssm:(.+)>$/.exec(image)?.[1];
}

/** The architecture an AWS SSM path names, from a rendered ImageId (`<ssm:PATH>`). */
export function imageArchitecture(image: unknown): Architecture | undefined {
  return typeof image === 'string' ? amiPath(ssmPath(image) ?? image)?.architecture : undefined;
}

/** The ImageId of the first launch template (or launch configuration) among rendered resources. */
export function imageIn(resources: Record<string, Record<string, unknown>>): unknown {
  for (const r of Object.values(resources)) {
    const p = r.Properties;
    if (!isRecord(p)) continue;
    if (r.Type === 'AWS::EC2::LaunchTemplate' && isRecord(p.LaunchTemplateData)) return p.LaunchTemplateData.ImageId;
    if (r.Type === 'AWS::AutoScaling::LaunchConfiguration') return p.ImageId;
  }
  return undefined;
}

/** The resources of `t` rendered for some parameters (placeholders where a value is missing); throws what the render throws. */
export type Renderer = (parameters: Record<string, string>) => Record<string, Record<string, unknown>>;

/** A Renderer of `t` that renders each set of parameters once: the checks of one template ask for the same ones. */
export function renderOnce(t: Record<string, unknown>): Renderer {
  const done = new Map<string, { resources: Record<string, Record<string, unknown>> } | { error: unknown }>();
  return (parameters) => {
    const key = JSON.stringify(parameters);
    let r = done.get(key);
    if (r === undefined) {
      try {
        r = { resources: renderTemplate(t, parameters, { placeholders: true }).Resources };
      } catch (error) {
        r = { error };
      }
      done.set(key, r);
    }
    if ('error' in r) throw r.error;
    return r.resources;
  };
}

/**
 * Per architecture, the image a template gives its offered types (`listed`: listedTypes, when the
 * caller has it); undefined where it cannot be rendered.
 */
export function imagesOf(t: Record<string, unknown>, listed?: readonly string[], render: Renderer = renderOnce(t)): Partial<Record<Architecture, ImageChoice>> | undefined {
  // A mixed-instances group: each override's own launch template; else the deploy-time NodeInstanceType.
  const overrides = mixedOverrides(t);
  if (!overrides.length && !(isRecord(t.Parameters) && isRecord(t.Parameters.NodeInstanceType))) return undefined;
  if (overrides.length) listed = [...new Set(overrides.map((o) => o.instanceType))].filter(isInstanceType).sort();
  else listed ??= listedTypes(t);
  const offered = listed.length ? listed : instanceTypeNames().filter(isInstanceType).sort();
  const out: Partial<Record<Architecture, ImageChoice>> = {};
  for (const arch of ARCHITECTURES) {
    const mine = offered.filter((x) => architectureOf(x) === arch);
    if (!mine.length) continue;
    let image: unknown;
    let example = mine[0];
    try {
      if (overrides.length) {
        // Every override of the architecture: the first whose image is of another architecture, else the first.
        const rendered = render({});
        const images = mine.map((type) => {
          const lt = overrides.find((o) => o.instanceType === type)!.launchTemplate;
          const img = lt === undefined ? undefined : imageIn({ [lt]: rendered[lt] ?? {} });
          return { type, img, arch: imageArchitecture(img) };
        });
        const pick = images.find((x) => x.arch !== undefined && x.arch !== arch) ?? images[0];
        example = pick.type;
        image = pick.img;
      } else {
        image = imageIn(render({ NodeInstanceType: mine[0] }));
      }
    } catch {
      return undefined; // a template render cannot resolve: no explanation rather than a wrong one
    }
    if (typeof image !== 'string') return undefined;
    const path = ssmPath(image);
    const choice: ImageChoice = { types: mine.length, example, image: path === undefined ? image : `ssm:${path}` };
    const named = imageArchitecture(image);
    if (named) choice.imageArchitecture = named;
    out[arch] = choice;
  }
  return out;
}


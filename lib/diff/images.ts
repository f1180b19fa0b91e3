/** How the image per CPU architecture changes between two templates (see lib/render/images.ts). */
import type { Architecture } from '../core/aws';
import { ARCHITECTURES, imagesOf, type ImageChoice } from '../render/images';

export type { ImageChoice };

export interface ImageChange {
  architecture: Architecture;
  old?: ImageChoice;
  new?: ImageChoice;
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

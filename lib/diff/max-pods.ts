/**
 * The max-pods view of a diff: for every instance type either template carries a max-pods value
 * for, the old value, the new value and the value computed from today's instance data with
 * `maxPods()` — so values entered by hand years ago (AWS's 2018 `MaxPodsPerNode` mapping) that
 * today's data contradicts stand out.
 */
import { EksNodegroupError } from '../core';
import { getInstanceType } from '../instance-types';
import { maxPods, type MaxPodsOptions } from '../max-pods';
import { templateMaxPods } from '../nodegroup/layout';

export interface MaxPodsRow {
  instanceType: string;
  /** Value in the old template; absent when the old template lacks the type. */
  old?: number;
  /** Value in the new template; absent when the new template lacks the type. */
  new?: number;
  /** Value from today's data with maxPods(); absent when the data does not know the type. */
  computed?: number;
  /** Why `computed` is absent (unknown type, a missing fact). */
  note?: string;
  /** The old value differs from the computed one. */
  oldStale: boolean;
  /** The new value differs from the computed one. */
  newStale: boolean;
}

export interface MaxPodsView {
  /** The max-pods options used for `computed`. */
  options: MaxPodsOptions;
  /** One row per type on either side, sorted by type. */
  rows: MaxPodsRow[];
  /** Types whose old value differs from today's computed value. */
  staleOld: string[];
  /** Types whose new value differs from today's computed value. */
  staleNew: string[];
  /** Types only the old template has (on both sides only when both carry values). */
  onlyOld: string[];
  /** Types only the new template has. */
  onlyNew: string[];
  /** Types the instance data does not know (no computed value). */
  unknown: string[];
  /** Types whose value changes between the templates. */
  changed: string[];
}

/** The view, or undefined when neither template carries max-pods values. */
export function maxPodsView(oldTemplate: unknown, newTemplate: unknown, options: MaxPodsOptions = {}): MaxPodsView | undefined {
  const a = templateMaxPods(oldTemplate);
  const b = templateMaxPods(newTemplate);
  if (!a && !b) return undefined;
  const types = [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])].sort();
  const view: MaxPodsView = { options, rows: [], staleOld: [], staleNew: [], onlyOld: [], onlyNew: [], unknown: [], changed: [] };
  for (const t of types) {
    const row: MaxPodsRow = { instanceType: t, oldStale: false, newStale: false };
    const o = a?.get(t);
    const n = b?.get(t);
    if (o !== undefined) row.old = o;
    if (n !== undefined) row.new = n;
    try {
      getInstanceType(t);
      row.computed = maxPods(t, options);
    } catch (e) {
      if (!(e instanceof EksNodegroupError)) throw e;
      row.note = e.code === 'UNKNOWN_INSTANCE_TYPE' ? 'not in the instance data (retired, or newer than the data)' : e.message;
      view.unknown.push(t);
    }
    if (row.computed !== undefined) {
      row.oldStale = o !== undefined && o !== row.computed;
      row.newStale = n !== undefined && n !== row.computed;
    }
    if (row.oldStale) view.staleOld.push(t);
    if (row.newStale) view.staleNew.push(t);
    if (a && b) {
      if (o !== undefined && n === undefined) view.onlyOld.push(t);
      if (n !== undefined && o === undefined) view.onlyNew.push(t);
      if (o !== undefined && n !== undefined && o !== n) view.changed.push(t);
    }
    view.rows.push(row);
  }
  return view;
}

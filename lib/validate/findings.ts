/** What validation reports: one finding per mistake, with where it is and how to fix it. */
import { badArgument, checkTree, isRecord, listOf } from '../core';

export type Severity = 'error' | 'warning';

export interface Finding {
  /** `error`: CloudFormation would reject the template. `warning`: deployable, but read this. */
  severity: Severity;
  /** Stable rule id, e.g. `unknown-property`, `ref-target`, `mapping-key`, `template-size-inline`. */
  rule: string;
  /** JSON pointer to the value to fix, e.g. `/Resources/NodeGroup/Properties/MinSize`. */
  pointer: string;
  /** What is wrong and what to do about it. */
  message: string;
  /** Allowed values or names, when there is a fixed set. */
  allowed?: string[];
  /** Source file, line and column (1-based), when the template came from text. */
  file?: string;
  line?: number;
  column?: number;
}

/** A value, or a function that makes it when it is needed. */
export type Lazy<T> = T | (() => T);

/** A finding whose message and allowed list may still be functions (suggestions cost time). */
export type PendingFinding = Omit<Finding, 'message' | 'allowed'> & { message: Lazy<string>; allowed?: Lazy<string[]> };

/** The finding with its message and allowed list made. */
export function settle(f: PendingFinding): Finding {
  if (typeof f.message === 'function') f.message = f.message();
  if (typeof f.allowed === 'function') f.allowed = f.allowed();
  return f as Finding;
}

/** Most findings one template gets: the rest are counted, so a hostile template costs seconds, not minutes. */
export const MAX_FINDINGS = 1000;


/** `file:line:col: error [rule] message (at /pointer)`. */
export function formatFinding(f: Finding): string {
  checkTree(f, 'formatFinding: the finding');
  if (!isRecord(f) || typeof f.message !== 'string') throw badArgument('formatFinding', 'the finding', 'a finding, as validateTemplate returns them', f);
  const where = f.file ? `${f.file}${f.line ? `:${f.line}:${f.column}` : ''}: ` : f.line ? `${f.line}:${f.column}: ` : '';
  const allowed = f.allowed?.length && !f.message.includes('allowed:') ? ` (allowed: ${listOf(f.allowed)})` : '';
  return `${where}${f.severity} [${f.rule}] ${f.message}${allowed} (at ${f.pointer || '/'})`;
}

/** True when any finding is an error (the template would be rejected). */
export function hasErrors(findings: readonly Finding[]): boolean {
  checkTree(findings, 'hasErrors: findings');
  if (!Array.isArray(findings)) throw badArgument('hasErrors', 'findings', 'a list of findings, as validateTemplate returns it', findings);
  return findings.some((f) => f.severity === 'error');
}

/** What validation reports: one finding per mistake, with where it is and how to fix it. */

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

/** "a", "a, b or c"; long lists are cut with a count. */
export function listOf(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (values.length > max) shown.push(`… ${values.length - max} more`);
  return shown.join(', ');
}

/** `file:line:col: error [rule] message (at /pointer)`. */
export function formatFinding(f: Finding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}:${f.column}` : ''}: ` : f.line ? `${f.line}:${f.column}: ` : '';
  const allowed = f.allowed?.length && !f.message.includes('allowed:') ? ` (allowed: ${listOf(f.allowed)})` : '';
  return `${where}${f.severity} [${f.rule}] ${f.message}${allowed} (at ${f.pointer || '/'})`;
}

/** True when any finding is an error (the template would be rejected). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

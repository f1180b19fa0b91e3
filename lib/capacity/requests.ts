/**
 * Pod resource requests: Kubernetes quantities (`250m`, `0.5`, `512Mi`, `1G`, `1e9`) for `cpu`
 * and `memory`, read as the API server does (k8s.io/apimachinery pkg/api/resource, quantity.go:
 * a decimal number with a binary-SI, decimal-SI or exponent suffix; fractions round up to 1m CPU
 * and 1 byte of memory). A pod's request is what the scheduler adds up; its init containers are
 * already folded in by whoever wrote the figure.
 */
import { badOption } from '../core';

/** Requests as a manifest writes them: `{ cpu: '250m', memory: '512Mi' }` (numbers: cores, bytes). */
export interface ResourceRequests {
  cpu?: string | number;
  memory?: string | number;
}

/** Requests the scheduler adds up: CPU in whole millicores, memory in MiB of whole bytes (0: none). */
export interface Requested {
  cpuMillicores: number;
  memoryMiB: number;
}

export const NO_REQUESTS: Requested = Object.freeze({ cpuMillicores: 0, memoryMiB: 0 });

const MIB = 2 ** 20;
const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;
const ALLOWED = {
  cpu: 'a CPU quantity ≥ 0: millicores (250m) or cores (0.5, 2)',
  memory: 'a memory quantity ≥ 0: bytes with a suffix (512Mi, 1Gi, 500M) or a plain number of bytes',
};

/** The value of a quantity in base units (cores or bytes), or undefined when malformed. */
function quantity(given: unknown): number | undefined {
  if (typeof given === 'number') return Number.isFinite(given) && given >= 0 ? given : undefined;
  const m = typeof given === 'string' ? QUANTITY.exec(given.trim()) : null;
  if (!m) return undefined;
  const value = Number(m[1]) * (m[2] !== undefined ? 10 ** Number(m[2].slice(1)) : SUFFIX[m[3] ?? '']);
  return Number.isFinite(value) ? value : undefined;
}

/** What is wrong with requests as given (the key at fault, if one, and what is allowed), or undefined. */
export function requestsProblem(given: unknown): { key?: string; allowed: string } | undefined {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return { allowed: 'a mapping { cpu?, memory? }, e.g. { cpu: 250m, memory: 512Mi }' };
  const r = given as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (k !== 'cpu' && k !== 'memory') return { key: k, allowed: 'no such resource; requests are cpu and memory' };
    if (quantity(r[k]) === undefined) return { key: k, allowed: ALLOWED[k] };
  }
  return undefined;
}

/** Checks requests given as a manifest writes them; `label` names the field in errors. */
export function checkRequests(label: string, given: unknown): Requested {
  const problem = requestsProblem(given);
  if (problem) {
    throw problem.key === undefined ? badOption(label, given, problem.allowed) : badOption(`${label}.${problem.key}`, (given as Record<string, unknown>)[problem.key], problem.allowed);
  }
  const r = given as ResourceRequests;
  return {
    cpuMillicores: r.cpu === undefined ? 0 : Math.ceil(quantity(r.cpu)! * 1000 - 1e-9),
    memoryMiB: r.memory === undefined ? 0 : Math.ceil(quantity(r.memory)! - 1e-9) / MIB,
  };
}

/** Parses `cpu=250m,memory=512Mi` (the --requests flag). */
export function parseRequestsFlag(text: string): ResourceRequests {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) throw badOption('--requests', text, 'cpu=Q,memory=Q, e.g. cpu=250m,memory=512Mi');
    if (m[1] in out) throw badOption('--requests', text, `${m[1]} once`);
    out[m[1]] = m[2];
  }
  checkRequests('--requests', out);
  return out;
}

export function hasRequests(r: Requested): boolean {
  return r.cpuMillicores > 0 || r.memoryMiB > 0;
}

/** `250m CPU, 512Mi memory`, or `no requests`. */
export function formatRequests(r: Requested): string {
  const parts = [r.cpuMillicores ? `${r.cpuMillicores}m CPU` : '', r.memoryMiB ? `${formatMemory(r.memoryMiB)} memory` : ''].filter(Boolean);
  return parts.join(', ') || 'no requests';
}

/** MiB as Kubernetes writes them: `512Mi`, one decimal when not whole; under 0.1 Mi in bytes. */
export function formatMemory(mib: number): string {
  return mib !== 0 && Math.abs(mib) < 0.1 ? `${Math.round(mib * MIB)} bytes` : `${+mib.toFixed(1)}Mi`;
}

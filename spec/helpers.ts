/** Test helpers shared by the specs: run the CLI in-process, find ../shared/, spawn the real bin. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { cli } from '../lib/cli';
import { EksNodegroupError } from '../lib/core';
import { listInstanceTypes } from '../lib/instance-types';

/** The repository root (spec files run from dist/spec). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');
/** ../shared/ beside the repository: present for developers and CI, absent on a user's clone. */
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const SHARED_TYPES = path.join(SHARED, 'data', 'describe-instance-types.json');
export const SHARED_TEMPLATES = path.join(SHARED, 'reference', 'aws-nodegroup-templates');

/** AWS's published node-group templates (../shared/reference), sorted by name: file name and text. */
export function awsTemplateFiles(): { name: string; text: string }[] {
  return fs
    .readdirSync(SHARED_TEMPLATES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(SHARED_TEMPLATES, name), 'utf8') }));
}

/** Skips the current test or hook when ../shared/ is absent, saying so. */
export function requireShared(ctx: Mocha.Context, what = SHARED): void {
  if (!fs.existsSync(what)) {
    console.log(`      (skipped: ${what} is absent — it exists only in the developers' workspace and CI)`);
    ctx.skip();
  }
}

/**
 * Values for the parameters our templates declare without a Default (ServiceCidr: not in
 * Bottlerocket's); `requiredParameters(template)` keeps those the template declares.
 */
export const REQUIRED_PARAMETERS: Readonly<Record<string, string>> = Object.freeze({
  ClusterName: 'demo',
  NodeGroupName: 'ng',
  ClusterControlPlaneSecurityGroup: 'sg-0123',
  VpcId: 'vpc-0123',
  Subnets: 'subnet-a,subnet-b',
  ApiServerEndpoint: 'https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com',
  CertificateAuthorityData: 'Q0E=',
  ServiceCidr: '10.100.0.0/16',
});

/** A family no type of the installed data has (zz9 unless a refresh added it): for "unknown type" cases. */
export function unknownFamily(): string {
  const families = new Set(listInstanceTypes().map((f) => f.name.split('.')[0]));
  let name = 'zz9';
  while (families.has(name)) name += '9';
  return name;
}

export function requiredParameters(template: { Parameters?: unknown }): Record<string, string> {
  const declared = (template.Parameters ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(REQUIRED_PARAMETERS).filter(([k]) => k in declared));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs cli(argv, io) in-process with string streams. */
export async function runCli(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; isTTY?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await cli(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: opts.cwd,
    env: opts.env,
  });
  return { code, stdout, stderr };
}

/** Spawns the real built CLI (end-to-end: process streams and exit code). */
export function runBin(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: opts.timeoutMs, // killed (code -1) when over: a hang fails its test instead of the run
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface TimedResult extends CliResult {
  /** CPU time of the process (user + system, all its threads), in ms; NaN when it was killed. */
  cpuMs: number;
  /** True when it ran past `killMs` of wall time and was killed (a hang). */
  killed: boolean;
}

/**
 * Spawns the real built CLI and measures its CPU time, which other work on the machine stretches
 * much less than wall time (spec/cpu-usage.ts writes it at exit). A run past `killMs` of wall time
 * is killed: a hang fails the test instead of stopping the suite.
 */
export function runBinTimed(argv: string[], opts: { cwd?: string; killMs?: number } = {}): TimedResult {
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'cpu-usage.js'), BIN, ...argv], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    timeout: opts.killMs ?? 60_000,
    killSignal: 'SIGKILL',
  });
  const killed = r.signal === 'SIGKILL' || (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const cpu = (r.output[3] as string | null) ?? '';
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, cpuMs: cpu === '' ? NaN : Number(cpu), killed };
}

const tempDirs: string[] = [];

/** A fresh temporary folder, removed after the process exits (one exit listener for all of them). */
export function tempDir(prefix = 'eks-nodegroup-'): string {
  const d = fs.mkdtempSync(path.join(require('node:os').tmpdir(), prefix));
  if (tempDirs.length === 0) process.on('exit', () => tempDirs.forEach((t) => fs.rmSync(t, { recursive: true, force: true })));
  tempDirs.push(d);
  return d;
}

/** Runs `fn`, expects it to throw an EksNodegroupError, and returns it for checks of code and message. */
export function failure(fn: () => unknown): EksNodegroupError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(EksNodegroupError);
    return e as EksNodegroupError;
  }
  throw new Error('expected an EksNodegroupError, but nothing was thrown');
}

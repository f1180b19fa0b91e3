/**
 * `npm run bench`: wall time of each CLI command as a ratio to bare `node -e 0`, measured in the
 * same run (so the figures compare across machines). Each case runs several times; the median and
 * the spread (min–max) are printed with its budget. `--smoke` runs each case once and fails only
 * when a command errors, never on timing.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'bin', 'eks-nodegroup.js');

export interface BenchCase {
  name: string;
  /** Arguments after `node`; BIN stands for the CLI. */
  argv: string[];
  /** Budget as a ratio to bare node (issue targets). */
  budget?: number;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

export const CASES: BenchCase[] = [
  { name: 'max-pods --all', argv: [BIN, 'max-pods', '--all'], budget: 1.5 },
  // Issue 3: a cold gen of the template for every known type (with validation), to a temp file.
  { name: 'gen (all types) -o <tmp>', argv: [BIN, 'gen', '-o', path.join(os.tmpdir(), 'eks-nodegroup-bench-gen.yaml')], budget: 2.0 },
  { name: 'pods t2.micro --replicas 3 (eks-2018)', argv: [BIN, 'pods', 't2.micro', '--replicas', '3', '--system-pods', 'eks-2018'], budget: 1.5, okCodes: [1] },
  { name: 'pods m5.large --replicas 500 --nodes-needed', argv: [BIN, 'pods', 'm5.large', '--replicas', '500', '--nodes-needed'], budget: 1.5 },
  { name: 'pods --fit 30 (every type)', argv: [BIN, 'pods', '--fit', '30'], budget: 2 },
  // No budget in issue 3 for render; measured so a slowdown shows. Parsing the 1,391-type template dominates.
  {
    name: 'render templates/nodegroup.yaml --user-data',
    argv: [BIN, 'render', 'templates/nodegroup.yaml', ...['ClusterName=demo', 'NodeGroupName=ng', 'ClusterControlPlaneSecurityGroup=sg-0123', 'VpcId=vpc-0123', 'Subnets=subnet-a,subnet-b', 'ApiServerEndpoint=https://EXAMPLE.eks.amazonaws.com', 'CertificateAuthorityData=Q0E=', 'ServiceCidr=10.100.0.0/16', 'NodeInstanceType=m5.large'].flatMap((p) => ['-p', p]), '--user-data'],
  },
  // Issue 5: diff of two full generated templates (1,391-type tables on both sides); budget 3.0×.
  { name: 'diff nodegroup-al2.yaml nodegroup.yaml', argv: [BIN, 'diff', 'templates/nodegroup-al2.yaml', 'templates/nodegroup.yaml'], budget: 3.0, okCodes: [1] },
  // Issue 4: a cold validate of the generated template (precompiled ajv standalone schema).
  { name: 'validate templates/nodegroup.yaml', argv: [BIN, 'validate', 'templates/nodegroup.yaml'], budget: 2.0 },
];

function runOnce(argv: string[], okCodes: number[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || !okCodes.includes(r.status ?? -1)) {
    throw new Error(`${argv.slice(1).join(' ')} exited ${r.status}: ${r.error?.message ?? r.stderr}`);
  }
  return ms;
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

function main(): number {
  const smoke = process.argv.includes('--smoke');
  const reps = smoke ? 1 : 11;
  const baselineRuns: number[] = [];
  const caseRuns: number[][] = CASES.map(() => []);
  // Interleave baseline and cases so machine load affects both alike.
  for (let i = 0; i < reps; i++) {
    baselineRuns.push(runOnce(['-e', '0'], [0]));
    CASES.forEach((c, j) => caseRuns[j].push(runOnce(c.argv, c.okCodes ?? [0])));
  }
  const base = stats(baselineRuns);
  console.log(`baseline node -e 0: median ${base.median.toFixed(1)} ms (${base.min.toFixed(1)}–${base.max.toFixed(1)}), ${reps} runs`);
  let over = 0;
  CASES.forEach((c, j) => {
    const s = stats(caseRuns[j]);
    const ratio = s.median / base.median;
    const met = c.budget === undefined ? '' : ratio <= c.budget ? `  budget ≤ ${c.budget}× met` : `  budget ≤ ${c.budget}× NOT met`;
    if (c.budget !== undefined && ratio > c.budget) over++;
    console.log(
      `${c.name.padEnd(40)} ${ratio.toFixed(2)}×  median ${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})${met}`,
    );
  });
  if (smoke) console.log(`smoke run: ${CASES.length} commands ran without error (timings not judged)`);
  else console.log(`${CASES.length - over} of ${CASES.length} budgets met`);
  return 0;
}

if (require.main === module) process.exitCode = main();

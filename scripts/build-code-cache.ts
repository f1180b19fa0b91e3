/**
 * Last step of `npm run build`: runs the CLI's main commands in this process on the committed
 * templates, as the bin runs them, then writes the V8 code cache of every module they loaded
 * through requireCached or withCodeCache (lib/util/code-cache.ts; the commands gen, validate, diff
 * and render load theirs in the group cli), so the cache also covers the functions those runs
 * compiled.
 * The files go to dist/ next to the modules; nothing in the repository changes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { cli } from '../lib/cli';
import { CODE_CACHE_DIR, writeCodeCaches } from '../lib/util/code-cache';
import { RENDER_PARAMS } from './render-params';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Representative runs: what `npm run gen`, `validate` and `diff` do on a user's machine, and one
 * run of each other command that needs no outside input, with the exit codes they end with.
 */
const WARM_UP: readonly { argv: string[]; exit: number }[] = [
  { argv: ['gen', '-o', '{tmp}/nodegroup.yaml'], exit: 0 },
  { argv: ['gen', '--ami-family', 'bottlerocket', '-o', '{tmp}/nodegroup-bottlerocket.yaml'], exit: 0 },
  { argv: ['validate', 'templates/nodegroup.yaml', 'templates/nodegroup-bottlerocket.yaml', 'templates/nodegroup-al2.yaml'], exit: 0 },
  // The templates differ: exit 1.
  { argv: ['diff', 'templates/nodegroup-al2.yaml', 'templates/nodegroup.yaml'], exit: 1 },
  { argv: ['max-pods', '--all'], exit: 0 },
  { argv: ['max-pods', 'm5.large', '--explain'], exit: 0 },
  // Three replicas do not all fit on a t2.micro with the 2018 system pods: exit 1.
  { argv: ['pods', 't2.micro', '--replicas', '3', '--system-pods', 'eks-2018'], exit: 1 },
  {
    argv: ['render', 'templates/nodegroup.yaml', '--user-data', ...RENDER_PARAMS.flatMap((p) => ['-p', p])],
    exit: 0,
  },
];

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-nodegroup-code-cache-'));
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  let stderr = '';
  const err = new Writable({
    write: (chunk, _enc, done) => {
      stderr += String(chunk);
      done();
    },
  });
  try {
    for (const { argv: args, exit } of WARM_UP) {
      const argv = args.map((a) => a.replace('{tmp}', tmp));
      // As the bin runs it: the commands that ask for it load their modules in the code-cache group cli.
      const code = await cli(argv, { stdout: sink, stderr: err, cwd: ROOT });
      if (code !== exit) {
        process.stderr.write(`build-code-cache: eks-nodegroup ${argv.join(' ')} exited ${code}, not ${exit}\n${stderr}`);
        return 1;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // Caches are named by their source's hash: start afresh so none for an old source lingers.
  fs.rmSync(CODE_CACHE_DIR, { recursive: true, force: true });
  const files = writeCodeCaches();
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const groups = new Map<string, number>();
  for (const f of files) {
    const g = path.relative(CODE_CACHE_DIR, f).split(path.sep)[0].replace(/\.v8cache$/, '');
    groups.set(g, (groups.get(g) ?? 0) + 1);
  }
  process.stdout.write(`code cache: ${files.length} modules, ${(bytes / 1024).toFixed(0)} KiB in ${path.relative(ROOT, CODE_CACHE_DIR)} (${[...groups].map(([g, n]) => (n > 1 ? `${g} ×${n}` : g)).join(', ')})\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`build-code-cache: ${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    },
  );
}

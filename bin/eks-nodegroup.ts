#!/usr/bin/env node
/** Wires process streams to cli(), with the code cache for the modules it loads; nothing else lives here. */
import { cli } from '../lib/cli';
import { withCodeCache } from '../lib/util/code-cache';

// A closed pipe (e.g. `eks-nodegroup max-pods --all | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// Modules the command loads before its first await compile with the code cache `npm run build` made.
withCodeCache('cli', () => cli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eks-nodegroup: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);

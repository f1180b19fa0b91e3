#!/usr/bin/env node
/** Wires process streams to cli(); nothing else lives here. */
import { cli } from '../lib/cli';

// A closed pipe (e.g. `eks-nodegroup max-pods --all | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

cli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eks-nodegroup: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);

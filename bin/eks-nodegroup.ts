#!/usr/bin/env node
/** Wires the process's streams (lib/cli/io.ts processIO) to cli(); nothing else lives here. */
import { cli } from '../lib/cli';
import { processIO } from '../lib/cli/io';

cli(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eks-nodegroup: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);

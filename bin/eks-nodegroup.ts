#!/usr/bin/env node
/** Wires the process to cli(): Node's compile cache, argv, the process streams and the exit code. */
import * as nodeModule from 'node:module';

// Node ≥ 22.1 keeps the compiled code of every module on disk between runs (Node 20 has no such call).
// It must be on before the CLI's modules load, hence the require below instead of an import.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { cli } = require('../lib/cli') as typeof import('../lib/cli');
const { processIO } = require('../lib/cli/io') as typeof import('../lib/cli/io');

const argv = process.argv.slice(2);
cli(argv, processIO(argv[0])).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eks-nodegroup: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);

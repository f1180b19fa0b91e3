#!/usr/bin/env node
/**
 * Wires the process's streams (lib/cli/io.ts processIO) to cli(); nothing else lives here. The
 * CLI's modules, and the packages they load, compile with the V8 code cache `npm run build` made
 * for them (group `cli`, lib/util/code-cache.ts): loading them is a good part of a short command.
 */
import { CLI_CODE_CACHE, withCodeCache } from '../lib/util/code-cache';

/* eslint-disable @typescript-eslint/no-var-requires */
withCodeCache(CLI_CODE_CACHE, () => {
  const { cli } = require('../lib/cli') as typeof import('../lib/cli');
  const { processIO } = require('../lib/cli/io') as typeof import('../lib/cli/io');
  return cli(process.argv.slice(2), processIO());
}).then(
  /* eslint-enable @typescript-eslint/no-var-requires */
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eks-nodegroup: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  },
);

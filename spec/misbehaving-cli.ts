/**
 * A stand-in for cli(argv, io) that misbehaves on request, for the mutation runner's own tests:
 * what an in-process run could not survive (a synchronous hang, a V8 fatal error) must be killed
 * or reported, and the next command must still run.
 */
import type { CliIO } from '../lib/cli';

export async function cli(argv: string[], io: CliIO): Promise<number> {
  const [what, ms] = argv;
  /** Busy for `ms` of this process's CPU time (not wall time: a loaded machine stretches that), no event loop. */
  const spin = (ms: number): void => {
    const start = process.cpuUsage();
    for (;;) {
      const used = process.cpuUsage(start);
      if ((used.user + used.system) / 1000 >= ms) return;
    }
  };
  switch (what) {
    case 'hang':
      for (;;) spin(1000);
    case 'spin':
      spin(Number(ms));
      return 0;
    case 'abort':
      process.abort(); // what a V8 fatal error does to the process
      return 0;
    case 'throw':
      throw new TypeError('an internal error');
    case 'trace':
      io.stderr.write('something failed\n    at f (/x/y.js:1:2)\n');
      return 2;
    default:
      io.stdout.write('ok\n');
      return 0;
  }
}

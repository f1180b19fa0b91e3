/**
 * A stand-in for cli(argv, io) that misbehaves on request, for the mutation runner's own tests:
 * what an in-process run could not survive (a synchronous hang, a V8 fatal error) must be killed
 * or reported, and the next command must still run.
 */
import type { CliIO } from '../lib/cli';

export async function cli(argv: string[], io: CliIO): Promise<number> {
  const [what, ms] = argv;
  const spin = (until: number): void => {
    while (Date.now() < until) {
      // busy: CPU time, no event loop
    }
  };
  switch (what) {
    case 'hang':
      for (;;) spin(Date.now() + 1000);
    case 'spin':
      spin(Date.now() + Number(ms));
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

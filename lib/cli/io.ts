import * as fs from 'node:fs';
import { EksNodegroupError } from '../errors';

/** What a command may touch: streams, working directory and environment. Tests pass fakes. */
export interface Output {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (colour allowed unless NO_COLOR). */
  isTTY?: boolean;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  /** Directory relative paths resolve against; default process.cwd(). */
  cwd?: string;
  /** Environment; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface Command {
  /** One-line usage shown in errors and --help. */
  usage: string;
  /** Full help text. */
  help: string;
  run(args: string[], io: CliIO): Promise<number> | number;
}

/** Exit codes: 0 ok, 1 findings (invalid template, differences), 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Anything `write` can send on: a process stream, or a stand-in in tests. */
interface Sink {
  write(chunk: string | Uint8Array): unknown;
}

export interface FdOutputOptions {
  /** Named in the error when the descriptor cannot be written (e.g. "stdout"). */
  name: string;
  /** The stream to go on with when the descriptor refuses to block (got only then: see fdOutput). */
  stream: () => Sink;
  /** Called once when the reader has gone (EPIPE); later output is dropped. */
  onClosed?: () => void;
  /** fs.writeSync; tests replace it. */
  writeSync?: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
}

/**
 * An Output that writes to file descriptor `fd` with fs.writeSync, the way Node writes
 * process.stdout to a file. Creating process.stdout for a pipe loads Node's socket and stream code
 * and costs a cold CLI run ~10 ms; writing the descriptor directly costs well under 1 ms, and what
 * is written is out when write() returns. If the descriptor is non-blocking and full (EAGAIN), the
 * rest of the output goes through `stream()`, which waits for the reader (from then on, as with
 * Node's streams, this output may interleave differently with the other one). A descriptor that
 * cannot be written for another reason (a full disk: ENOSPC) is the user's to fix:
 * EksNodegroupError WRITE_ERROR, exit 2.
 */
export function fdOutput(fd: number, options: FdOutputOptions): Output {
  const writeSync = options.writeSync ?? fs.writeSync;
  let fallback: Sink | undefined;
  let closed = false;
  return {
    write(chunk: string): boolean {
      if (closed) return false;
      if (fallback) return fallback.write(chunk) !== false;
      const bytes = Buffer.from(chunk, 'utf8');
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EINTR') continue;
          if (code === 'EAGAIN') {
            fallback = options.stream();
            return fallback.write(bytes.subarray(offset)) !== false;
          }
          if (code === 'EPIPE') {
            closed = true;
            options.onClosed?.();
            return false;
          }
          throw new EksNodegroupError('WRITE_ERROR', `cannot write to ${options.name}: ${(e as Error).message}`);
        }
      }
      return true;
    },
    get isTTY(): boolean {
      // Asked only by commands that colour their output; node:tty is not loaded otherwise.
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      return (require('node:tty') as typeof import('node:tty')).isatty(fd);
    },
  };
}

/**
 * The real process's stdout and stderr for cli(). On POSIX systems they are written through
 * fdOutput; on Windows through process.stdout/stderr (the console takes UTF-16 there, which only
 * Node's streams do). A closed stdout (`eks-nodegroup max-pods --all | head`) ends the process
 * quietly with the exit code so far; stderr that no one reads is dropped.
 */
export function processIO(): CliIO {
  const closedStdout = (): never => process.exit(process.exitCode ?? 0);
  const stdoutStream = (): NodeJS.WriteStream => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') closedStdout();
      throw e;
    });
    return process.stdout;
  };
  const stderrStream = (): NodeJS.WriteStream =>
    process.stderr.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  if (process.platform === 'win32') return { stdout: stdoutStream(), stderr: stderrStream() };
  return {
    stdout: fdOutput(1, { name: 'stdout', stream: stdoutStream, onClosed: closedStdout }),
    stderr: fdOutput(2, { name: 'stderr', stream: stderrStream }),
  };
}

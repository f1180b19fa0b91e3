
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

/**
 * The process's stdout and stderr for cli(). A reader that has gone (`eks-nodegroup max-pods --all |
 * head`) ends the process quietly with the exit code so far; stdout that cannot be written for
 * another reason (a full disk) is the user's to fix: exit 2 naming the stream and the reason.
 */
export function processIO(command = ''): CliIO {
  const prefix = command ? `eks-nodegroup ${command}` : 'eks-nodegroup';
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') {
      process.stderr.write(`${prefix}: cannot write to stdout: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
    }
    process.exit();
  });
  process.stderr.on('error', () => undefined); // nobody reads stderr: nothing left to tell
  return { stdout: process.stdout, stderr: process.stderr };
}

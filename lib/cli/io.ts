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

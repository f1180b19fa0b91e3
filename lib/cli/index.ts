/**
 * The CLI: `cli(argv, io)` runs one command and returns its exit code (0 ok, 1 findings, 2 bad
 * usage or input). Commands load lazily so `max-pods` never pays for YAML or schema code.
 */
import { closest, distance } from '../util/levenshtein';
import { EksNodegroupError } from '../errors';
import type { CliIO, Command } from './io';
import { EXIT_USAGE } from './io';
import { CLI_CODE_CACHE, withCodeCache } from '../util/code-cache';

export type { CliIO, Command, Output } from './io';

interface Entry {
  summary: string;
  load(): Command;
  /**
   * Load the command and what it uses with the build's code cache (group `cli`,
   * lib/util/code-cache.ts). Worth it for the commands that load the template stages (~30
   * modules, ~5 ms less per gen); measured slower for max-pods and pods, which load a few small
   * modules: checking a cache costs about what compiling them does.
   */
  codeCache?: true;
}

/* eslint-disable @typescript-eslint/no-var-requires */
const COMMANDS: Record<string, Entry> = {
  'max-pods': { summary: 'print max pods for instance types', load: () => require('./commands/max-pods').command },
  'refresh-data': { summary: 'rebuild the instance data from describe-instance-types output', load: () => require('./commands/refresh-data').command },
  gen: { summary: 'write the node-group template with max pods for every instance type', load: () => require('./commands/gen').command, codeCache: true },
  render: { summary: 'resolve a template for parameter values; show the user data a node receives', load: () => require('./commands/render').command, codeCache: true },
  pods: { summary: 'simulate pods on nodes: which run, which stay Pending or ContainerCreating, and why', load: () => require('./commands/pods').command },
  validate: { summary: 'check templates offline: schema from the AWS resource database, references, quotas', load: () => require('./commands/validate').command, codeCache: true },
  diff: { summary: 'compare two templates (file, https:// URL or aws:<date>): changes, update impact, max pods', load: () => require('./commands/diff').command, codeCache: true },
};
/* eslint-enable @typescript-eslint/no-var-requires */

/** The command names, sorted (help text and did-you-mean suggestions). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS).sort();
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = commandNames().map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`);
  return [
    'usage: eks-nodegroup <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Run "eks-nodegroup <command> --help" for a command\'s options.',
    'Exit codes: 0 ok, 1 findings (invalid template, differences), 2 bad usage or input.',
    '',
  ].join('\n');
}

/** Runs the CLI. Never throws for user errors: they are printed and turned into exit codes. */
export async function cli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    // From dist/lib/cli/ (this file compiled): the package's own package.json, three folders up.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    io.stdout.write(`${require('../../../package.json').version}\n`);
    return 0;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    const near = closest(name, commandNames());
    const hint = distance(name, near) <= 3 ? `did you mean ${near}? ` : '';
    io.stderr.write(`eks-nodegroup: unknown command "${name}" (${hint}commands: ${commandNames().join(', ')})\n`);
    return EXIT_USAGE;
  }
  // Everything a command loads before its first await (all of it, for gen and validate) is
  // compiled inside the code-cache group when the entry asks for it.
  const start = (): { command: Command; running?: Promise<number> } => {
    const command = entry.load();
    if (rest.includes('--help') || rest.includes('-h')) return { command };
    // An async function: a command that throws before returning a promise is handled below too.
    return { command, running: (async () => command.run(rest, io))() };
  };
  const { command, running } = entry.codeCache ? withCodeCache(CLI_CODE_CACHE, start) : start();
  if (!running) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await running;
  } catch (e) {
    if (e instanceof EksNodegroupError) {
      io.stderr.write(`eks-nodegroup ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/**
 * The CLI: `cli(argv, io)` runs one command and returns its exit code (0 ok, 1 findings, 2 bad
 * usage or input).
 */
import { badArgument, checkTree, EksNodegroupError, hasOwn, isRecord, suggest } from '../core';
import type { CliIO, Command } from './io';
import { EXIT_USAGE } from './io';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type { CliIO, Command, Output } from './io';

interface Entry {
  summary: string;
  load(): { command: Command };
}

// Each command loads only its own modules: gen and max-pods need not load diff's
// @aws-cdk/cloudformation-diff (35–65 ms of a run).
const COMMANDS: Record<string, Entry> = {
  'max-pods': { summary: 'print max pods for instance types', load: () => require('./commands/max-pods') },
  'refresh-data': { summary: 'rebuild the instance data from describe-instance-types output', load: () => require('./commands/refresh-data') },
  gen: { summary: 'write the node-group template with max pods for every instance type', load: () => require('./commands/gen') },
  render: { summary: 'resolve a template for parameter values; show the user data a node receives', load: () => require('./commands/render') },
  pods: { summary: 'simulate pods on nodes: which run, which stay Pending or ContainerCreating, and why', load: () => require('./commands/pods') },
  validate: { summary: 'check templates offline: schema from the AWS resource database, references, quotas', load: () => require('./commands/validate') },
  diff: { summary: 'compare two templates (file, https:// URL or aws:<date>): changes, update impact, max pods', load: () => require('./commands/diff') },
};

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
    'Exit codes: 0 ok, 1 findings (invalid template, differences, pods that do not run), 2 bad usage or input, 70 internal error.',
    '',
  ].join('\n');
}

/** Runs the CLI. Never throws for user errors: they are printed and turned into exit codes. */
export async function cli(argv: string[], io: CliIO): Promise<number> {
  checkTree(argv, 'cli: argv');
  checkTree(io, 'cli: io', { opaque: true });
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw badArgument('cli', 'argv', 'a list of strings (the arguments after the program name)', argv);
  if (!isRecord(io) || typeof io.stdout?.write !== 'function' || typeof io.stderr?.write !== 'function') {
    throw badArgument('cli', 'io', 'an object with stdout and stderr, each with write(text)', io);
  }
  const [first, ...after] = argv;
  // `help gen` is `gen --help`.
  const [name, ...rest] = first === 'help' && after.length ? [after[0], '--help'] : [first, ...after];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    // The package's own package.json, from dist/lib/cli/ (this file compiled).
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const entry = hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    const [near] = suggest(name, commandNames(), 1);
    const hint = near !== undefined ? `did you mean ${near}? ` : '';
    io.stderr.write(`eks-nodegroup: unknown command "${name}" (${hint}commands: ${commandNames().join(', ')})\n`);
    return EXIT_USAGE;
  }
  const { command } = entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof EksNodegroupError) {
      io.stderr.write(`eks-nodegroup ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

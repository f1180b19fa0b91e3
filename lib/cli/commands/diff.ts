import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBodySize, EksNodegroupError } from '../../core';
import { assertTemplate, diffTemplates, type TemplateDiff } from '../../diff';
import { formatDiffJson, formatDiffText } from '../../format';
import { parseTemplateWithSource } from '../../yaml';
import { intFlag, parseFlags } from '../args';
import { AWS_TEMPLATE_BASE_URL, loadSource } from '../sources';
import { EXIT_FINDINGS, EXIT_OK, type CliIO, type Command } from '../io';
import { MAX_POD_FLAGS, MAX_POD_FLAGS_HELP, maxPodsOptionsFromFlags } from './max-pods';

const usage = 'eks-nodegroup diff OLD [NEW] | diff --against OLD [NEW]  [--json] [--all] [--timeout S] [--refresh] [mode flags]';

/** Our generated template, resolved from the package (dist/lib/cli/commands → root), not the cwd. */
export const DEFAULT_NEW_TEMPLATE = path.resolve(__dirname, '..', '..', '..', '..', 'templates', 'nodegroup.yaml');

export const command: Command = {
  usage,
  help: `usage: ${usage}

Compares two CloudFormation templates as CloudFormation sees them (key order, quoting and
number-vs-string spellings do not count) and reports what changes: parameters (AllowedValues per
value), mappings per entry, conditions, resources with property paths and their update impact
(updated in place, MAY BE REPLACED, REPLACED, created, DELETED), outputs, metadata, and user data
line by line. When a template carries max pods per instance type, a table shows the old value,
the new value and the value computed from today's data.

OLD and NEW are each a file (YAML or JSON), an https:// URL, or aws:<date> — AWS's published
amazon-eks/cloudformation/<date>/amazon-eks-nodegroup.yaml (e.g. aws:2022-12-23), downloaded once
and cached. NEW defaults to this package's generated templates/nodegroup.yaml.

  --against OLD            the template to compare against (same as the first argument)
  --json                   JSON report; every entry carries a JSON pointer into its template
  --all                    list every instance type in the max-pods table (default: only those
                           that differ or disagree with the data)
  --timeout S              download timeout in seconds (default 20)
  --refresh                download aws:<date> again instead of using the cached copy
${MAX_POD_FLAGS_HELP}
  (mode flags set how the "computed" max-pods column is computed: as the template was generated)

environment:
  NO_COLOR                 no colour (colour is used only on a terminal)
  EKS_NODEGROUP_CACHE_DIR  cache folder (default $XDG_CACHE_HOME/eks-nodegroup or ~/.cache/eks-nodegroup)
  EKS_NODEGROUP_AWS_BASE_URL  base URL for aws:<date> (default ${AWS_TEMPLATE_BASE_URL})

Exit codes: 0 the templates are the same, 1 they differ, 2 bad usage or input.
`,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(
      args,
      {
        ...MAX_POD_FLAGS,
        against: { type: 'string' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        timeout: { type: 'string' },
        refresh: { type: 'boolean' },
      },
      usage,
    );
    const given = values.against !== undefined ? [String(values.against), ...positionals] : positionals;
    if (given.length === 0) {
      throw new EksNodegroupError('BAD_USAGE', `name the template to compare against (a file, an https:// URL or aws:<date>)\nusage: ${usage}`);
    }
    if (given.length > 2) {
      throw new EksNodegroupError('BAD_USAGE', `give at most two templates (OLD and NEW), got ${given.length}: ${given.join(' ')}\nusage: ${usage}`);
    }
    const options = maxPodsOptionsFromFlags(values);
    const timeout = intFlag('timeout', values.timeout, 1);
    const env = io.env ?? process.env;
    const [oldSpec, newSpecGiven] = given;
    let newSpec = newSpecGiven;
    if (newSpec === undefined) {
      if (!fs.existsSync(DEFAULT_NEW_TEMPLATE)) {
        throw new EksNodegroupError(
          'READ_ERROR',
          `no NEW template given and this package's generated template is missing (${DEFAULT_NEW_TEMPLATE}); run "npm run gen" or give NEW`,
        );
      }
      newSpec = DEFAULT_NEW_TEMPLATE;
    }

    const check = (text: string, label: string) => {
      assertBodySize(text, label);
      return assertTemplate(parseTemplateWithSource(text, label).template, label);
    };
    const sourceOptions = { cwd: io.cwd, env, timeoutMs: timeout === undefined ? undefined : timeout * 1000, refresh: values.refresh === true };
    const [a, b] = await Promise.all([loadSource(oldSpec, check, sourceOptions), loadSource(newSpec, check, sourceOptions)]);
    // Without mode flags the computed column follows the options the new template records.
    const modeFlags = Object.keys(MAX_POD_FLAGS).some((k) => values[k] !== undefined);
    const diff: TemplateDiff = diffTemplates(a.value, b.value, modeFlags ? { maxPods: options } : {});

    const newLabel = newSpecGiven === undefined ? `${path.relative(io.cwd ?? process.cwd(), newSpec) || newSpec} (generated)` : b.label;
    const oldLabel = a.url && a.kind === 'aws' ? `${a.label} (${a.url})` : a.label;
    if (values.json) {
      io.stdout.write(formatDiffJson(diff, { oldLabel, newLabel }));
    } else {
      const color = io.stdout.isTTY === true && !env.NO_COLOR;
      io.stdout.write(formatDiffText(diff, { oldLabel, newLabel, color, allMaxPods: values.all === true }));
    }
    return diff.identical ? EXIT_OK : EXIT_FINDINGS;
  },
};

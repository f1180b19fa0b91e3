import * as path from 'node:path';
import { EksNodegroupError, plural } from '../../core';
import { readTextFile } from '../files';
import { formatFinding, validateTemplateText, type Finding } from '../../validate';
import { parseFlags } from '../args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from '../io';

const usage = 'eks-nodegroup validate FILE… [--json] [--strict] [--all-types]';

interface FileResult {
  file: string;
  valid: boolean;
  findings: Finding[];
  /** Set when the file could not be read or parsed. */
  error?: string;
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Checks CloudFormation templates (YAML or JSON, short or long form) offline: every resource's
properties against a schema generated from the AWS resource database, the template sections,
references (Ref, Fn::GetAtt, Fn::Sub variables, Fn::FindInMap keys, conditions, DependsOn),
parameter defaults against their constraints, and CloudFormation quotas. Prints every finding
at once as FILE:LINE:COLUMN: severity [rule] message (at /json/pointer).

  --json        print one JSON object: { files: [{ file, valid, findings, error? }] }
  --strict      warnings count as findings too (exit 1)
  --all-types   also check properties of resource types outside the bundled schema
                (loads the AWS resource database, @aws-cdk/aws-service-spec; about 2 s)

Exit codes: 0 valid (warnings allowed), 1 findings, 2 a file could not be read or parsed.
`,
  run(args: string[], io: CliIO): number {
    const { values, positionals } = parseFlags(
      args,
      { json: { type: 'boolean' }, strict: { type: 'boolean' }, 'all-types': { type: 'boolean' } },
      usage,
    );
    if (positionals.length === 0) {
      throw new EksNodegroupError('BAD_USAGE', `name at least one template file (e.g. templates/nodegroup.yaml)\nusage: ${usage}`);
    }
    const cwd = io.cwd ?? process.cwd();
    const results: FileResult[] = [];
    for (const file of positionals) {
      try {
        const text = readTextFile(path.resolve(cwd, file), undefined, file);
        const findings = validateTemplateText(text, file, { allTypes: values['all-types'] === true });
        const failing = findings.filter((f) => f.severity === 'error' || values.strict);
        results.push({ file, valid: failing.length === 0, findings });
      } catch (e) {
        if (!(e instanceof EksNodegroupError) || e.code === 'BAD_USAGE') throw e;
        results.push({ file, valid: false, findings: [], error: e.message });
      }
    }
    if (values.json) {
      io.stdout.write(JSON.stringify({ files: results }, null, 2) + '\n');
    } else {
      for (const r of results) {
        if (r.error) io.stderr.write(`eks-nodegroup validate: ${r.error}\n`);
        for (const f of r.findings) io.stdout.write(formatFinding(f) + '\n');
        if (!r.error) {
          const errors = r.findings.filter((f) => f.severity === 'error').length;
          const warnings = r.findings.length - errors;
          const counts = [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
          io.stdout.write(`${r.file}: ${r.valid ? 'valid' : 'invalid'}${counts ? ` (${counts})` : ''}\n`);
        }
      }
    }
    if (results.some((r) => r.error)) return EXIT_USAGE;
    return results.every((r) => r.valid) ? EXIT_OK : EXIT_FINDINGS;
  },
};

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EksNodegroupError, plural } from '../../core';
import { refreshData } from '../../instance-types/refresh';
import { checkOutput, readTextFile, writeFileAtomic } from '../files';
import { parseFlags } from '../args';
import type { CliIO, Command } from '../io';

const usage = 'eks-nodegroup refresh-data (FILE… | --live) [-o FILE | --stdout] [--source TEXT] [--date YYYY-MM-DD]';

/** Where the committed data module lives, relative to the package root. */
export const DATA_FILE = path.join('lib', 'instance-types', 'generated', 'data.ts');

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export const command: Command = {
  usage,
  help: `usage: ${usage}

Reads "aws ec2 describe-instance-types --output json" output (one file, or several pages) and
writes the compact, sorted instance data with its provenance (source, date, count, sha256).
  -o, --output FILE  where to write (default: ${DATA_FILE} in the current folder)
  --source TEXT      provenance: what the input is (default: the input file names)
  --date YYYY-MM-DD  provenance date (default: today, UTC)
  --live             page through the EC2 API with @aws-sdk/client-ec2 (not installed with this
                     package: npm install @aws-sdk/client-ec2; needs AWS credentials)
  --stdout           print instead of writing a file
Then run "npm run generate" (it builds, then rewrites the templates and docs from the new data).
`,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseFlags(
      args,
      {
        output: { type: 'string', short: 'o' },
        out: { type: 'string' },
        source: { type: 'string' },
        date: { type: 'string' },
        live: { type: 'boolean' },
        stdout: { type: 'boolean' },
      },
      usage,
    );
    const cwd = io.cwd ?? process.cwd();
    if (!values.stdout) checkOutput(String(values.output ?? values.out ?? DATA_FILE), positionals.map((f) => ({ file: f, shown: f })), cwd, path.basename(DATA_FILE));
    let pages: { name: string; text: string }[];
    let source: string;
    if (values.live) {
      if (positionals.length) throw new EksNodegroupError('BAD_USAGE', `give input files or --live, not both\nusage: ${usage}`);
      pages = await fetchLivePages();
      source = String(values.source ?? 'EC2 DescribeInstanceTypes (live, @aws-sdk/client-ec2)');
    } else {
      if (positionals.length === 0) {
        throw new EksNodegroupError('BAD_USAGE', `name one or more describe-instance-types output files, e.g. "aws ec2 describe-instance-types --output json > types.json"\nusage: ${usage}`);
      }
      pages = positionals.map((f) => ({ name: f, text: readTextFile(path.resolve(cwd, f), 1024 * 1024 * 1024, f) }));
      source = String(values.source ?? `aws ec2 describe-instance-types --output json: ${positionals.map((f) => path.basename(f)).join(', ')}`);
    }
    const text = refreshData(pages, { source, date: String(values.date ?? today()) });
    if (values.stdout) {
      io.stdout.write(text);
      return 0;
    }
    const given = values.output ?? values.out; // --out: the name earlier versions used
    const out = path.resolve(cwd, String(given ?? DATA_FILE));
    if (given === undefined && !fs.existsSync(path.dirname(out))) {
      throw new EksNodegroupError(
        'BAD_USAGE',
        `no ${DATA_FILE} here: run refresh-data in the root of an eks-nodegroup checkout (then npm run generate), or give -o FILE`,
      );
    }
    writeFileAtomic(out, text, String(given ?? DATA_FILE));
    const count = (text.match(/^ {4}\[/gm) ?? []).length;
    io.stdout.write(`wrote ${path.relative(cwd, out) || out}: ${plural(count, 'instance type')}\n`);
    return 0;
  },
};

async function fetchLivePages(): Promise<{ name: string; text: string }[]> {
  let sdk: any;
  try {
    // Optional dependency: only --live needs it.
    sdk = require('@aws-sdk/client-ec2');
  } catch {
    throw new EksNodegroupError('BAD_USAGE', '--live needs the optional package @aws-sdk/client-ec2: run "npm install @aws-sdk/client-ec2"');
  }
  const client = new sdk.EC2Client({});
  const pages: { name: string; text: string }[] = [];
  try {
    for await (const page of sdk.paginateDescribeInstanceTypes({ client }, {})) {
      pages.push({ name: `EC2 API page ${pages.length + 1}`, text: JSON.stringify({ InstanceTypes: page.InstanceTypes ?? [] }) });
    }
  } catch (e) {
    throw new EksNodegroupError('READ_ERROR', `EC2 DescribeInstanceTypes failed: ${(e as Error).message}`);
  }
  return pages;
}

/**
 * `npm run gen-templates`: regenerates the committed templates with `eks-nodegroup gen`
 * (spec/gen-templates.spec.ts fails when a committed one differs from what gen now writes).
 */
import * as path from 'node:path';
import { cli } from '../lib/cli';

const ROOT = path.resolve(__dirname, '..', '..');

/** The committed templates: file (relative to the repository) and the gen flags that make it. */
export const COMMITTED_TEMPLATES: readonly { file: string; args: readonly string[] }[] = [
  { file: 'templates/nodegroup.yaml', args: [] },
  { file: 'templates/nodegroup-bottlerocket.yaml', args: ['--ami-family', 'bottlerocket'] },
  { file: 'templates/nodegroup-al2.yaml', args: ['--ami-family', 'al2'] },
];

async function main(): Promise<number> {
  for (const t of COMMITTED_TEMPLATES) {
    const code = await cli(['gen', ...t.args, '-o', t.file], { stdout: process.stdout, stderr: process.stderr, cwd: ROOT });
    if (code !== 0) return code;
  }
  return 0;
}

if (require.main === module) {
  main().then((code) => (process.exitCode = code));
}

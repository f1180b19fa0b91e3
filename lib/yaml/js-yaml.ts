/**
 * js-yaml, loaded from the single-file build it ships (dist/js-yaml.js: the same code and exports
 * as its 24-file CommonJS entry) through the V8 code cache of lib/util/code-cache.ts. Every command
 * reads or writes a template, and resolving and compiling js-yaml's files was a tenth of a cold run.
 * All of this package uses js-yaml through this module, so there is one YAMLException class.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireCached } from '../util/code-cache';

type JsYaml = typeof import('js-yaml');

/**
 * The bundle's path, found where `require` would look for the package (module.paths); undefined
 * when it is not there (e.g. this package was bundled). Not require.resolve: js-yaml has an
 * `exports` map, whose resolver costs a few ms to load.
 */
function bundlePath(): string | undefined {
  for (const dir of module.paths ?? []) {
    const file = path.join(dir, 'js-yaml', 'dist', 'js-yaml.js');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

const bundle = bundlePath();
// The plain require (js-yaml's 24-file entry: same code, same exports) when the bundle is not found.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const plain = (): JsYaml => require('js-yaml') as JsYaml;

export const jsyaml: JsYaml = bundle ? requireCached<JsYaml>(bundle, 'js-yaml', plain) : plain();

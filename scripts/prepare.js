#!/usr/bin/env node
// npm's prepare step (npm ci, npm install of a folder or a git URL): compile with tsc, nothing else.
// A folder installed by path (`npm install ../eks-nodegroup`) runs this before its own dependencies
// are there; then they are installed first (npm ci, without running scripts).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tscPath = () => require.resolve('typescript/bin/tsc', { paths: [root] });

let tsc;
try {
  tsc = tscPath();
} catch {
  // The outer install's npm_config_* settings (global, save, …) are not this install's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) || /^npm_config_(registry|cache|userconfig)$/i.test(k)));
  const npm = process.env.npm_execpath;
  const args = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--include=dev'];
  const r = npm ? spawnSync(process.execPath, [npm, ...args], { cwd: root, env, stdio: 'inherit' }) : spawnSync('npm', args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  tsc = tscPath();
}
const r = spawnSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
process.exit(r.status ?? 1);

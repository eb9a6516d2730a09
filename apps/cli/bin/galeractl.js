#!/usr/bin/env node
'use strict';
// galeractl: runs the compiled CLI when a build exists and is not older than the sources;
// otherwise compiles the TypeScript sources on the fly with @swc-node/register (the workspace's
// dev dependency), which needs no build step.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const cliRoot = resolve(__dirname, '..');
const repoRoot = resolve(cliRoot, '..', '..');
const compiled = join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js');
// The root build rewrites `@galera-cp/sdk` to a path relative to the compiled file: it must be there too.
const compiledSdk = join(repoRoot, 'dist', 'sdk', 'src', 'index.js');
const sources = join(cliRoot, 'src');

/** The newest modification time of the CLI's TypeScript sources (0 when they are not shipped). */
function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function useCompiled() {
  if (process.env.GALERACTL_FROM_SOURCE === '1') return false;
  if (!existsSync(compiled) || !existsSync(compiledSdk)) return false;
  return statSync(compiled).mtimeMs >= newestSource(sources);
}

if (useCompiled()) {
  require(compiled);
} else {
  // swc-node reads the path aliases (@galera-cp/sdk -> sdk/src) from the workspace's tsconfig,
  // whatever the current directory is.
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(repoRoot, 'tsconfig.json');
  try {
    require.resolve('@swc-node/register', { paths: [repoRoot] });
  } catch {
    process.stderr.write('galeractl: no compiled build (dist/apps/cli) and @swc-node/register is not installed; run `npm install` (with dev dependencies) or `npm run build` at the repository root\n');
    process.exit(7);
  }
  require(require.resolve('@swc-node/register', { paths: [repoRoot] }));
  require(join(sources, 'main.ts'));
}

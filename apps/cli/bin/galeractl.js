#!/usr/bin/env node
'use strict';
// galeractl: runs the compiled CLI when a build exists and is not older than the sources;
// otherwise compiles the TypeScript sources on the fly with @swc-node/register (the workspace's
// dev dependency), which needs no build step.
//
// The build (`npm run build`, scripts/build.mjs) emits the CLI into apps/cli/dist/, mirroring the
// repository (dist/apps/cli/src/main.js and the SDK it imports in dist/sdk/src/), so that the
// compiled files resolve their bare imports (commander, yaml) from apps/cli/node_modules first:
// the versions apps/cli/package.json declares, not whatever the repository root has hoisted.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const cliRoot = resolve(__dirname, '..');
const repoRoot = resolve(cliRoot, '..', '..');
const compiled = join(cliRoot, 'dist', 'apps', 'cli', 'src', 'main.js');
// The build rewrites `@galera-cp/sdk` to a path relative to the compiled file: it must be there too.
const compiledSdk = join(cliRoot, 'dist', 'sdk', 'src', 'index.js');
const sources = join(cliRoot, 'src');
const sdkSources = join(repoRoot, 'sdk', 'src');

/** The newest modification time of the TypeScript sources under dir (0 when they are not shipped). */
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
  return statSync(compiled).mtimeMs >= Math.max(newestSource(sources), newestSource(sdkSources));
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
    process.stderr.write('galeractl: no compiled build (apps/cli/dist) and @swc-node/register is not installed; run `npm install` (with dev dependencies) or `npm run build` at the repository root\n');
    process.exit(7);
  }
  require(require.resolve('@swc-node/register', { paths: [repoRoot] }));
  require(join(sources, 'main.ts'));
}

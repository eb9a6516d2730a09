#!/usr/bin/env node
// Compiles apps/ and libs/ to dist/ with swc. tsconfig.json is the single source of the path
// aliases: they are passed to swc here, so the emitted code needs no runtime resolver.
//
// The CLI goes elsewhere: apps/cli/dist/, mirroring the repository (apps/cli/dist/apps/cli/src/…
// and the SDK sources it imports in apps/cli/dist/sdk/src/…). A compiled file resolves bare
// imports from the node_modules folders above it; under dist/apps/cli that is the root
// node_modules, whose commander is another package's (8.x, @swc/cli's). Under apps/cli/dist it
// is apps/cli/node_modules first: the dependencies apps/cli/package.json declares.
import { transformFile } from '@swc/core';
import { createRequire } from 'node:module';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8'));
const outDir = join(root, 'dist');
const cliOutDir = join(root, 'apps', 'cli', 'dist');
/** Each source tree and where it is emitted (mirroring its path from the repository root). */
const targets = [
  { source: 'apps', outDir, skip: ['apps/cli'] },
  { source: 'libs', outDir },
  // The CLI and the SDK it imports (the path alias becomes a relative path between the two).
  { source: 'apps/cli', outDir: cliOutDir },
  { source: 'sdk/src', outDir: cliOutDir },
];

async function* walk(dir, skip = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'testing') continue;
    const path = join(dir, entry.name);
    if (skip.includes(relative(root, path))) continue;
    if (entry.isDirectory()) yield* walk(path, skip);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|e2e-spec|lab-spec)\.ts$/.test(entry.name)) yield path;
  }
}

await rm(outDir, { recursive: true, force: true });
await rm(cliOutDir, { recursive: true, force: true });
let count = 0;
for (const target of targets) {
  for await (const file of walk(join(root, target.source), target.skip)) {
    const out = join(target.outDir, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      swcrc: false,
      sourceMaps: true,
      module: { type: 'commonjs', strict: true },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
        baseUrl: root,
        paths: tsconfig.compilerOptions.paths,
      },
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${code}\n//# sourceMappingURL=${out.split('/').pop()}.map\n`);
    if (map) await writeFile(`${out}.map`, map);
    count += 1;
  }
}

// The compiled CLI must load the versions its packages declare, not whatever is hoisted near it:
// check each pinned dependency of apps/cli and of the SDK from where its compiled code sits.
/** The version of the package `name` that code at `from` loads. */
async function versionLoadedFrom(from, name) {
  let dir = dirname(createRequire(join(from, 'index.js')).resolve(name));
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8').catch(() => '{}'));
    if (manifest.name === name) return manifest.version;
  }
  return undefined;
}
for (const [pkg, from] of [
  ['apps/cli', 'apps/cli/src'],
  ['sdk', 'sdk/src'],
]) {
  const { dependencies = {} } = JSON.parse(await readFile(join(root, pkg, 'package.json'), 'utf8'));
  for (const [name, wanted] of Object.entries(dependencies)) {
    if (name.startsWith('@galera-cp/') || !/^\d+\.\d+\.\d+$/.test(wanted)) continue;
    const found = await versionLoadedFrom(join(cliOutDir, from), name);
    if (found !== wanted) throw new Error(`build: ${pkg} needs ${name} ${wanted}, but its compiled code in apps/cli/dist would load ${found ?? 'nothing'}; run npm install`);
  }
}
console.log(`build: compiled ${count} files into dist/ (the CLI into apps/cli/dist/)`);

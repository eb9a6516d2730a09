// Builds sdk/dist (CommonJS + .d.ts) with tsc, then copies the generated schema.d.ts beside the
// emitted declarations (tsc emits no output for a .d.ts input, yet dist/types.d.ts imports it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
rmSync(join(here, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
copyFileSync(join(here, 'src', 'schema.d.ts'), join(here, 'dist', 'schema.d.ts'));

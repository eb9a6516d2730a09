import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const requireHere = createRequire(__filename);

/** Every ```ts block of a Markdown file, in order. */
export function tsBlocks(markdownPath: string): string[] {
  const text = readFileSync(join(ROOT, markdownPath), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** A folder where `@galera-cp/sdk` is the SDK as `npm pack` ships it, and TypeScript code can use it. */
export interface PackedSdk {
  dir: string;
  /** Compiles `files` (name -> source, `.mts`) under strict + exactOptionalPropertyTypes to `.mjs` in `outDir`; answers tsc's output, empty when clean. */
  compile(files: Record<string, string>): { ok: boolean; output: string; outDir: string };
  remove(): void;
}

/**
 * Builds the SDK, packs it (`npm pack`, so only what `files` ships) and unpacks it into
 * `node_modules/@galera-cp/sdk` of a fresh folder under `.data/` (git-ignored). Its dependencies
 * (openapi-fetch, eventsource-parser) and @types/node resolve from the repository's
 * node_modules above, as they would from a user's.
 */
export function packSdk(): PackedSdk {
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.data', 'packed-sdk-'));
  execFileSync(process.execPath, [join(ROOT, 'sdk', 'build.mjs')], { cwd: join(ROOT, 'sdk'), stdio: 'pipe' });
  const npm = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js') ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const packed = JSON.parse(execFileSync(npm[0], [...npm.slice(1), 'pack', '--json', '--pack-destination', dir], { cwd: join(ROOT, 'sdk'), encoding: 'utf8' })) as { filename: string }[];
  const scope = join(dir, 'node_modules', '@galera-cp');
  mkdirSync(scope, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed[0].filename), '-C', scope]);
  renameSync(join(scope, 'package'), join(scope, 'sdk'));
  const tsc = requireHere.resolve('typescript/bin/tsc');
  return {
    dir,
    compile(files) {
      const work = mkdtempSync(join(dir, 'compile-'));
      for (const [name, source] of Object.entries(files)) writeFileSync(join(work, name), source);
      const tsconfig = {
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: false,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2023'],
          types: ['node'],
          skipLibCheck: false,
          outDir: 'out',
        },
        include: ['*.mts'],
      };
      writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig));
      writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
      try {
        const output = execFileSync(process.execPath, [tsc, '-p', work], { cwd: work, encoding: 'utf8' });
        return { ok: true, output, outDir: join(work, 'out') };
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`, outDir: join(work, 'out') };
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

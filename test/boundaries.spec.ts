import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { checkBoundaries, findCycles, PROJECT_ROOT } from './support/boundaries';

/** Cycles allowed by exception: none (the check also fails on an allowed cycle that no longer exists). */
const KNOWN_CYCLES: string[][] = [];

describe('the project tree keeps its import rules', () => {
  const report = checkBoundaries(PROJECT_ROOT, { allowedCycles: KNOWN_CYCLES });

  test('every lib and app README states its imports and the sources keep to them, with no import cycle', () => {
    assert.deepEqual(
      report.violations.map((violation) => violation.message),
      [],
    );
  });

  test('the check saw the whole tree: every lib and app, and their imports', () => {
    const dirs = report.units.map((unit) => unit.dir);
    for (const dir of ['libs/core', 'libs/config', 'libs/http', 'libs/backends/contract', 'libs/backends/ssh', 'libs/backends/kubernetes', 'libs/platform', 'apps/api', 'apps/worker', 'apps/cli']) {
      assert.ok(dirs.includes(dir), `${dir} is checked`);
    }
    for (const unit of report.units) assert.ok(unit.allowed, `${unit.dir}/README.md has a parsed Imports: line`);
    // a resolver that silently failed would see no project imports and pass everything
    assert.ok(report.edges.filter((edge) => edge.to !== undefined).length > 500, 'project imports resolved');
    assert.ok(
      report.edges.some((edge) => edge.from.startsWith('libs/clusters/') && edge.to === 'libs/operations/src/index.ts'),
      'aliases resolve to the lib barrels',
    );
  });
});

/** Writes `files` (path -> text) under a fresh temporary directory and returns its path. */
function fixtureTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const FIXTURE_TSCONFIG = JSON.stringify({
  compilerOptions: {
    module: 'node20',
    moduleResolution: 'node16',
    strict: true,
    baseUrl: '.',
    paths: {
      '@fixture/low': ['libs/low/src/index.ts'],
      '@fixture/mid': ['libs/mid/src/index.ts'],
      '@fixture/top': ['libs/top/src/index.ts'],
    },
  },
});

describe('the boundary checker on a fixture tree', () => {
  test('names the file and the import that break a README, the app rules and the no-cycle rule', (t) => {
    const root = fixtureTree({
      'tsconfig.json': FIXTURE_TSCONFIG,
      'package.json': JSON.stringify({ name: 'fixture', dependencies: { yaml: '1.0.0' } }),
      'libs/low/README.md': '# low\n\nImports: nothing of the project.\n',
      'libs/low/src/index.ts': "export * from './a';\n",
      // low imports mid: not on its Imports: line
      'libs/low/src/a.ts': "import { mid } from '@fixture/mid';\nexport const low = mid + 1;\n",
      'libs/mid/README.md': '# mid\n\n- Imports: low (for `low`), `yaml`. Must not import\n  top.\n',
      'libs/mid/src/index.ts': "export const mid = 1;\nexport * from './cycle-one';\n",
      // a type-only import still closes a cycle
      'libs/mid/src/cycle-one.ts': "import { two } from './cycle-two.js';\nexport const one = two;\n",
      'libs/mid/src/cycle-two.ts': "import type { one } from './cycle-one.js';\nexport const two = 2;\nexport type One = typeof one;\n",
      // reaching into top by a relative path is the same forbidden import as the alias
      'libs/mid/src/sneaky.ts': "export { top } from '../../top/src/top';\n",
      // import() reaches a file that imports this one without a load-order loop: no cycle
      'libs/mid/src/lazy-one.ts': "export const later = () => import('./lazy-two');\n",
      'libs/mid/src/lazy-two.ts': "import { later } from './lazy-one';\nexport const again = later;\n",
      'libs/top/README.md': '# top\n\nImports: mid, low, bottom. Must not import an app.\n',
      'libs/top/src/index.ts': "export * from './top';\n",
      'libs/top/src/top.ts': "import { app } from '../../../apps/one/src/main';\nimport { helper } from '../../../test/helper';\nexport const top = app + helper;\n",
      // a spec may use the shared test helpers
      'libs/top/src/top.spec.ts': "import { helper } from '../../../test/helper';\nexport const used = helper;\n",
      'apps/one/README.md': '# one\n\nImports: top. Must not import another app.\n',
      'apps/one/src/main.ts': "import { two } from '../../two/src/main';\nexport const app = two;\n",
      'apps/two/README.md': '# two\n\nNo imports line here.\n',
      'apps/two/src/main.ts': 'export const two = 2;\n',
      'test/helper.ts': 'export const helper = 1;\n',
    });
    t.after(() => rmSync(root, { recursive: true, force: true }));

    const report = checkBoundaries(root, { allowedCycles: [['libs/gone/a.ts', 'libs/gone/b.ts']] });
    const messages = report.violations.map((violation) => `${violation.file}:${violation.line} ${violation.message}`);
    const expect = (pattern: RegExp) =>
      assert.ok(
        messages.some((message) => pattern.test(message)),
        `expected ${pattern} in:\n${messages.join('\n')}`,
      );

    expect(/^libs\/low\/src\/a\.ts:1 .*'@fixture\/mid'.*libs\/mid is not on the Imports: line of libs\/low\/README\.md/);
    expect(/^libs\/mid\/src\/sneaky\.ts:1 .*'\.\.\/\.\.\/top\/src\/top'.*libs\/mid\/README\.md says it must not import libs\/top/);
    expect(/^libs\/top\/src\/top\.ts:1 .*apps\/one\/src\/main.*a lib never imports an app/);
    expect(/^libs\/top\/src\/top\.ts:2 .*test\/helper.*libs never import the test\/ tree/);
    expect(/^apps\/one\/src\/main\.ts:1 .*an app never imports another app/);
    expect(/^apps\/two\/README\.md:1 .*has no "Imports:" line/);
    expect(/^libs\/top\/README\.md:3 .*"bottom" on the Imports: line names no lib, app or package/);
    expect(/import cycle: libs\/mid\/src\/cycle-one\.ts -> libs\/mid\/src\/cycle-two\.ts -> libs\/mid\/src\/cycle-one\.ts/);
    expect(/allowed cycle libs\/gone\/a\.ts <-> libs\/gone\/b\.ts no longer exists/);

    assert.ok(!messages.some((message) => message.includes('top.spec.ts')), 'a spec may import the test tree');
    assert.ok(!messages.some((message) => message.includes('lazy-')), 'an import() is no cycle');
    // `yaml` is a package the README may name; the multi-line "Must not import" was read whole
    assert.deepEqual([...report.units.find((unit) => unit.dir === 'libs/mid')!.forbidden], ['libs/top']);
    assert.equal(report.violations.length, 9, messages.join('\n'));
  });

  test('a tree that keeps every rule passes, and the allowed cycle is used', (t) => {
    const root = fixtureTree({
      'tsconfig.json': FIXTURE_TSCONFIG,
      'package.json': JSON.stringify({ name: 'fixture' }),
      'libs/low/README.md': 'Imports: nothing of the project.\n',
      'libs/low/src/index.ts': "export * from './a';\n",
      'libs/low/src/a.ts': "import type { B } from './b';\nexport type A = { b?: B };\n",
      'libs/low/src/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
      'libs/mid/README.md': 'Imports: low.\n',
      'libs/mid/src/index.ts': "import type { A } from '@fixture/low';\nexport type M = A;\n",
    });
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const report = checkBoundaries(root, { allowedCycles: [['libs/low/src/b.ts', 'libs/low/src/a.ts']] });
    assert.deepEqual(report.violations, []);
  });
});

describe('findCycles', () => {
  test('finds a self import, a three-file loop, and nothing in a chain', () => {
    assert.deepEqual(findCycles([{ from: 'a', to: 'a' }]), [['a', 'a']]);
    assert.deepEqual(
      findCycles([
        { from: 'x', to: 'y' },
        { from: 'y', to: 'z' },
        { from: 'z', to: 'x' },
        { from: 'z', to: 'w' },
      ]),
      [['x', 'y', 'z', 'x']],
    );
    assert.deepEqual(
      findCycles([
        { from: 'p', to: 'q' },
        { from: 'q', to: 'r' },
      ]),
      [],
    );
  });
});

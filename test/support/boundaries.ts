/**
 * The project's import rules, checked from the source: each lib's and app's README says on its
 * `Imports:` line which project libs it may import (and, after "Must not import", which it must
 * not); apps never import another app; libs never import apps; nothing under libs/ or apps/
 * imports the test, bench or scripts trees; and no two files of the project import each other,
 * directly or around a loop.
 *
 * Written with the TypeScript compiler API (parser and module resolver only, no type checking),
 * so `@galera-cp/*` aliases and `./x.js` specifiers resolve exactly as `tsc` resolves them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

/** How an import reaches its target: erased at compile time, evaluated at load, or on demand. */
export type ImportKind = 'static' | 'type' | 'dynamic';

/** One import or re-export of a project file, resolved to the project file it reaches. */
export interface ImportEdge {
  /** Importing file, relative to the root, `/`-separated. */
  readonly from: string;
  /** The resolved project file (relative), or undefined for a package outside the project. */
  readonly to: string | undefined;
  readonly specifier: string;
  readonly kind: ImportKind;
  /** 1-based line of the import in `from`. */
  readonly line: number;
}

/** A lib or app: a directory with a README whose `Imports:` line states its allowed imports. */
export interface BoundaryUnit {
  /** Directory relative to the root, e.g. `libs/core`, `libs/backends/ssh`, `apps/api`. */
  readonly dir: string;
  readonly kind: 'lib' | 'app';
  /** Units (by dir) the README allows; undefined when the README has no parseable line. */
  readonly allowed: ReadonlySet<string> | undefined;
  /** Units (by dir) the README names after "Must not import". */
  readonly forbidden: ReadonlySet<string>;
}

/** A broken rule, naming the file and the import (or the README) at fault. */
export interface BoundaryViolation {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** What {@link checkBoundaries} found. */
export interface BoundaryReport {
  readonly units: readonly BoundaryUnit[];
  readonly edges: readonly ImportEdge[];
  readonly violations: readonly BoundaryViolation[];
  /** Each import cycle as the loop of files, first file repeated at the end. */
  readonly cycles: readonly (readonly string[])[];
}

/** Options of {@link checkBoundaries}. */
export interface BoundaryOptions {
  /**
   * Cycles tolerated for now, each as the set of its files (order free). A listed cycle that no
   * longer exists is itself reported, so the list cannot outlive the fix.
   */
  readonly allowedCycles?: readonly (readonly string[])[];
}

const TREES_NOT_FOR_PRODUCT = ['test', 'bench', 'scripts'];
const SPEC_FILE = /\.(?:e2e-|lab-)?spec\.ts$/;

const posix = (path: string): string => path.split(sep).join('/');

function* typeScriptFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath).options;
}

/** Every import, re-export, `import x = require()` and `import()` of one source file. */
function importsOf(file: string, text: string): { specifier: string; kind: ImportKind; line: number }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { specifier: string; kind: ImportKind; line: number }[] = [];
  const add = (literal: ts.Expression, kind: ImportKind): void => {
    if (!ts.isStringLiteralLike(literal)) return;
    found.push({ specifier: literal.text, kind, line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      // `import { type A, type B } from` is erased just like `import type { A, B } from`
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      add(node.moduleSpecifier, allTypes ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const allTypes =
        node.isTypeOnly ||
        (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((element) => element.isTypeOnly));
      add(node.moduleSpecifier, allTypes ? 'type' : 'static');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? 'type' : 'static');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node.arguments[0], 'dynamic');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, 'type');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The libs and apps: libs/<name>, libs/backends/<name>, apps/<name>. */
function discoverUnitDirs(root: string): { dir: string; kind: 'lib' | 'app' }[] {
  const dirs: { dir: string; kind: 'lib' | 'app' }[] = [];
  const children = (parent: string): string[] =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${parent}/${entry.name}`)
          .sort()
      : [];
  for (const dir of children('libs')) {
    // libs/backends holds the contract and one folder per backend, each a lib of its own
    if (dir === 'libs/backends') dirs.push(...children(dir).map((child) => ({ dir: child, kind: 'lib' as const })));
    else dirs.push({ dir, kind: 'lib' });
  }
  for (const dir of children('apps')) dirs.push({ dir, kind: 'app' });
  return dirs;
}

/**
 * The names a README may use for a unit: its folder name, its `@galera-cp/` alias, and a few
 * phrases the READMEs use for groups ("a backend", "any other lib of the project").
 */
function vocabulary(root: string, units: readonly { dir: string; kind: 'lib' | 'app' }[], paths: ts.MapLike<string[]>) {
  const single = new Map<string, string>();
  for (const unit of units) {
    const base = unit.dir.split('/').pop()!;
    single.set(base, unit.dir);
    if (unit.dir.startsWith('libs/backends/')) single.set(`${base} backend`, unit.dir);
  }
  for (const [alias, targets] of Object.entries(paths)) {
    const target = targets[0];
    if (target === undefined) continue;
    const unit = units.find((candidate) => target.startsWith(`${candidate.dir}/`));
    if (unit) single.set(alias, unit.dir);
    else if (target.startsWith('sdk/')) single.set(alias, 'sdk');
  }
  single.set('sdk', 'sdk');
  if (single.has('contract')) {
    single.set('backends contract', single.get('contract')!);
    single.set('the backends contract', single.get('contract')!);
  }
  const libs = units.filter((unit) => unit.kind === 'lib').map((unit) => unit.dir);
  const apps = units.filter((unit) => unit.kind === 'app').map((unit) => unit.dir);
  const concreteBackends = libs.filter((dir) => dir.startsWith('libs/backends/') && dir !== 'libs/backends/contract');
  const groups = new Map<string, readonly string[]>([
    ['nothing', []],
    ['nothing of the project', []],
    ['a backend', concreteBackends],
    ['a concrete backend', concreteBackends],
    ['another backend', concreteBackends],
    ['backends', libs.filter((dir) => dir.startsWith('libs/backends/'))],
    ['any other lib of the project', libs],
    ['another lib of the project', libs],
    ['other libs of this project', libs],
    ['another app', apps],
    ['an app', apps],
    ['server code', [...libs, ...apps]],
  ]);
  const external = new Set<string>(builtinModules);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const field of ['dependencies', 'devDependencies']) for (const name of Object.keys(manifest[field] ?? {})) external.add(name);
  return { single, groups, external };
}

type Vocabulary = ReturnType<typeof vocabulary>;

/** A README's `Imports:` paragraph as plain words: no markdown emphasis, code ticks or asides. */
function importsParagraph(readme: string): string | undefined {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^\s*(?:[-*]\s+)?(?:\*\*)?Imports:/.test(line));
  if (start < 0) return undefined;
  const paragraph: string[] = [];
  for (let index = start; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line.trim() === '' || (index > start && /^\s*(?:[-*]\s|#)/.test(line))) break;
    paragraph.push(line.trim());
  }
  let text = paragraph.join(' ').replace(/\*\*|`/g, '');
  // asides in parentheses say why, not what: "http (request type)"
  for (let previous = ''; previous !== text;) [previous, text] = [text, text.replace(/\s*\([^()]*\)/g, '')];
  return text.replace(/^\s*(?:[-*]\s+)?Imports:\s*/, '');
}

function parseNames(list: string, words: Vocabulary, self: string): { units: Set<string>; unknown: string[] } {
  const units = new Set<string>();
  const unknown: string[] = [];
  const tokens = list
    .split(/,|\s+(?:and|or)\s+/)
    // "core only" says the same as "core"
    .map((token) =>
      token
        .trim()
        .replace(/^(?:and|or)\s+/, '')
        .replace(/\s+only$/, ''),
    )
    .filter((token) => token !== '');
  for (const token of tokens) {
    const group = words.groups.get(token);
    if (group) for (const dir of group) if (dir !== self) units.add(dir);
    if (group) continue;
    const unit = words.single.get(token);
    if (unit) units.add(unit);
    // the test tree is forbidden to every lib and app anyway (TREES_NOT_FOR_PRODUCT)
    else if (token === 'test/') continue;
    else if (!words.external.has(token) && !words.external.has(token.replace(/^node:/, ''))) unknown.push(token);
  }
  return { units, unknown };
}

function readUnit(root: string, dir: string, kind: 'lib' | 'app', words: Vocabulary, violations: BoundaryViolation[]): BoundaryUnit {
  const readmePath = `${dir}/README.md`;
  const none = { dir, kind, allowed: undefined, forbidden: new Set<string>() };
  if (!existsSync(join(root, readmePath))) {
    violations.push({ file: readmePath, line: 1, message: `${dir} has no README.md stating its Imports: line` });
    return none;
  }
  const readme = readFileSync(join(root, readmePath), 'utf8');
  const paragraph = importsParagraph(readme);
  if (paragraph === undefined) {
    violations.push({ file: readmePath, line: 1, message: `${readmePath} has no "Imports:" line` });
    return none;
  }
  const line = readme.split('\n').findIndex((text) => text.includes('Imports:')) + 1;
  const [allowedSentence = '', ...rest] = paragraph.split(/\.(?:\s+|$)/);
  const mustNot = rest.find((sentence) => /^Must not import\b/i.test(sentence));
  const allowed = parseNames(allowedSentence, words, dir);
  const forbidden = parseNames(mustNot?.replace(/^Must not import\s*/i, '') ?? '', words, dir);
  for (const token of [...allowed.unknown, ...forbidden.unknown]) {
    violations.push({ file: readmePath, line, message: `${readmePath}: "${token}" on the Imports: line names no lib, app or package` });
  }
  for (const both of [...allowed.units].filter((unit) => forbidden.units.has(unit))) {
    violations.push({ file: readmePath, line, message: `${readmePath}: ${both} is both allowed and forbidden` });
  }
  return { dir, kind, allowed: allowed.units, forbidden: forbidden.units };
}

/** The unit or top-level tree a project file belongs to: `libs/core`, `apps/api`, `sdk`, `test`. */
function ownerOf(file: string, units: readonly BoundaryUnit[]): string {
  const unit = units.find((candidate) => file.startsWith(`${candidate.dir}/`));
  return unit ? unit.dir : file.split('/')[0]!;
}

/** Cycles among `edges` (Tarjan's strongly connected components, then one loop per component). */
export function findCycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.get(from)!.includes(to)) next.get(from)!.push(to);
  }
  for (const targets of next.values()) targets.sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // iterative, so a long import chain cannot overflow the call stack
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; child: number }[] = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter);
    counter += 1;
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = next.get(frame.node) ?? [];
      if (frame.child < targets.length) {
        const target = targets[frame.child]!;
        frame.child += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, child: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = (next.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  // one concrete loop per component, so the message can say which imports to break
  return components.map((component) => {
    const members = new Set(component);
    const first = component[0]!;
    const path = [first];
    const seen = new Set([first]);
    const walk = (node: string): boolean => {
      for (const target of next.get(node) ?? []) {
        if (!members.has(target)) continue;
        if (target === first) return true;
        if (seen.has(target)) continue;
        seen.add(target);
        path.push(target);
        if (walk(target)) return true;
        path.pop();
      }
      return false;
    };
    walk(first);
    return [...path, first];
  });
}

/**
 * Checks the tree under `root` (which holds tsconfig.json, package.json, libs/ and apps/).
 *
 * Every kind of import counts for the README rules: a type-only import of clusters from
 * operations couples them as much as a value import does. Cycles are searched over static and
 * type-only imports: a type-only loop does no harm at load time, but it still means two files
 * cannot be understood or moved apart, which is what the rule is for. `import()` is left out of
 * cycles only: it is how a file reaches one that imports it without a load-order loop.
 */
export function checkBoundaries(root: string, options: BoundaryOptions = {}): BoundaryReport {
  const compiler = compilerOptions(root);
  const unitDirs = discoverUnitDirs(root);
  const words = vocabulary(root, unitDirs, compiler.paths ?? {});
  const violations: BoundaryViolation[] = [];
  const units = unitDirs.map(({ dir, kind }) => readUnit(root, dir, kind, words, violations));

  const edges: ImportEdge[] = [];
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(root, (name) => name, compiler);
  const scanned = ['libs', 'apps', 'sdk/src', 'test', 'bench', 'scripts'];
  for (const top of scanned) {
    for (const path of typeScriptFiles(join(root, top))) {
      const from = posix(relative(root, path));
      for (const found of importsOf(path, readFileSync(path, 'utf8'))) {
        const resolved = ts.resolveModuleName(found.specifier, path, compiler, host, cache).resolvedModule;
        const target = resolved && !resolved.isExternalLibraryImport ? posix(relative(root, resolved.resolvedFileName)) : undefined;
        const inProject = target !== undefined && !target.startsWith('..') && !target.includes('node_modules/');
        edges.push({ from, to: inProject ? target : undefined, specifier: found.specifier, kind: found.kind, line: found.line });
      }
    }
  }

  const byDir = new Map(units.map((unit) => [unit.dir, unit]));
  for (const edge of edges) {
    if (edge.to === undefined) continue;
    const fromOwner = ownerOf(edge.from, units);
    const toOwner = ownerOf(edge.to, units);
    const unit = byDir.get(fromOwner);
    if (!unit || fromOwner === toOwner) continue;
    const at = { file: edge.from, line: edge.line };
    const what = `imports '${edge.specifier}' (${edge.to})`;
    // a lib's own specs may use the shared test doubles (the Kubernetes simulator); its sources may not
    if (TREES_NOT_FOR_PRODUCT.includes(toOwner) && !SPEC_FILE.test(edge.from)) {
      violations.push({ ...at, message: `${edge.from}:${edge.line} ${what}: ${unit.kind}s never import the ${toOwner}/ tree` });
      continue;
    }
    if (TREES_NOT_FOR_PRODUCT.includes(toOwner)) continue;
    const target = byDir.get(toOwner);
    if (target?.kind === 'app') {
      violations.push({ ...at, message: `${edge.from}:${edge.line} ${what}: ${unit.kind === 'app' ? 'an app never imports another app' : 'a lib never imports an app'}` });
      continue;
    }
    if (unit.forbidden.has(toOwner)) {
      violations.push({ ...at, message: `${edge.from}:${edge.line} ${what}: ${unit.dir}/README.md says it must not import ${toOwner}` });
    } else if (unit.allowed && !unit.allowed.has(toOwner)) {
      violations.push({ ...at, message: `${edge.from}:${edge.line} ${what}: ${toOwner} is not on the Imports: line of ${unit.dir}/README.md` });
    }
  }

  const allowedCycles = (options.allowedCycles ?? []).map((files) => new Set(files));
  const used = new Set<number>();
  const cycles = findCycles(edges.filter((edge): edge is ImportEdge & { to: string } => edge.to !== undefined && edge.kind !== 'dynamic')).filter((cycle) => {
    const members = new Set(cycle);
    const match = allowedCycles.findIndex((allowed) => allowed.size === members.size && [...allowed].every((file) => members.has(file)));
    if (match >= 0) used.add(match);
    return match < 0;
  });
  for (const cycle of cycles) {
    violations.push({ file: cycle[0]!, line: 1, message: `import cycle: ${cycle.join(' -> ')}` });
  }
  allowedCycles.forEach((allowed, position) => {
    if (!used.has(position)) {
      violations.push({ file: [...allowed][0] ?? '', line: 1, message: `allowed cycle ${[...allowed].join(' <-> ')} no longer exists: remove it from the allow-list` });
    }
  });
  return { units, edges, violations, cycles };
}

/** The directory of this file's project root, for the real-tree test. */
export const PROJECT_ROOT = join(dirname(__filename), '..', '..');

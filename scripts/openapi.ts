// Writes the generated OpenAPI document (openapi/openapi.json) and the SDK's types
// (sdk/src/schema.d.ts) from the API's code, without a database or the network.
//
//   node -r @swc-node/register scripts/openapi.ts           write both files
//   node -r @swc-node/register scripts/openapi.ts --check   exit 1 when a committed file differs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { absolute, generateOpenApiArtifacts, GeneratedFile } from './openapi-artifacts';

function committed(file: GeneratedFile): string | undefined {
  try {
    return readFileSync(absolute(file), 'utf8');
  } catch {
    return undefined;
  }
}

/** Where two texts first differ, as `line N: expected … / found …`. */
function firstDifference(expected: string, found: string): string {
  const a = expected.split('\n');
  const b = found.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: generated ${JSON.stringify(a[at] ?? '(end of file)')}, committed ${JSON.stringify(b[at] ?? '(end of file)')}`;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const artifacts = await generateOpenApiArtifacts();
  const stale = artifacts.files.filter((file) => committed(file) !== file.content);
  if (check) {
    if (stale.length === 0) return 0;
    for (const file of stale) {
      const found = committed(file);
      process.stderr.write(`${file.path} is ${found === undefined ? 'missing' : `out of date (${firstDifference(file.content, found)})`}\n`);
    }
    process.stderr.write('The generated OpenAPI files do not match the code: run `npm run openapi` and commit the result.\n');
    return 1;
  }
  for (const file of stale) {
    mkdirSync(dirname(absolute(file)), { recursive: true });
    writeFileSync(absolute(file), file.content);
  }
  process.stdout.write(stale.length === 0 ? 'OpenAPI files are up to date.\n' : `Wrote ${stale.map((f) => f.path).join(', ')}.\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './cli-errors';

/**
 * A request body from a YAML or JSON file (`-` reads standard input). YAML is a superset of JSON,
 * so one parser reads both. The file must hold one mapping; the API validates its fields.
 */
export async function readSpecFile(path: string, readStdin: () => Promise<string>): Promise<Record<string, unknown>> {
  let text: string;
  const where = path === '-' ? 'standard input' : path;
  try {
    text = path === '-' ? await readStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read spec file ${where}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new UsageError(`spec file ${where} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0].replace(/:$/, '')}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`spec file ${where} must hold one mapping (the cluster's name, backend, ssh or kubernetes, ...)`);
  return value as Record<string, unknown>;
}

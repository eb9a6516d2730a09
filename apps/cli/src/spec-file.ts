import type { GaleraClient } from '@galera-cp/sdk';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from './cli-errors';
import { resolveCredentialIdForSpec } from './resource-resolver';

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

/**
 * A cluster spec with its credentials as ids: in the `ssh` and `kubernetes` sections a credential
 * may be given by name, as `credential: ops-key` or as a name in `credentialId`; each is looked
 * up through the API (before the create call) and sent as `credentialId`. Other fields are left
 * as they are for the API to validate.
 */
export async function resolveSpecCredentials(client: GaleraClient, spec: Record<string, unknown>, where: string): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = { ...spec };
  for (const section of ['ssh', 'kubernetes'] as const) {
    const value = spec[section];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const { credential, ...rest } = value as Record<string, unknown>;
    if (credential !== undefined && rest.credentialId !== undefined) throw new UsageError(`spec file ${where}: ${section} has both credential and credentialId; give one`);
    const ref = credential ?? rest.credentialId;
    if (ref === undefined) continue;
    if (typeof ref !== 'string' || ref === '') throw new UsageError(`spec file ${where}: ${section}.${credential !== undefined ? 'credential' : 'credentialId'} must be a credential's id or name`);
    resolved[section] = { ...rest, credentialId: await resolveCredentialIdForSpec(client, ref, `spec file ${where}: ${section}.${credential !== undefined ? 'credential' : 'credentialId'}`) };
  }
  return resolved;
}

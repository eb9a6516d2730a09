import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UsageError } from './cli-errors';
import { readSpecFile } from './spec-file';

describe('readSpecFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'galeractl-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const noStdin = async () => assert.fail('stdin not expected');

  test('reads YAML and JSON into the same body', async () => {
    const yaml = await readSpecFile(file('a.yaml', 'name: orders\nbackend: ssh\nreplicas: 3\nlabels: { team: pay }\n'), noStdin);
    const json = await readSpecFile(file('a.json', '{"name":"orders","backend":"ssh","replicas":3,"labels":{"team":"pay"}}'), noStdin);
    assert.deepEqual(yaml, { name: 'orders', backend: 'ssh', replicas: 3, labels: { team: 'pay' } });
    assert.deepEqual(json, yaml);
  });

  test('reads standard input for -', async () => {
    assert.deepEqual(await readSpecFile('-', async () => 'name: x\n'), { name: 'x' });
  });

  test('a missing, malformed or non-mapping file is a usage error', async () => {
    const refused = async (path: string, pattern: RegExp) => assert.rejects(readSpecFile(path, noStdin), (error: unknown) => error instanceof UsageError && pattern.test(error.message));
    await refused(join(dir, 'missing.yaml'), /cannot read spec file .*no such file/);
    await refused(file('broken.yaml', 'a: [\n'), /not valid YAML or JSON/);
    await refused(file('dupe.yaml', 'name: a\nname: b\n'), /not valid YAML or JSON/);
    await refused(file('list.yaml', '- a\n- b\n'), /must hold one mapping/);
    await refused(file('empty.yaml', ''), /must hold one mapping/);
  });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { packSdk, PackedSdk, tsBlocks } from './support/packed-sdk';

let sdk: PackedSdk;
before(() => {
  sdk = packSdk();
});
after(() => sdk.remove());

test('every ts block of README.md and sdk/README.md compiles as written (strict, exactOptionalPropertyTypes) against the packed SDK', () => {
  const blocks = [...tsBlocks('README.md').map((code, i) => [`readme-${i}.mts`, code]), ...tsBlocks('sdk/README.md').map((code, i) => [`sdk-readme-${i}.mts`, code])];
  assert.ok(blocks.length >= 3, `found ${blocks.length} blocks`);
  const result = sdk.compile(Object.fromEntries(blocks));
  assert.equal(result.output.trim(), '', 'tsc reports nothing');
  assert.ok(result.ok);
});

test('the compile check fails on a snippet that needs a cast (a mutation answers Operation | Plan)', () => {
  const snippet = `import { createGaleraClient, unwrap } from '@galera-cp/sdk';
const client = createGaleraClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.GALERA_TOKEN });
const op = await unwrap(client.POST('/v1/clusters/{id}/scale', { params: { path: { id: 'cl_1' } }, body: { replicas: 5 } }));
console.log(op.id);
`;
  const result = sdk.compile({ 'needs-cast.mts': snippet });
  assert.equal(result.ok, false);
  assert.match(result.output, /Property 'id' does not exist on type/);
});

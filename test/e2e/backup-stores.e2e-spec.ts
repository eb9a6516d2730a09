import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestSshd, type TestSshd } from '../../libs/backends/ssh/src/transport/testing/test-sshd';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Backup stores through the HTTP API: an S3 store on a real S3-protocol server (SigV4 checked),
 * an SSH store on a real sshd. Every create probes the store; a store that does not work is
 * refused with the reason and nothing is kept; secrets never come back.
 */
describe('backup stores: probed on create, refused with a reason, secrets never returned', () => {
  let app: TestApp;
  let s3: S3TestServer;
  let sshd: TestSshd;
  let directory: string;
  let s3KeyId: string;
  let badKeyId: string;
  let sshKeyId: string;

  const s3Body = (overrides: Record<string, unknown> = {}, credentialId = s3KeyId) => ({
    name: 'nightly-s3',
    kind: 's3',
    credentialId,
    s3: { endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: 'e2e/stores', forcePathStyle: true, ...overrides },
  });
  const storeCount = async () => (await app.call('GET', '/v1/backup-stores?pageSize=100')).body.items.length as number;

  before(async () => {
    s3 = await startS3Server({ bucket: 'stores' });
    sshd = await startTestSshd();
    directory = await mkdtemp(join(tmpdir(), 'gcp-e2e-store-'));
    app = await startTestApp();
    const key = await app.call('POST', '/v1/credentials', { body: { name: 's3-key', kind: 's3-access-key', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    assert.deepEqual(key.body.metadata, { accessKeyId: s3.accessKeyId });
    s3KeyId = key.body.id;
    badKeyId = (await app.call('POST', '/v1/credentials', { body: { name: 's3-bad', kind: 's3-access-key', accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret-at-all' } })).body.id;
    sshKeyId = (await app.call('POST', '/v1/credentials', { body: { name: 'store-ssh', kind: 'ssh-private-key', privateKey: sshd.clientKey.privateKey } })).body.id;
  });

  after(async () => {
    await app?.close();
    await s3?.close();
    await sshd?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  test('a dry run probes the store and keeps nothing; the create keeps it with its check, never the secret', async () => {
    const dry = await app.call('POST', '/v1/backup-stores?dryRun=true', { body: s3Body() });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.lastCheck.ok, true);
    assert.equal(await storeCount(), 0);
    const created = await app.call('POST', '/v1/backup-stores', { body: s3Body() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.id, /^bs_/);
    assert.deepEqual(created.body.s3, { endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: 'e2e/stores', forcePathStyle: true });
    assert.equal(created.body.lastCheck.ok, true);
    assert.ok(s3.calls.get('PutObject') ?? (s3.calls.get('CreateMultipartUpload') ?? 0) > 0, 'the probe wrote to the service');
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      assert.deepEqual(listed.Contents ?? [], [], 'the probe object is deleted');
    } finally {
      client.destroy();
    }
    const again = await app.call('POST', '/v1/backup-stores', { body: s3Body() });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'BACKUP_STORE_NAME_TAKEN');
    for (const answer of [created, await app.call('GET', `/v1/backup-stores/${created.body.id}`), await app.call('GET', '/v1/backup-stores'), await app.call('GET', `/v1/credentials/${s3KeyId}`)]) {
      assert.ok(!JSON.stringify(answer.body).includes(s3.secretAccessKey), 'no answer carries the secret');
    }
  });

  test('a wrong secret is ACCESS_DENIED, a missing bucket MISCONFIGURED, a closed endpoint UNREACHABLE: refused, nothing kept', async () => {
    const before = await storeCount();
    const denied = await app.call('POST', '/v1/backup-stores', { body: { ...s3Body({}, badKeyId), name: 'bad-secret' } });
    assert.equal(denied.status, 422, JSON.stringify(denied.body));
    assert.equal(denied.body.code, 'BACKUP_STORE_ACCESS_DENIED');
    assert.ok(!JSON.stringify(denied.body).includes('not-the-secret-at-all'));
    const missing = await app.call('POST', '/v1/backup-stores', { body: { ...s3Body({ bucket: 'no-such-bucket' }), name: 'no-bucket' } });
    assert.equal(missing.status, 422, JSON.stringify(missing.body));
    assert.equal(missing.body.code, 'BACKUP_STORE_MISCONFIGURED');
    const closed = await app.call('POST', '/v1/backup-stores', { body: { ...s3Body({ endpoint: 'http://127.0.0.1:9' }), name: 'closed' } });
    assert.equal(closed.status, 503, JSON.stringify(closed.body));
    assert.equal(closed.body.code, 'BACKUP_STORE_UNREACHABLE');
    const wrongKind = await app.call('POST', '/v1/backup-stores', { body: { ...s3Body({}, sshKeyId), name: 'wrong-kind' } });
    assert.equal(wrongKind.status, 400);
    assert.equal(wrongKind.body.errors[0].pointer, '/credentialId');
    assert.equal(await storeCount(), before);
  });

  test('bad input is a problem with field pointers and reaches no store', async () => {
    const calls = [...s3.calls.values()].reduce((a, b) => a + b, 0);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...s3Body({ endpoint: 'http://user:pw@127.0.0.1:1' }) }, 's3.endpoint'],
      [{ ...s3Body({ endpoint: 'file:///etc/passwd' }) }, 's3.endpoint'],
      [{ ...s3Body({ bucket: 'UPPER_case' }) }, 's3.bucket'],
      [{ ...s3Body({ prefix: '../x' }) }, 's3.prefix'],
      [{ ...s3Body({ prefix: 'a\u0000b' }) }, 's3.prefix'],
      [{ name: 'x', kind: 'ssh', credentialId: sshKeyId, ssh: { address: sshd.host, port: sshd.port, directory: '/srv/../etc', trustOnFirstUse: true } }, 'ssh.directory'],
      [{ name: 'x', kind: 'ssh', credentialId: sshKeyId, ssh: { address: sshd.host, port: 70000, directory: '/srv/b', trustOnFirstUse: true } }, 'ssh.port'],
      [{ name: 'x', kind: 'ssh', credentialId: sshKeyId, ssh: { address: sshd.host, directory: '/srv/b' } }, 'ssh.hostKeyFingerprint'],
      [{ name: 'x', kind: 'ssh', credentialId: sshKeyId }, 'ssh'],
      [{ name: 'x', kind: 'ftp', credentialId: sshKeyId }, 'kind'],
    ];
    for (const [body, field] of cases) {
      const answer = await app.call('POST', '/v1/backup-stores', { body });
      assert.equal(answer.status, 400, `${field}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.ok(
        (answer.body.errors as Array<{ pointer: string }>).some((e) => e.pointer.startsWith(`/${field.replace('.', '/')}`)),
        `${field}: ${JSON.stringify(answer.body.errors)}`,
      );
    }
    assert.equal(
      [...s3.calls.values()].reduce((a, b) => a + b, 0),
      calls,
    );
  });

  test('an SSH store pins the host key its first probe saw; a viewer reads but cannot create, check or delete', async () => {
    const created = await app.call('POST', '/v1/backup-stores', {
      body: { name: 'backup-host', kind: 'ssh', credentialId: sshKeyId, ssh: { address: sshd.host, port: sshd.port, directory, trustOnFirstUse: true } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.ssh, { address: sshd.host, port: sshd.port, user: 'root', directory, hostKeyFingerprint: sshd.hostKeyFingerprint });
    const pinnedWrong = await app.call('POST', '/v1/backup-stores', {
      body: { name: 'spoofed', kind: 'ssh', credentialId: sshKeyId, ssh: { address: sshd.host, port: sshd.port, directory, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` } },
    });
    assert.equal(pinnedWrong.status, 422, JSON.stringify(pinnedWrong.body));
    assert.equal(pinnedWrong.body.code, 'BACKUP_STORE_ACCESS_DENIED');

    const viewer = await app.token('viewer');
    assert.equal((await app.call('GET', `/v1/backup-stores/${created.body.id}`, { token: viewer })).status, 200);
    assert.equal((await app.call('POST', '/v1/backup-stores', { token: viewer, body: s3Body({}, s3KeyId) })).status, 403);
    assert.equal((await app.call('POST', `/v1/backup-stores/${created.body.id}/check`, { token: viewer, body: {} })).status, 403);
    assert.equal((await app.call('DELETE', `/v1/backup-stores/${created.body.id}`, { token: viewer })).status, 403);

    const check = await app.call('POST', `/v1/backup-stores/${created.body.id}/check`, { body: {} });
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.equal(check.body.ok, true);
    // the credential is in use while the store exists
    const inUse = await app.call('DELETE', `/v1/credentials/${sshKeyId}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.code, 'CREDENTIAL_IN_USE');
  });

  test('a check of a store gone bad answers ok=false with the reason and records it; delete, dry run first; every mutation is audited', async () => {
    const store = (await app.call('GET', '/v1/backup-stores?pageSize=100')).body.items.find((s: { name: string }) => s.name === 'nightly-s3');
    await s3.stop();
    try {
      const check = await app.call('POST', `/v1/backup-stores/${store.id}/check`, { body: {} });
      assert.equal(check.status, 200, JSON.stringify(check.body));
      assert.equal(check.body.ok, false);
      assert.equal(check.body.code, 'BACKUP_STORE_UNREACHABLE');
      assert.equal((await app.call('GET', `/v1/backup-stores/${store.id}`)).body.lastCheck.code, 'BACKUP_STORE_UNREACHABLE');
    } finally {
      await s3.start();
    }
    assert.equal((await app.call('DELETE', `/v1/backup-stores/${store.id}?dryRun=true`)).status, 204);
    assert.equal((await app.call('GET', `/v1/backup-stores/${store.id}`)).status, 200);
    assert.equal((await app.call('DELETE', `/v1/backup-stores/${store.id}`)).status, 204);
    const gone = await app.call('GET', `/v1/backup-stores/${store.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'BACKUP_STORE_NOT_FOUND');
    const audit = await app.call('GET', '/v1/audit?pageSize=200');
    const actions = audit.body.items.filter((r: { targetId: string | null }) => r.targetId === store.id).map((r: { action: string }) => r.action);
    for (const action of ['backup-store.create', 'backup-store.check', 'backup-store.delete']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    assert.ok(!JSON.stringify(audit.body).includes(s3.secretAccessKey));
  });
});

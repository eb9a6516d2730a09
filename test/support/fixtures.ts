import { utils } from 'ssh2';
import type { TestApp } from './test-app';

/**
 * An OpenSSH-format Ed25519 private key generated for a test. About one key in 300 that ssh2
 * generates is refused by its own parser ("Malformed OpenSSH private key"), which the product
 * uses to check a credential: such a key is generated again, so tests do not fail at random.
 */
export function testPrivateKey(): string {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519').private;
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
}

/** A fingerprint-shaped value for hosts of the deterministic backend. */
export const FAKE_FINGERPRINT = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Creates an SSH key credential through the API and returns its id. */
export async function createKeyCredential(app: TestApp, name = `key-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const answer = await app.call('POST', '/v1/credentials', { body: { name, kind: 'ssh-private-key', privateKey: testPrivateKey() } });
  if (answer.status !== 201) throw new Error(`credential not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

/** A valid create-cluster body for `hosts` SSH hosts. */
export function sshClusterBody(name: string, credentialId: string, hosts = 3, extra: Record<string, unknown> = {}) {
  return {
    name,
    backend: 'ssh',
    ssh: { credentialId, hosts: Array.from({ length: hosts }, (_, i) => ({ address: `10.99.0.${10 + i}`, hostKeyFingerprint: FAKE_FINGERPRINT })) },
    ...extra,
  };
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspectSecret } from './credential-kinds';

const TOKEN = 'planted-token-7d1f0c9a2b';

function kubeconfig(server: string, user = `users:\n- name: u\n  user:\n    token: ${TOKEN}\n`): string {
  return `apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: ${server}\ncontexts:\n- name: x\n  context: { cluster: c, user: u }\ncurrent-context: x\n${user}`;
}

/** Runs `inspect` and answers what it returned and every process warning emitted meanwhile. */
function withWarningsCaptured<T>(inspect: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const originalEmit = process.emitWarning;
  const originalWarn = console.warn;
  process.emitWarning = ((warning: string | Error) => void warnings.push(String(warning))) as typeof process.emitWarning;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    return { result: inspect(), warnings };
  } finally {
    process.emitWarning = originalEmit;
    console.warn = originalWarn;
  }
}

describe('inspectSecret: credentials are parsed without leaking them', () => {
  test('a clean kubeconfig gives its contexts and servers', () => {
    const { metadata, errors } = inspectSecret({ kind: 'kubeconfig', kubeconfig: kubeconfig('https://k8s.example:6443') });
    assert.deepEqual(errors, []);
    assert.deepEqual(metadata, { currentContext: 'x', contexts: ['x'], servers: ['https://k8s.example:6443'] });
  });

  test('an unknown YAML tag is refused, nothing is warned, and the detail does not quote the line', () => {
    const text = kubeconfig('https://k8s.example:6443', `users:\n- name: u\n  user:\n    token: !secret ${TOKEN}\n`);
    const { result, warnings } = withWarningsCaptured(() => inspectSecret({ kind: 'kubeconfig', kubeconfig: text }));
    assert.deepEqual(warnings, []);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].pointer, '/kubeconfig');
    assert.match(result.errors[0].detail, /TAG_RESOLVE_FAILED at line 13/);
    assert.ok(!JSON.stringify(result).includes(TOKEN));
  });

  test('a password in a server URL is refused, never kept in the metadata', () => {
    const { metadata, errors } = inspectSecret({ kind: 'kubeconfig', kubeconfig: kubeconfig(`https://admin:${TOKEN}@k8s.example:6443`) });
    assert.equal(errors.length, 1);
    assert.match(errors[0].detail, /carries credentials/);
    assert.ok(!JSON.stringify({ metadata, errors }).includes(TOKEN));
  });

  test('an unresolved alias and YAML syntax errors do not quote the submitted text', () => {
    for (const text of [kubeconfig('https://k8s.example', `users:\n- name: u\n  user:\n    token: *${TOKEN}\n`), `clusters: [${TOKEN}\n`, `a: ${TOKEN}\na: ${TOKEN}\n`]) {
      const { result, warnings } = withWarningsCaptured(() => inspectSecret({ kind: 'kubeconfig', kubeconfig: text }));
      assert.equal(result.errors.length, 1, text);
      assert.ok(!JSON.stringify(result).includes(TOKEN), JSON.stringify(result));
      assert.deepEqual(warnings, []);
    }
  });

  test('an unusable private key is described without its decoded bytes', () => {
    const forged = `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.concat([Buffer.from('openssh-key-v1\0'), Buffer.from([0, 0, 0, 14]), Buffer.from(`aes${TOKEN.slice(0, 11)}`)]).toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    for (const privateKey of [forged, `-----BEGIN RSA PRIVATE KEY-----\n${Buffer.from(TOKEN).toString('base64')}\n-----END RSA PRIVATE KEY-----\n`, TOKEN]) {
      const { errors } = inspectSecret({ kind: 'ssh-private-key', privateKey });
      assert.equal(errors.length, 1);
      assert.match(errors[0].detail, /^not a usable SSH private key/);
      assert.ok(!errors[0].detail.includes(TOKEN.slice(0, 11)), errors[0].detail);
    }
  });
});

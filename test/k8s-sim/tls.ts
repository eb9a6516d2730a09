import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A throwaway certificate authority and a server certificate it signed, PEM-encoded. */
export interface SimulatorTls {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

let cached: Promise<SimulatorTls> | undefined;

/**
 * Creates (once per process) a CA and a server certificate for 127.0.0.1/localhost with the
 * openssl CLI in a temporary directory, which is removed again. EC P-256 keeps it fast (~70 ms).
 */
export function simulatorTls(): Promise<SimulatorTls> {
  cached ??= generate().catch((error: unknown) => {
    cached = undefined;
    throw new Error(`k8s-sim: could not create TLS material with the openssl CLI: ${(error as Error).message}`);
  });
  return cached;
}

async function generate(): Promise<SimulatorTls> {
  const dir = await mkdtemp(join(tmpdir(), 'k8s-sim-tls-'));
  try {
    const file = (name: string) => join(dir, name);
    const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await run('openssl', [
      'req',
      '-x509',
      ...ecKey,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '7',
      '-subj',
      '/CN=k8s-sim-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run('openssl', ['req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=k8s-sim-apiserver']);
    await writeFile(
      file('server.ext'),
      [
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        '',
      ].join('\n'),
    );
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.crt'),
      '-days',
      '7',
      '-extfile',
      file('server.ext'),
    ]);
    const [caCert, serverCert, serverKey] = await Promise.all([readFile(file('ca.crt'), 'utf8'), readFile(file('server.crt'), 'utf8'), readFile(file('server.key'), 'utf8')]);
    return { caCert, serverCert, serverKey };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

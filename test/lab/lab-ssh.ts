// A small SSH client for lab tests and benchmarks (ssh2), independent of the product's SSH
// backend: it pins the host key by fingerprint and runs plain shell commands.
import { Client, type ConnectConfig } from 'ssh2';
import { sshFingerprint } from './host-lab';

/** Where and how to log in. */
export interface LabSshTarget {
  /** Host address. */
  host: string;
  /** SSH port (22 in the lab). */
  port?: number;
  /** Login user. */
  username: string;
  /** Expected host key fingerprint (`SHA256:...`); the connection fails on any other key. */
  fingerprint: string;
  /** Private key (OpenSSH format), for key login. */
  privateKey?: string;
  /** Password, for password login (used only when no private key is given). */
  password?: string;
  /** Handshake timeout in ms (default 10 s). */
  readyTimeoutMs?: number;
}

/** Outcome of one remote command. */
export interface LabExecResult {
  /** Exit status (a signal counts as 128 + its number, unknown as 255). */
  code: number;
  /** Everything the command wrote to stdout. */
  stdout: string;
  /** Everything the command wrote to stderr. */
  stderr: string;
}

/** Raised when the server presents another host key than the pinned one. */
export class HostKeyMismatchError extends Error {
  constructor(
    /** Fingerprint the caller expected. */
    readonly expected: string,
    /** Fingerprint the server presented. */
    readonly actual: string,
  ) {
    super(`host key mismatch: expected ${expected}, server presented ${actual}`);
    this.name = 'HostKeyMismatchError';
  }
}

/** One SSH connection to a lab host. */
export class LabSshSession {
  private constructor(
    private readonly client: Client,
    /** Fingerprint of the key the server presented. */
    readonly presentedFingerprint: string,
  ) {}

  /** Connects, verifying the host key against `target.fingerprint`. */
  static connect(target: LabSshTarget): Promise<LabSshSession> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let presented = '';
      const config: ConnectConfig = {
        host: target.host,
        port: target.port ?? 22,
        username: target.username,
        readyTimeout: target.readyTimeoutMs ?? 10_000,
        hostVerifier: (key: Buffer) => {
          presented = sshFingerprint(key);
          return presented === target.fingerprint;
        },
      };
      if (target.privateKey) config.privateKey = target.privateKey;
      else if (target.password !== undefined) config.password = target.password;
      client.once('ready', () => resolve(new LabSshSession(client, presented)));
      client.once('error', (error: Error) => {
        client.end();
        if (presented && presented !== target.fingerprint) reject(new HostKeyMismatchError(target.fingerprint, presented));
        else reject(error);
      });
      client.connect(config);
    });
  }

  /** Runs a shell command; `input` goes to its stdin. Fails after `timeoutMs` (default 120 s). */
  exec(command: string, options: { input?: string; timeoutMs?: number } = {}): Promise<LabExecResult> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) {
          reject(error);
          return;
        }
        let stdout = '';
        let stderr = '';
        let code = 255;
        const timer = setTimeout(() => {
          channel.close();
          reject(new Error(`remote command timed out after ${timeoutMs} ms: ${command.slice(0, 200)}`));
        }, timeoutMs);
        channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        channel.on('exit', (exitCode: number | null, signal?: string) => {
          code = exitCode ?? (signal ? 128 : 255);
        });
        channel.on('close', () => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        channel.end(options.input ?? '');
      });
    });
  }

  /** Like {@link LabSshSession.exec}, but throws (with stderr) unless the command exits 0. */
  async run(command: string, options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code !== 0) {
      throw new Error(`remote command exited with ${result.code}: ${command.slice(0, 200)}\n${(result.stderr || result.stdout).trim().slice(-2000)}`);
    }
    return result.stdout;
  }

  /** Closes the connection. */
  close(): void {
    this.client.end();
  }
}

/** Connects, runs `action`, and always closes. */
export async function withLabSsh<T>(target: LabSshTarget, action: (session: LabSshSession) => Promise<T>): Promise<T> {
  const session = await LabSshSession.connect(target);
  try {
    return await action(session);
  } finally {
    session.close();
  }
}

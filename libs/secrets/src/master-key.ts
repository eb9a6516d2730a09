import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Raised when the master key is missing, malformed or exposed. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

function decode(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new MasterKeyError(`${source} must hold base64 of exactly 32 bytes`);
  return key;
}

/**
 * The 32-byte key that encrypts credentials. From MASTER_KEY when set; otherwise from the key
 * file, generated (mode 0600) on first start. A key file that others can read is refused.
 */
export async function loadMasterKey(options: { masterKey?: string; masterKeyFile: string }): Promise<{ key: Buffer; generated: boolean }> {
  if (options.masterKey) return { key: decode(options.masterKey, 'MASTER_KEY'), generated: false };
  const path = options.masterKeyFile;
  if (!existsSync(path)) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another process generated it first
    });
    await chmod(path, 0o600);
    return { key: decode(await readFile(path, 'utf8'), path), generated: true };
  }
  const mode = (await stat(path)).mode & 0o777;
  if (mode & 0o077) {
    throw new MasterKeyError(`The master key file ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  }
  return { key: decode(await readFile(path, 'utf8'), path), generated: false };
}

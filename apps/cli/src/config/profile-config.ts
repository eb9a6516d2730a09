import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { UsageError } from '../cli-errors';

/** Where the API is and how to authenticate, as one profile of the config file. */
export interface Profile {
  url?: string;
  token?: string;
}

/** The profile file: `profiles: { <name>: { url, token } }` and the profile used by default. */
export interface ProfileFile {
  currentProfile?: string;
  profiles: Record<string, Profile>;
}

/** The connection flags of every command (global options). */
export interface ConnectionFlags {
  url?: string;
  token?: string;
  profile?: string;
}

/** Where a setting came from, most specific first. */
export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

/** The connection a command uses, resolved once from flags, environment and the profile file. */
export interface Settings {
  url: string;
  token?: string;
  /** The profile read (undefined when none applies: no file, or no profile chosen or present). */
  profile?: string;
  configPath: string;
  sources: { url: SettingSource; token?: SettingSource; profile?: SettingSource };
}

/** The API of `npm start` (the default port and host of the control plane). */
export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** The profile read when none is named and the file has no currentProfile. */
export const DEFAULT_PROFILE = 'default';

/** `$GALERACTL_CONFIG`, or `~/.config/galeractl/config.yaml` (under `$XDG_CONFIG_HOME` when set). */
export function configPathOf(env: Record<string, string | undefined>, homeDir: string): string {
  if (env.GALERACTL_CONFIG) return env.GALERACTL_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homeDir, '.config');
  return join(base, 'galeractl', 'config.yaml');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a parsed profile file; a wrong shape is a usage error naming the path. */
export function validateProfileFile(value: unknown, path: string): ProfileFile {
  if (value === null || value === undefined) return { profiles: {} };
  const fail = (what: string): never => {
    throw new UsageError(`config file ${path}: ${what}`);
  };
  if (!isRecord(value)) return fail('expected a mapping with "profiles"');
  const file: ProfileFile = { profiles: {} };
  if (value.currentProfile !== undefined) {
    if (typeof value.currentProfile !== 'string') fail('"currentProfile" must be a string');
    file.currentProfile = value.currentProfile as string;
  }
  if (value.profiles !== undefined) {
    if (!isRecord(value.profiles)) return fail('"profiles" must be a mapping of names to { url, token }');
    for (const [name, raw] of Object.entries(value.profiles)) {
      if (!isRecord(raw)) return fail(`profile "${name}" must be a mapping with url and token`);
      const profile: Profile = {};
      for (const key of Object.keys(raw)) {
        if (key !== 'url' && key !== 'token') fail(`profile "${name}": unknown key "${key}" (known: url, token)`);
        if (typeof raw[key] !== 'string') fail(`profile "${name}": "${key}" must be a string`);
      }
      if (raw.url !== undefined) profile.url = raw.url as string;
      if (raw.token !== undefined) profile.token = raw.token as string;
      file.profiles[name] = profile;
    }
  }
  return file;
}

/** What reading the profile file found: the file (undefined when there is none) and warnings to show. */
export interface LoadedProfileFile {
  file?: ProfileFile;
  warnings: string[];
}

/** Reads the profile file; a missing file is no error, an unreadable or malformed one is a usage error. */
export function loadProfileFile(path: string): LoadedProfileFile {
  if (!existsSync(path)) return { warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const file = validateProfileFile(parsed, path);
  const warnings: string[] = [];
  // Like ssh with a private key: tokens are secrets, so say so when others may read them.
  const hasToken = Object.values(file.profiles).some((p) => p.token);
  if (hasToken && process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    warnings.push(`config file ${path} holds tokens and can be read by other users; run: chmod 600 ${path}`);
  }
  return { file, warnings };
}

/**
 * Writes the profile file with mode 0600 (its directory 0700): to a temporary file first, then
 * renamed over the old one, so a crash never leaves half a file.
 */
export function saveProfileFile(path: string, file: ProfileFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const body: Record<string, unknown> = {};
  if (file.currentProfile) body.currentProfile = file.currentProfile;
  body.profiles = file.profiles;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, stringify(body), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Checks that a URL is an absolute http(s) URL and answers it without a trailing slash. */
export function normalizeUrl(url: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${where}: "${url}" is not a URL (expected e.g. ${DEFAULT_URL})`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${where}: "${url}" must be an http:// or https:// URL`);
  return url.replace(/\/+$/, '');
}

/**
 * The connection settings, each from the most specific place that sets it:
 * flags (`--url`, `--token`, `--profile`) > environment (`GALERA_URL`, `GALERA_TOKEN`,
 * `GALERACTL_PROFILE`) > the chosen profile of the file > defaults (the local API, no token).
 * The profile is `--profile`, else `GALERACTL_PROFILE`, else the file's `currentProfile`, else
 * `default` if the file has it. A profile asked for by name that the file lacks is a usage error.
 */
export function resolveSettings(input: { flags: ConnectionFlags; env: Record<string, string | undefined>; file?: ProfileFile; configPath: string }): Settings {
  const { flags, env, file, configPath } = input;
  let profileName: string | undefined;
  let profileSource: SettingSource | undefined;
  if (flags.profile) [profileName, profileSource] = [flags.profile, 'flag'];
  else if (env.GALERACTL_PROFILE) [profileName, profileSource] = [env.GALERACTL_PROFILE, 'env'];
  else if (file?.currentProfile) [profileName, profileSource] = [file.currentProfile, 'profile'];

  let profile: Profile | undefined;
  if (profileName !== undefined) {
    profile = file?.profiles[profileName];
    if (!profile) {
      const known = Object.keys(file?.profiles ?? {});
      const origin = profileSource === 'flag' ? '--profile' : profileSource === 'env' ? 'GALERACTL_PROFILE' : `currentProfile in ${configPath}`;
      throw new UsageError(
        `profile "${profileName}" (from ${origin}) is not in ${configPath}${known.length ? ` (known: ${known.join(', ')})` : ''}; create it with: galeractl config set-profile ${profileName} --url <url> --token-stdin`,
      );
    }
  } else if (file?.profiles[DEFAULT_PROFILE]) {
    [profileName, profileSource, profile] = [DEFAULT_PROFILE, 'default', file.profiles[DEFAULT_PROFILE]];
  }

  let url: string;
  let urlSource: SettingSource;
  if (flags.url) [url, urlSource] = [normalizeUrl(flags.url, '--url'), 'flag'];
  else if (env.GALERA_URL) [url, urlSource] = [normalizeUrl(env.GALERA_URL, 'GALERA_URL'), 'env'];
  else if (profile?.url) [url, urlSource] = [normalizeUrl(profile.url, `profile "${profileName}" in ${configPath}`), 'profile'];
  else [url, urlSource] = [DEFAULT_URL, 'default'];

  let token: string | undefined;
  let tokenSource: SettingSource | undefined;
  if (flags.token) [token, tokenSource] = [flags.token, 'flag'];
  else if (env.GALERA_TOKEN) [token, tokenSource] = [env.GALERA_TOKEN, 'env'];
  else if (profile?.token) [token, tokenSource] = [profile.token, 'profile'];

  return { url, token, profile: profileName, configPath, sources: { url: urlSource, token: tokenSource, profile: profileSource } };
}

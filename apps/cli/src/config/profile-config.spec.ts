import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { UsageError } from '../cli-errors';
import { configPathOf, DEFAULT_URL, loadProfileFile, ProfileFile, resolveSettings, saveProfileFile, validateProfileFile } from './profile-config';

const FILE: ProfileFile = {
  currentProfile: 'staging',
  profiles: {
    default: { url: 'http://default.test', token: 'tok-default' },
    staging: { url: 'http://staging.test/', token: 'tok-staging' },
    prod: { url: 'https://prod.test', token: 'tok-prod' },
  },
};
const PATH = '/home/u/.config/galeractl/config.yaml';

describe('configuration precedence', () => {
  test('flags beat the environment, which beats the profile file', () => {
    const env = { GALERA_URL: 'http://env.test', GALERA_TOKEN: 'tok-env', GALERACTL_PROFILE: 'prod' };
    const flagged = resolveSettings({ flags: { url: 'http://flag.test', token: 'tok-flag', profile: 'default' }, env, file: FILE, configPath: PATH });
    assert.deepEqual([flagged.url, flagged.token, flagged.profile], ['http://flag.test', 'tok-flag', 'default']);
    assert.deepEqual(flagged.sources, { url: 'flag', token: 'flag', profile: 'flag' });

    const fromEnv = resolveSettings({ flags: {}, env, file: FILE, configPath: PATH });
    assert.deepEqual([fromEnv.url, fromEnv.token, fromEnv.profile], ['http://env.test', 'tok-env', 'prod']);
    assert.deepEqual(fromEnv.sources, { url: 'env', token: 'env', profile: 'env' });
  });

  test('the profile comes from --profile, then GALERACTL_PROFILE, then currentProfile, then "default"', () => {
    assert.equal(resolveSettings({ flags: { profile: 'prod' }, env: { GALERACTL_PROFILE: 'default' }, file: FILE, configPath: PATH }).url, 'https://prod.test');
    assert.equal(resolveSettings({ flags: {}, env: { GALERACTL_PROFILE: 'prod' }, file: FILE, configPath: PATH }).token, 'tok-prod');
    const current = resolveSettings({ flags: {}, env: {}, file: FILE, configPath: PATH });
    assert.deepEqual([current.url, current.token, current.profile, current.sources.profile], ['http://staging.test', 'tok-staging', 'staging', 'profile']);
    const fallback = resolveSettings({ flags: {}, env: {}, file: { profiles: FILE.profiles }, configPath: PATH });
    assert.deepEqual([fallback.url, fallback.profile, fallback.sources.profile], ['http://default.test', 'default', 'default']);
  });

  test('each setting falls through on its own: an env URL with the profile token', () => {
    const mixed = resolveSettings({ flags: {}, env: { GALERA_URL: 'http://env.test' }, file: FILE, configPath: PATH });
    assert.deepEqual([mixed.url, mixed.token], ['http://env.test', 'tok-staging']);
    assert.deepEqual(mixed.sources, { url: 'env', token: 'profile', profile: 'profile' });
  });

  test('without any configuration: the local API and no token', () => {
    const bare = resolveSettings({ flags: {}, env: {}, configPath: PATH });
    assert.deepEqual([bare.url, bare.token, bare.profile, bare.sources.url], [DEFAULT_URL, undefined, undefined, 'default']);
  });

  test('a profile asked for that the file lacks is a usage error naming where the name came from', () => {
    assert.throws(
      () => resolveSettings({ flags: { profile: 'nope' }, env: {}, file: FILE, configPath: PATH }),
      (e: unknown) => e instanceof UsageError && /"nope" \(from --profile\).*known: default, staging, prod/.test(e.message),
    );
    assert.throws(
      () => resolveSettings({ flags: {}, env: { GALERACTL_PROFILE: 'nope' }, configPath: PATH }),
      (e: unknown) => e instanceof UsageError && /GALERACTL_PROFILE/.test(e.message),
    );
  });

  test('a URL that is not http(s) is a usage error', () => {
    assert.throws(() => resolveSettings({ flags: { url: 'ftp://x' }, env: {}, configPath: PATH }), UsageError);
    assert.throws(
      () => resolveSettings({ flags: {}, env: { GALERA_URL: 'not a url' }, configPath: PATH }),
      (e: unknown) => e instanceof UsageError && e.message.startsWith('GALERA_URL'),
    );
  });

  test('the file is $GALERACTL_CONFIG, else under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(configPathOf({ GALERACTL_CONFIG: '/etc/g.yaml', XDG_CONFIG_HOME: '/x' }, '/home/u'), '/etc/g.yaml');
    assert.equal(configPathOf({ XDG_CONFIG_HOME: '/x' }, '/home/u'), '/x/galeractl/config.yaml');
    assert.equal(configPathOf({}, '/home/u'), '/home/u/.config/galeractl/config.yaml');
  });
});

describe('the profile file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'galeractl-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('is written with mode 0600 in a 0700 directory and read back', () => {
    const path = join(dir, 'nested', 'config.yaml');
    saveProfileFile(path, FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
    const loaded = loadProfileFile(path);
    assert.deepEqual(loaded.file, FILE);
    assert.deepEqual(loaded.warnings, []);
    assert.match(readFileSync(path, 'utf8'), /^currentProfile: staging\nprofiles:\n/);
  });

  test('warns when others can read a file that holds tokens', () => {
    const path = join(dir, 'open.yaml');
    writeFileSync(path, 'profiles:\n  default:\n    token: t\n');
    chmodSync(path, 0o644);
    assert.match(loadProfileFile(path).warnings.join('\n'), /can be read by other users; run: chmod 600/);
  });

  test('a missing file is no profile file; a malformed one is a usage error', () => {
    assert.deepEqual(loadProfileFile(join(dir, 'absent.yaml')), { warnings: [] });
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'profiles: [\n');
    assert.throws(
      () => loadProfileFile(broken),
      (e: unknown) => e instanceof UsageError && e.message.includes(broken),
    );
  });

  test('its shape is checked', () => {
    assert.deepEqual(validateProfileFile(null, 'p'), { profiles: {} });
    assert.throws(() => validateProfileFile(['x'], 'p'), /expected a mapping/);
    assert.throws(() => validateProfileFile({ profiles: { a: { url: 1 } } }, 'p'), /"url" must be a string/);
    assert.throws(() => validateProfileFile({ profiles: { a: { url: 'http://x', tokn: 'y' } } }, 'p'), /unknown key "tokn"/);
    assert.throws(() => validateProfileFile({ currentProfile: 3 }, 'p'), /currentProfile/);
  });
});

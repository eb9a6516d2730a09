import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  test('defaults give the one-command start: port 8080, embedded database, worker in process', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.workerInProcess, true);
    assert.match(config.masterKeyFile, /\.data\/master\.key$/);
    assert.equal(config.corsOrigins, undefined);
  });

  test('reads and converts values', () => {
    const config = loadConfig({ PORT: '9000', WORKER_IN_PROCESS: 'false', CORS_ORIGINS: 'https://a.example, https://b.example', DATABASE_URL: 'postgres://u:p@db/x' });
    assert.equal(config.port, 9000);
    assert.equal(config.workerInProcess, false);
    assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.databaseUrl, 'postgres://u:p@db/x');
  });

  test('a bad value is refused with the variable named', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', MASTER_KEY: 'short' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.problems.some((p) => p.startsWith('PORT:')));
        assert.ok(error.problems.some((p) => p.startsWith('MASTER_KEY:')));
        return true;
      },
    );
  });

  test('outbound, webhook and chat settings: lists are parsed, CIDRs and chat roles validated', () => {
    const defaults = loadConfig({});
    assert.deepEqual(defaults.outboundAllowedCidrs, []);
    assert.deepEqual(defaults.chatResponseUrlHosts, ['hooks.slack.com']);
    assert.equal(defaults.chatSigningSecret, undefined);
    assert.deepEqual(defaults.chatUserRoles, {});
    const config = loadConfig({
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32, fd00::/8,10.1.2.3',
      WEBHOOK_ALLOWED_HOSTS: 'Hooks.Example.com,*.corp.example',
      CHAT_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      CHAT_USER_ROLES: 'T0001/U0001=operator, T0001/U0002=viewer,T0002/*=viewer',
    });
    assert.deepEqual(config.outboundAllowedCidrs, ['127.0.0.1/32', 'fd00::/8', '10.1.2.3']);
    assert.deepEqual(config.webhookAllowedHosts, ['hooks.example.com', '*.corp.example']);
    assert.deepEqual(config.chatUserRoles, { 'T0001/U0001': 'operator', 'T0001/U0002': 'viewer', 'T0002/*': 'viewer' });
    assert.throws(
      () => loadConfig({ OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/33', OUTBOUND_DENIED_CIDRS: 'ten-dot', CHAT_USER_ROLES: 'U0001=root', CHAT_SIGNING_SECRET: 'short', WEBHOOK_ALLOWED_HOSTS: 'http://x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['OUTBOUND_ALLOWED_CIDRS', 'OUTBOUND_DENIED_CIDRS', 'CHAT_USER_ROLES', 'CHAT_SIGNING_SECRET', 'WEBHOOK_ALLOWED_HOSTS']) {
          assert.ok(
            error.problems.some((p) => p.startsWith(`${name}:`)),
            name,
          );
        }
        return true;
      },
    );
  });
});

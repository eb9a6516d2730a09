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
    assert.throws(() => loadConfig({ PORT: 'eighty', MASTER_KEY: 'short' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.ok(error.problems.some((p) => p.startsWith('PORT:')));
      assert.ok(error.problems.some((p) => p.startsWith('MASTER_KEY:')));
      return true;
    });
  });
});

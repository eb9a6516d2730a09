import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { OutboundError, OutboundHttp, retryDelayMs } from './outbound-http';
import { TargetPolicy } from './target-policy';

describe('OutboundHttp', () => {
  let server: Server;
  let port: number;
  const seen: { host?: string; body: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ host: req.headers.host, body });
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        res.writeHead(req.url === '/fail' ? 500 : 200).end(req.url === '/fail' ? 'boom' : 'ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const post = (http: OutboundHttp, url: string, timeoutMs = 1_000) => http.post({ url, body: '{"a":1}', headers: { 'content-type': 'application/json' }, timeoutMs });

  test('posts to an allowed address and reports the status, duration and the start of the answer', async () => {
    const http = new OutboundHttp(new TargetPolicy({ allowedCidrs: ['127.0.0.1/32'], deniedCidrs: [], allowedHosts: [] }));
    const ok = await post(http, `http://127.0.0.1:${port}/ok`);
    assert.equal(ok.status, 200);
    assert.equal(ok.excerpt, 'ok');
    assert.ok(ok.durationMs >= 0);
    const failed = await post(http, `http://127.0.0.1:${port}/fail`);
    assert.equal(failed.status, 500);
    assert.equal(failed.excerpt, 'boom');
    const redirect = await post(http, `http://127.0.0.1:${port}/redirect`);
    assert.equal(redirect.status, 302, 'redirects are not followed');
    assert.equal(seen.at(-1)?.body, '{"a":1}');
  });

  test('checks again at send time: a name that now resolves to a refused address is not contacted', async () => {
    let answer = ['127.0.0.1'];
    const http = new OutboundHttp(new TargetPolicy({ allowedCidrs: ['127.0.0.1/32'], deniedCidrs: [], allowedHosts: [] }, async () => answer));
    assert.equal((await post(http, `http://receiver.test:${port}/ok`)).status, 200);
    assert.equal(seen.at(-1)?.host, `receiver.test:${port}`, 'the Host header keeps the name while the connection goes to the checked address');
    const before = seen.length;
    answer = ['169.254.169.254'];
    await assert.rejects(post(http, `http://receiver.test:${port}/ok`), (error: unknown) => {
      assert.ok(error instanceof OutboundError);
      assert.equal(error.retryable, false);
      assert.match(error.message, /target refused: receiver\.test resolves to 169\.254\.169\.254 is a cloud metadata address/);
      return true;
    });
    assert.equal(seen.length, before, 'nothing was sent');
  });

  test('a timeout and a refused connection are retryable errors', async () => {
    const http = new OutboundHttp(new TargetPolicy({ allowedCidrs: ['127.0.0.1/32'], deniedCidrs: [], allowedHosts: [] }));
    await assert.rejects(post(http, `http://127.0.0.1:${port}/slow`, 200), (error: unknown) => error instanceof OutboundError && error.retryable && /within 200 ms/.test(error.message));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(post(http, `http://127.0.0.1:${closedPort}/`), (error: unknown) => error instanceof OutboundError && error.retryable && /ECONNREFUSED/.test(error.message));
  });
});

describe('retryDelayMs', () => {
  test('doubles per attempt, with jitter of ±20 %, capped at an hour', () => {
    assert.equal(
      retryDelayMs(1, 10, () => 0.5),
      10_000,
    );
    assert.equal(
      retryDelayMs(2, 10, () => 0.5),
      20_000,
    );
    assert.equal(
      retryDelayMs(4, 10, () => 0.5),
      80_000,
    );
    assert.equal(
      retryDelayMs(1, 10, () => 0),
      8_000,
    );
    assert.equal(
      retryDelayMs(1, 10, () => 1),
      12_000,
    );
    assert.equal(
      retryDelayMs(30, 10, () => 0.5),
      3_600_000,
    );
  });
});

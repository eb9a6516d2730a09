import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cidr, parseIp } from './ip-address';
import { hostAllowed, TargetPolicy, TargetRefusedError } from './target-policy';

const strict = new TargetPolicy({ allowedCidrs: [], deniedCidrs: [], allowedHosts: [] }, async () => ['93.184.216.34']);

async function refusal(policy: TargetPolicy, url: string): Promise<string> {
  try {
    await policy.check(url);
  } catch (error) {
    assert.ok(error instanceof TargetRefusedError, String(error));
    return error.reason;
  }
  return 'allowed';
}

describe('IP addresses and ranges', () => {
  test('IPv6 forms expand to the same bytes; IPv4-mapped and NAT64 addresses count as their IPv4 address', () => {
    assert.deepEqual(parseIp('::1')?.bytes, [...Array(15).fill(0), 1]);
    assert.deepEqual(parseIp('[fe80::1%eth0]')?.bytes.slice(0, 2), [0xfe, 0x80]);
    assert.deepEqual(parseIp('::ffff:169.254.169.254')?.bytes.slice(12), [169, 254, 169, 254]);
    assert.equal(parseIp('example.com'), null);
    const linkLocal = Cidr.parse('169.254.0.0/16');
    assert.ok(linkLocal.contains(parseIp('::ffff:a9fe:a9fe')!));
    assert.ok(linkLocal.contains(parseIp('64:ff9b::169.254.1.1')!));
    assert.ok(!linkLocal.contains(parseIp('169.253.255.255')!));
    assert.ok(Cidr.parse('fe80::/10').contains(parseIp('febf::1')!));
    assert.ok(!Cidr.parse('fe80::/10').contains(parseIp('fec0::1')!));
    assert.ok(Cidr.parse('10.1.2.3').single);
    assert.throws(() => Cidr.parse('10.0.0.0/33'));
  });
});

describe('TargetPolicy', () => {
  test('refuses link-local, loopback, metadata and unspecified addresses by default, in every spelling', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.10.1/',
      'http://[fe80::1]/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://2852039166/', // 169.254.169.254 as one number: the URL parser normalises it
      'http://127.0.0.1:8080/',
      'http://[::1]/',
      'http://0.0.0.0/',
      'http://100.100.100.200/',
      'http://224.0.0.1/',
      // IPv4-compatible and SIIT (IPv4-translated) spellings of loopback and metadata
      'http://[::127.0.0.1]/',
      'http://[::7f00:1]/',
      'http://[::ffff:0:127.0.0.1]/',
      'http://[::ffff:0:7f00:1]/',
      'http://[::169.254.169.254]/',
      'http://[::ffff:0:169.254.169.254]/',
      // 6to4 and Teredo embeddings
      'http://[2002:7f00:1::]/',
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo client 127.0.0.1
    ]) {
      assert.notEqual(await refusal(strict, url), 'allowed', url);
    }
    assert.match(await refusal(strict, 'http://169.254.169.254/'), /metadata/);
    assert.match(await refusal(strict, 'http://[fe80::1]/'), /link-local/);
    assert.match(await refusal(strict, 'http://127.0.0.1/'), /loopback.*OUTBOUND_ALLOWED_CIDRS/);
    assert.match(await refusal(strict, 'http://[::127.0.0.1]/'), /loopback/);
    assert.match(await refusal(strict, 'http://[::ffff:0:127.0.0.1]/'), /loopback/);
    assert.match(await refusal(strict, 'http://[::ffff:0:169.254.169.254]/'), /metadata/);
    assert.equal(await refusal(strict, 'http://[2001:4860:4860::8888]/'), 'allowed');
    assert.match(await refusal(strict, 'http://[::]/'), /unspecified/);
    assert.match(await refusal(strict, 'http://[::1]/'), /loopback/);
  });

  test('allows public and private addresses by default; only http and https; no credentials', async () => {
    assert.equal(await refusal(strict, 'https://hooks.example.com/x'), 'allowed');
    assert.equal(await refusal(strict, 'http://10.1.2.3:9000/hook'), 'allowed');
    assert.match(await refusal(strict, 'ftp://example.com/'), /scheme ftp/);
    assert.match(await refusal(strict, 'file:///etc/passwd'), /scheme file/);
    assert.match(await refusal(strict, 'https://user:pw@example.com/'), /credentials/);
    assert.match(await refusal(strict, 'not a url'), /valid/);
  });

  test('every address a name resolves to must pass (one bad answer refuses the target)', async () => {
    const rebinding = new TargetPolicy({ allowedCidrs: [], deniedCidrs: [], allowedHosts: [] }, async () => ['93.184.216.34', '169.254.169.254']);
    assert.match(await refusal(rebinding, 'https://evil.example/'), /evil\.example resolves to 169\.254\.169\.254 is a cloud metadata address/);
    const missing = new TargetPolicy({ allowedCidrs: [], deniedCidrs: [], allowedHosts: [] }, async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    });
    assert.match(await refusal(missing, 'https://nowhere.invalid/'), /cannot resolve nowhere\.invalid: ENOTFOUND/);
  });

  test('allowed CIDRs lift the default refusals, but a metadata address needs to be listed by itself', async () => {
    const lab = new TargetPolicy({ allowedCidrs: ['127.0.0.1/32', '169.254.0.0/16'], deniedCidrs: [], allowedHosts: [] });
    assert.equal(await refusal(lab, 'http://127.0.0.1:4000/'), 'allowed');
    assert.equal(await refusal(lab, 'http://169.254.1.1/'), 'allowed');
    assert.match(await refusal(lab, 'http://169.254.169.254/'), /metadata/);
    assert.match(await refusal(lab, 'http://127.0.0.2/'), /loopback/);
    const explicit = new TargetPolicy({ allowedCidrs: ['169.254.169.254'], deniedCidrs: [], allowedHosts: [] });
    assert.equal(await refusal(explicit, 'http://169.254.169.254/'), 'allowed');
  });

  test('denied CIDRs refuse more; an allowed range inside them wins', async () => {
    const policy = new TargetPolicy({ allowedCidrs: ['10.9.9.9'], deniedCidrs: ['10.0.0.0/8'], allowedHosts: [] });
    assert.match(await refusal(policy, 'http://10.1.2.3/'), /OUTBOUND_DENIED_CIDRS/);
    assert.equal(await refusal(policy, 'http://10.9.9.9/'), 'allowed');
  });

  test('a host allow-list admits exact names and subdomains of *.patterns only', async () => {
    assert.ok(hostAllowed(['hooks.slack.com'], 'hooks.slack.com'));
    assert.ok(hostAllowed(['hooks.slack.com'], 'HOOKS.slack.com.'));
    assert.ok(!hostAllowed(['hooks.slack.com'], 'evilhooks.slack.com'));
    assert.ok(hostAllowed(['*.example.com'], 'a.b.example.com'));
    assert.ok(!hostAllowed(['*.example.com'], 'example.com'));
    assert.ok(!hostAllowed(['*.example.com'], 'badexample.com'));
    const slack = new TargetPolicy({ allowedCidrs: [], deniedCidrs: [], allowedHosts: ['hooks.slack.com'], settings: { allowedHosts: 'CHAT_RESPONSE_URL_HOSTS' } }, async () => ['3.3.3.3']);
    assert.equal(await refusal(slack, 'https://hooks.slack.com/commands/T/1/x'), 'allowed');
    assert.match(await refusal(slack, 'https://attacker.example/x'), /not in CHAT_RESPONSE_URL_HOSTS/);
  });
});

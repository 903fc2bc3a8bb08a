import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { demoScenario } from './clients.js';
import { raw } from './raw.js';

/** Issue 16 item 6: the emulator serves loopback names only, and bounds what it reads. */
describe('Host names the emulator answers', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: demoScenario() });
  });
  afterAll(() => emu.close());

  const PATH = '/v1/projects/acme-web-prod/serviceAccounts';

  it('answers loopback names, with or without a port, and gcloud\'s {region}-loopback names', async () => {
    for (const host of ['127.0.0.1', `127.0.0.1:${emu.port}`, 'localhost', `LOCALHOST:${emu.port}`, `[::1]:${emu.port}`, `us-central1-127.0.0.1:${emu.port}`, 'europe-west4-localhost']) {
      expect([host, (await raw(emu, { path: PATH, headers: { host } })).status]).toEqual([host, 200]);
    }
  });

  it('refuses any other name (a DNS-rebinding page) with a 400 Google error, before doing any work', async () => {
    const before = emu.requests.length;
    for (const host of ['attacker.example', `attacker.example:${emu.port}`, '127.0.0.1.nip.io', 'evil-127.0.0.1', 'us-central1-attacker.example', 'localhost.attacker.example']) {
      const a = await raw(emu, { path: PATH, headers: { host } });
      const shown = host.replace(/:\d+$/, '');
      expect([host, a.status, a.json]).toEqual([
        host,
        400,
        { error: { code: 400, message: `Host '${shown}' is not served here: the emulator answers loopback names only (127.0.0.1, localhost, [::1]).`, status: 'INVALID_ARGUMENT' } },
      ]);
    }
    expect(emu.requests.slice(before).map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
  });
});

describe('request body limits', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ scenario: demoScenario(), maxBodyBytes: { json: 1024, media: 4096 } });
  });
  afterAll(() => emu.close());

  const TOO_LARGE = (limit: number): unknown => ({ error: { code: 413, message: `Request payload size exceeds the limit: ${limit} bytes.`, status: 'INVALID_ARGUMENT' } });
  const host = (): Record<string, string> => ({ host: `127.0.0.1:${emu.port}`, 'content-type': 'application/json' });

  it('answers 413 to a declared length over the limit without reading it', async () => {
    const body = JSON.stringify({ options: { requestedPolicyVersion: 3 }, pad: 'x'.repeat(2000) });
    const a = await raw(emu, { method: 'POST', path: '/v1/projects/acme-web-prod:getIamPolicy', headers: host(), body });
    expect([a.status, a.json, a.headers['connection']]).toEqual([413, TOO_LARGE(1024), 'close']);
  });

  it('answers 413 to a streamed (chunked) body once it passes the limit', async () => {
    const a = await raw(emu, { method: 'POST', path: '/v1/projects/acme-web-prod:getIamPolicy', headers: host(), chunks: Array.from({ length: 8 }, () => Buffer.alloc(512, 0x20)) });
    expect([a.status, a.json]).toEqual([413, TOO_LARGE(1024)]);
  });

  it('accepts bodies up to the limit, and gives media uploads their own limit', async () => {
    const ok = await raw(emu, { method: 'POST', path: '/v1/projects/acme-web-prod:getIamPolicy', headers: host(), body: JSON.stringify({ options: { requestedPolicyVersion: 3 } }).padEnd(1024, ' ') });
    expect(ok.status).toBe(200);
    const bucket = demoScenario().projects.flatMap((p) => p.buckets ?? [])[0]?.name ?? 'no-bucket';
    const upload = `/upload/storage/v1/b/${bucket}/o?uploadType=media&name=r.json`;
    const media = { host: `127.0.0.1:${emu.port}`, 'content-type': 'application/json' };
    expect((await raw(emu, { method: 'POST', path: upload, headers: media, body: Buffer.alloc(3000, 0x61) })).status).not.toBe(413);
    const big = await raw(emu, { method: 'POST', path: upload, headers: media, body: Buffer.alloc(5000, 0x61) });
    expect([big.status, big.json]).toEqual([413, TOO_LARGE(4096)]);
  });

  it('defaults to Google\'s 10 MiB for JSON calls', async () => {
    const plain = await startEmulator({ scenario: demoScenario() });
    try {
      const a = await raw(plain, { method: 'POST', path: '/v1/projects/acme-web-prod:getIamPolicy', headers: { host: 'localhost', 'content-length': String(10 * 1024 * 1024 + 1) }, body: '' });
      expect([a.status, a.json]).toEqual([413, TOO_LARGE(10 * 1024 * 1024)]);
    } finally {
      await plain.close();
    }
  });
});

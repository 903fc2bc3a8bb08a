import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { crc32c } from '../../src/emulator/storage-shapes.js';
import { BUCKET, scenarioWithBucket } from './scenario.js';

let emu: RunningEmulator;
let locked: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ scenario: scenarioWithBucket() });
  locked = await startEmulator({ scenario: scenarioWithBucket(['storage.objects.delete']) });
});
afterAll(async () => {
  await emu.close();
  await locked.close();
});

function upload(base: string, bucket: string, name: string, body: string, query = 'uploadType=media'): Promise<Response> {
  return fetch(`${base}/upload/storage/v1/b/${bucket}/o?${query}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=utf-8' },
    body,
  });
}

describe('Cloud Storage JSON API in the emulator', () => {
  test('a media upload stores the bytes and answers with the storage#object resource', async () => {
    const body = 'a,b\n1,"x, y"\n';
    const res = await upload(emu.url, BUCKET, 'runs/one.csv', body);
    expect(res.status).toBe(200);
    const obj = (await res.json()) as Record<string, string>;
    const md5 = createHash('md5').update(body).digest('base64');
    expect(obj).toMatchObject({
      kind: 'storage#object',
      name: 'runs/one.csv',
      bucket: BUCKET,
      contentType: 'text/csv; charset=utf-8',
      size: String(Buffer.byteLength(body)),
      md5Hash: md5,
      metageneration: '1',
      storageClass: 'STANDARD',
      selfLink: `https://www.googleapis.com/storage/v1/b/${BUCKET}/o/runs%2Fone.csv`,
    });
    expect(obj['id']).toBe(`${BUCKET}/runs/one.csv/${obj['generation']}`);

    const media = await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o/${encodeURIComponent('runs/one.csv')}?alt=media`);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await media.text()).toBe(body);
  });

  test('CRC32C is the Castagnoli checksum (check value of "123456789")', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  test('objects.list pages with maxResults and collapses prefixes with a delimiter', async () => {
    for (const n of ['list/a.txt', 'list/b.txt', 'list/sub/c.txt']) expect((await upload(emu.url, BUCKET, n, n)).status).toBe(200);
    const first = (await (await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o?prefix=list/&maxResults=2`)).json()) as Record<string, unknown>;
    expect((first['items'] as { name: string }[]).map((i) => i.name)).toEqual(['list/a.txt', 'list/b.txt']);
    const token = first['nextPageToken'] as string;
    const second = (await (await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o?prefix=list/&maxResults=2&pageToken=${token}`)).json()) as Record<string, unknown>;
    expect((second['items'] as { name: string }[]).map((i) => i.name)).toEqual(['list/sub/c.txt']);
    expect(second['nextPageToken']).toBeUndefined();
    const folded = (await (await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o?prefix=list/&delimiter=/`)).json()) as Record<string, unknown>;
    expect(folded['prefixes']).toEqual(['list/sub/']);
    expect((folded['items'] as { name: string }[]).map((i) => i.name)).toEqual(['list/a.txt', 'list/b.txt']);
    const empty = await (await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o?prefix=nothing/`)).json();
    expect(empty).toEqual({ kind: 'storage#objects' });
  });

  test('an unknown bucket is 404 in the storage error model (no status field, errors[] with a reason)', async () => {
    const res = await upload(emu.url, 'no-such-bucket', 'x.txt', 'x');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: 404,
        message: 'The specified bucket does not exist.',
        errors: [{ message: 'The specified bucket does not exist.', domain: 'global', reason: 'notFound' }],
      },
    });
  });

  test('replacing an object needs storage.objects.delete as well as create', async () => {
    expect((await upload(locked.url, BUCKET, 'latest.json', '{}')).status).toBe(200);
    const res = await upload(locked.url, BUCKET, 'latest.json', '{"a":1}');
    expect(res.status).toBe(403);
    const message =
      "Anonymous caller does not have storage.objects.delete access to the Google Cloud Storage object. Permission 'storage.objects.delete' denied on resource (or it may not exist).";
    expect(await res.json()).toEqual({ error: { code: 403, message, errors: [{ message, domain: 'global', reason: 'forbidden' }] } });
    const kept = await fetch(`${locked.url}/storage/v1/b/${BUCKET}/o/latest.json?alt=media`);
    expect(await kept.text()).toBe('{}');
  });

  test('ifGenerationMatch=0 refuses to replace, with 412', async () => {
    expect((await upload(emu.url, BUCKET, 'once.txt', '1', 'uploadType=media&ifGenerationMatch=0')).status).toBe(200);
    const again = await upload(emu.url, BUCKET, 'once.txt', '2', 'uploadType=media&ifGenerationMatch=0');
    expect(again.status).toBe(412);
    expect(((await again.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('conditionNotMet');
  });

  test('an upload without uploadType or without a name is 400', async () => {
    const noType = await fetch(`${emu.url}/upload/storage/v1/b/${BUCKET}/o?name=x`, { method: 'POST', body: 'x' });
    expect(noType.status).toBe(400);
    expect(((await noType.json()) as { error: { message: string } }).error.message).toBe(
      'Upload requests must include an uploadType URL parameter and a URL-encoded object name.',
    );
    const noName = await fetch(`${emu.url}/upload/storage/v1/b/${BUCKET}/o?uploadType=media`, { method: 'POST', body: 'x' });
    expect(noName.status).toBe(400);
    expect(((await noName.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason).toBe('required');
  });

  test('a missing object is 404 "No such object"', async () => {
    const res = await fetch(`${emu.url}/storage/v1/b/${BUCKET}/o/${encodeURIComponent('nope/x.json')}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(`No such object: ${BUCKET}/nope/x.json`);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingBatch } from '#core/finding.ts';
import { ensureTlsMaterial, type TlsMaterial } from '#functions/local/tls-material.ts';
import { commandsOf, createHttpsSender } from '#sidecar/report/https-sender.ts';
import { tempDir } from '#test/helpers/temp-dir.ts';

const batch = (): FindingBatch => ({
  version: 1,
  batchId: '6f1c2f7e-8a1b-4c2d-9e3f-0a1b2c3d4e5f',
  pod: { namespace: 'shop', name: 'cart-7d9f8-abcde', uid: 'uid-1' },
  sentAt: new Date(0).toISOString(),
  dropped: 0,
  findings: [],
});

describe('createHttpsSender against a real HTTPS server', () => {
  let tls: TlsMaterial;
  let server: Server;
  let url: string;
  let tlsDir = '';
  const seen: { auth: string | undefined; body: string }[] = [];
  let answer = { status: 200, body: '{"commands":["a.b.c",{"jws":"d.e.f"}]}' };

  beforeAll(async () => {
    tlsDir = mkdtempSync(join(tmpdir(), 'meshward-sender-'));
    tls = await ensureTlsMaterial(tlsDir, 'meshward');
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(tlsDir, { recursive: true, force: true });
  });

  it('re-reads the token file before every send, so a rotated token is used at once', async () => {
    const tokenPath = join(tempDir('meshward-token-'), 'token');
    writeFileSync(tokenPath, 'token-one\n');
    const send = createHttpsSender({ url, tokenPath, ca: tls.caCert });
    expect(await send(batch())).toEqual({ ok: true, status: 200, commands: ['a.b.c', 'd.e.f'] });
    writeFileSync(tokenPath, 'token-two');
    expect((await send(batch())).ok).toBe(true);
    expect(seen.slice(-2).map((request) => request.auth)).toEqual(['Bearer token-one', 'Bearer token-two']);
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual(batch());
  });

  it('classifies answers: 5xx and 401 retry, 400 does not', async () => {
    const tokenPath = join(tempDir('meshward-token-'), 'token');
    writeFileSync(tokenPath, 't');
    const send = createHttpsSender({ url, tokenPath, ca: tls.caCert });
    answer = { status: 503, body: 'busy' };
    expect(await send(batch())).toMatchObject({ ok: false, retry: true, status: 503 });
    answer = { status: 401, body: 'token expired' };
    expect(await send(batch())).toMatchObject({ ok: false, retry: true, status: 401 });
    answer = { status: 400, body: 'bad batch' };
    expect(await send(batch())).toMatchObject({ ok: false, retry: false, status: 400 });
    answer = { status: 200, body: '{}' };
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const tokenPath = join(tempDir('meshward-token-'), 'token');
    writeFileSync(tokenPath, 't');
    const result = await createHttpsSender({ url, tokenPath })(batch());
    expect(result).toMatchObject({ ok: false, retry: true });
  });

  it('reports a missing token file and an unreachable control plane as retryable failures', async () => {
    const missing = await createHttpsSender({ url, tokenPath: '/nonexistent/token', ca: tls.caCert })(
      batch(),
    );
    expect(missing).toMatchObject({ ok: false, retry: true });
    expect(missing.ok ? '' : missing.reason).toMatch(/token file unreadable/);
    const tokenPath = join(tempDir('meshward-token-'), 'token');
    writeFileSync(tokenPath, 't');
    const down = await createHttpsSender({ url: 'https://127.0.0.1:1', tokenPath })(batch());
    expect(down.ok ? '' : down.reason).toMatch(/unreachable/);
  });
});

describe('commandsOf', () => {
  it('reads JWS strings and {jws} objects, ignores the rest', () => {
    expect(commandsOf('{"commands":["x.y.z",{"jws":"a.b.c"},3,null]}')).toEqual(['x.y.z', 'a.b.c']);
    expect(commandsOf('not json')).toEqual([]);
    expect(commandsOf('{"accepted":3}')).toEqual([]);
  });
});

/**
 * Requests forwarded over AJP13 through the whole engine: the web detectors judge them as they judge HTTP's (an
 * injection in the `query_string` attribute, a script in a form body sent in a data packet), the flow's summary names
 * their methods, path templates and statuses as HTTP's does, and ajp-abuse judges the Ghostcat request beside them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { type TrustedProxies, trustedProxies } from '#sidecar/protocols/trusted-proxies.ts';
import { bodyPacket, forwardRequest, sendHeaders } from '#test/fixtures/protocols/ajp-encode.ts';
import { endReuse, ghostcat, helloChunk, notFound404, ok200 } from '#test/fixtures/protocols/ajp-packets.ts';
import { concat } from '#test/fixtures/protocols/protocol-harness.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshward-ajp-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const proxy = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 8009 };
const form = 'comment=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E';

describe('AJP requests through the engine', () => {
  it('are judged by the web detectors and summarised as HTTP requests', async () => {
    const records = tcpConversation(proxy, [
      {
        from: 'client',
        data: forwardRequest({ method: 2, uri: '/users/42', attributes: [[0x05, "id=1'+OR+'1'='1"]] }),
      },
      { from: 'server', data: concat(ok200, helloChunk, endReuse) },
      {
        from: 'client',
        data: forwardRequest({
          method: 4,
          uri: '/comments',
          headers: [
            [0xa007, 'application/x-www-form-urlencoded'],
            [0xa008, String(form.length)],
          ],
        }),
      },
      { from: 'client', data: bodyPacket(Buffer.from(form)) },
      { from: 'server', data: concat(notFound404, endReuse) },
      { from: 'client', data: ghostcat },
      { from: 'server', data: concat(notFound404, endReuse) },
    ]);
    const file = join(dir, 'ajp.pcap');
    writeFileSync(file, writePcap(records).bytes);
    const { findings } = await inspectFile(file, { observers: defaultObservers() });
    const { flows, threats } = splitFindings(findings);
    const [flow] = flows;
    expect(flow?.protocol).toBe('ajp');
    expect(flow?.l7?.http).toMatchObject({
      methods: ['GET', 'POST'],
      paths: ['/users/{id}', '/comments', '/asdf'],
      statuses: ['2xx', '4xx'],
    });
    expect(threats.map((t) => [t.threat, t.severity]).sort()).toEqual([
      ['ajp-abuse', 'critical'],
      ['sql-injection', 'high'],
      ['xss', 'high'],
    ]);
  });

  it("counts refused logins by the client remote_addr names, not the proxy or a client's own X-Forwarded-For", async () => {
    // One pooled connection from Apache: 22 refused logins from 203.0.113.7 (each claiming another address in its
    // own X-Forwarded-For, which mod_proxy_ajp passes on untouched), 3 from 203.0.113.8.
    const login = (remoteAddr: string, i: number): Message[] => [
      {
        from: 'client',
        data: forwardRequest({
          method: 4,
          uri: '/login',
          remoteAddr,
          headers: [['X-Forwarded-For', `198.51.100.${i}`]],
          attributes: [['AJP_REMOTE_PORT', String(50_000 + i)]],
        }),
      },
      { from: 'server', data: concat(sendHeaders(401, 'Unauthorized'), endReuse) },
    ];
    const messages = [
      ...Array.from({ length: 22 }, (_, i) => login('203.0.113.7', i)),
      ...Array.from({ length: 3 }, (_, i) => login('203.0.113.8', 100 + i)),
    ].flat();
    const file = join(dir, 'ajp-logins.pcap');
    writeFileSync(file, writePcap(tcpConversation(proxy, messages)).bytes);
    const guessing = async (options: { trustedProxies?: TrustedProxies }) => {
      const { findings } = await inspectFile(file, { observers: defaultObservers(options), ...options });
      return threatsBy(findings, 'http-auth-brute-force');
    };
    // As over HTTP (ADR 28), the peer's count is everyone's and stays until the proxy is trusted: an AJP client
    // can write any remote_addr.
    const untrusted = await guessing({});
    expect(untrusted.map((t) => [t.client.ip, t.origin?.ip, t.originBy])).toEqual([
      ['10.0.0.1', undefined, undefined],
      ['10.0.0.1', '203.0.113.7', 'ajp-remote-addr'],
    ]);
    const trusted = await guessing({ trustedProxies: trustedProxies(['10.0.0.1']) });
    expect(trusted.map((t) => [t.origin?.ip, t.originBy])).toEqual([['203.0.113.7', 'ajp-remote-addr']]);
    expect(trusted[0]?.origin?.port).toBeGreaterThanOrEqual(50_000);
    expect(trusted[0]?.evidence).not.toContain('198.51.100');
  });
});

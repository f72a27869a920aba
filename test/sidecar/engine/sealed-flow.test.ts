/**
 * A flow a protocol encrypts by itself, not by TLS: PostgreSQL after its GSSENCRequest was accepted. The flow finding
 * says `encrypted`, as for TLS after an SSLRequest; before, the inventory called it plaintext.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { ascii, concat, hex } from '#test/fixtures/protocols/protocol-harness.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { type Message, tcpConversation } from './conversation.ts';

const pgsqlCapture = join(corpusDir('ndpi'), 'pgsql.pcap');

const dir = mkdtempSync(join(tmpdir(), 'meshward-sealed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const endpoints = { client: '10.0.0.1', server: '10.0.0.2', clientPort: 40000, serverPort: 5432 };
const gssencRequest = hex('00000008 04d21630');
/** GSSAPI-wrapped packets (a length, then the token): opaque here, as they are on the wire. */
const wrapped = concat(
  hex('00000010'),
  Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff),
);

const flowOf = async (messages: Message[], name: string): Promise<FlowFinding | undefined> => {
  const file = join(dir, name);
  writeFileSync(file, writePcap(tcpConversation(endpoints, messages)).bytes);
  const { findings } = await inspectFile(file, { observers: [] });
  return splitFindings(findings).flows[0];
};

describe('a PostgreSQL connection with GSSAPI encryption', () => {
  it('is postgresql and encrypted once the server answers G, with the operation in its summary', async () => {
    const flow = await flowOf(
      [
        { from: 'client', data: gssencRequest },
        { from: 'server', data: ascii('G') },
        { from: 'client', data: wrapped },
        { from: 'server', data: wrapped },
      ],
      'gss.pcap',
    );
    expect(flow).toMatchObject({ protocol: 'postgresql', encrypted: true });
    expect(JSON.stringify(flow?.l7)).toContain('encrypted');
  });

  it('is not encrypted when the server answers N and the client goes on in the clear', async () => {
    const flow = await flowOf(
      [
        { from: 'client', data: gssencRequest },
        { from: 'server', data: ascii('N') },
        { from: 'client', data: concat(hex('00000008'), hex('04d2162f')) },
        { from: 'server', data: ascii('N') },
      ],
      'plain.pcap',
    );
    expect(flow).toMatchObject({ protocol: 'postgresql', encrypted: false });
  });

  it.skipIf(!existsSync(pgsqlCapture))(
    `in nDPI's own pgsql.pcap: the two connections whose GSSENCRequest got G are encrypted, which nDPI 4.2 calls ClearText${existsSync(pgsqlCapture) ? '' : ' (skipped: ../shared/corpus/ndpi is absent)'}`,
    async () => {
      const { findings } = await inspectFile(pgsqlCapture, { observers: [] });
      const { flows } = splitFindings(findings);
      const encrypted = flows
        .filter((f) => f.encrypted)
        .map((f) => `${f.client.port} ${f.protocol}`)
        .sort();
      expect(encrypted).toEqual(['59036 postgresql', '59038 postgresql']);
    },
  );
});

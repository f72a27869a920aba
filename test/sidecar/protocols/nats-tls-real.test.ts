/**
 * NATS with TLS required, for real: Debian's nats-server 2.9 with `--tls` and the NATS project's own Node client
 * (`nats` 2.29, a pinned devDependency) publishing and receiving through the loopback relay, on the port of another
 * protocol. The server's INFO is in the clear and says `tls_required`; the client's TLS handshake follows at once, so
 * the flow is `nats`, encrypted, with the client's TLS hello. Read by our engine and by Debian's ndpiReader.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, StringCodec } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import {
  freePort,
  hasBinaries,
  startDaemon,
  stopDaemon,
  waitForPort,
} from '#test/fixtures/protocols/live-servers.ts';
import { ndpiAvailable } from '#test/helpers/ndpi-reader.ts';
import { selfSignedCertArgs } from '#test/helpers/self-signed-cert.ts';
import { recordAndInspect } from '../threats/recorded-sessions.ts';
import { startRecorder } from './loopback-recorder.ts';

const available = hasBinaries('/usr/sbin/nats-server', '/usr/bin/openssl') && ndpiAvailable();
const dir = mkdtempSync(join(tmpdir(), 'meshward-nats-tls-'));
/** Written on Redis's port. */
const recordedPort = 6379;

describe.skipIf(!available)(
  `NATS with TLS required, nats-server and the nats.js client, against nDPI${available ? '' : ' (skipped: apt-get install nats-server openssl libndpi-bin)'}`,
  () => {
    let server: ReturnType<typeof startDaemon> | undefined;
    let flows: FlowFinding[] = [];
    let ndpiLines: string[] = [];
    let received = '';

    beforeAll(async () => {
      const key = join(dir, 'nats.key');
      const cert = join(dir, 'nats.crt');
      execFileSync(
        'openssl',
        selfSignedCertArgs(key, cert, 'nats.shop.test', [
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
        ]),
        {
          stdio: 'ignore',
        },
      );
      const port = await freePort();
      server = startDaemon('nats-server', [
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '--tls',
        '--tlscert',
        cert,
        '--tlskey',
        key,
      ]);
      await waitForPort(port);
      const result = await recordAndInspect(
        [
          {
            name: 'nats.js publish and subscribe over TLS',
            port: recordedPort,
            record: async () => {
              const recorder = await startRecorder(port);
              const nc = await connect({
                servers: `127.0.0.1:${recorder.port}`,
                tls: { ca: readFileSync(cert, 'utf8') },
                name: 'orders-worker',
              });
              const codec = StringCodec();
              const sub = nc.subscribe('orders.created', { max: 1 });
              nc.publish('orders.created', codec.encode('order 42'));
              for await (const message of sub) received = codec.decode(message.data);
              await nc.drain();
              await recorder.close();
              return recorder.chunks;
            },
          },
        ],
        dir,
        'nats-tls.pcap',
      );
      flows = result.flows;
      ndpiLines = result.ndpiLines;
    }, 60_000);

    afterAll(async () => {
      await stopDaemon(server);
      rmSync(dir, { recursive: true, force: true });
    });

    it('the message went through the TLS connection', () => {
      expect(received).toBe('order 42');
    });

    it('the flow is nats from its clear INFO, then encrypted, with the TLS the client negotiated', () => {
      const flow = flows.find((f) => f.server.port === recordedPort);
      expect(flow).toMatchObject({
        protocol: 'nats',
        encrypted: true,
        l7: { operations: ['INFO'], tls: { version: expect.stringMatching(/^TLS1\.[23]$/) } },
      });
    });

    it('nDPI 4.2 agrees (Nats, encrypted) but tells nothing of the TLS: no version, no fingerprint', () => {
      const line = ndpiLines.find((l) => l.includes(`:${recordedPort} `)) ?? '';
      expect(/\[proto: [\d.]+\/(\w+)\]\[(\w+)\]/.exec(line)?.slice(1)).toEqual(['Nats', 'Encrypted']);
      expect(line).not.toMatch(/TLSv1|JA3|\(TLS/);
    });
  },
);

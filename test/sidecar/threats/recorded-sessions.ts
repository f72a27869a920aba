/**
 * Real clients' sessions recorded through the loopback relay into one pcap, each as its own TCP conversation between
 * fixed addresses on the port it names, then read by our engine (threat findings) and by Debian's ndpiReader.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowFinding, ThreatFinding } from '#core/finding.ts';
import { type DefaultObserverOptions, defaultObservers } from '#sidecar/engine/default-observers.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { writePcap } from '#sidecar/pcap/pcap-writer.ts';
import { ndpiTcpLines } from '#test/helpers/ndpi-reader.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import type { RecordedChunk } from '../protocols/loopback-recorder.ts';

export type RecordedSession = { name: string; port: number; record: () => Promise<RecordedChunk[]> };

/** Records every session in turn into `dir/name`; returns our threat and flow findings and nDPI's TCP flow lines. */
export const recordAndInspect = async (
  sessions: readonly RecordedSession[],
  dir: string,
  name: string,
  observers: DefaultObserverOptions = {},
): Promise<{ ours: ThreatFinding[]; flows: FlowFinding[]; ndpiLines: string[] }> => {
  const start = Date.now();
  const records = [];
  for (const [i, session] of sessions.entries()) {
    const chunks = await session.record();
    // A session of several connections (a password guesser's) gets a client port per connection.
    const endpoints = (connection: number) => ({
      client: '10.0.7.5',
      server: '10.0.7.9',
      clientPort: 44000 + i + 1000 * connection,
      serverPort: session.port,
    });
    records.push(...recordedConversations(chunks, endpoints, start + i * 1000));
  }
  const pcap = join(dir, name);
  writeFileSync(pcap, writePcap(records).bytes);
  const proxies = observers.trustedProxies === undefined ? {} : { trustedProxies: observers.trustedProxies };
  const { findings } = await inspectFile(pcap, { observers: defaultObservers(observers), ...proxies });
  const { flows, threats: ours } = splitFindings(findings);
  const ndpiLines = ndpiTcpLines(pcap);
  return { ours, flows, ndpiLines };
};

/** nDPI's flow line for the session on `port` (the server's side of its `a <-> b` pair). */
export const ndpiLineFor = (lines: readonly string[], port: number): string =>
  lines.find((l) => l.includes(`:${port} `)) ?? '';

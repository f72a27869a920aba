import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlowFinding } from '#core/finding.ts';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { corpusDir } from '#test/helpers/corpus.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

/**
 * The TLS facts nDPI prints in its own test captures' expected output (../shared/corpus/ndpi, written by nDPI's
 * authors): the server's JA3S and, where the certificate travels in the clear (TLS 1.2 and older), its SHA-1
 * fingerprint, validity and names. Ours must be the same, flow by flow.
 */
const corpus = corpusDir('ndpi');
const flowLine = /^\s+\d+\s+TCP\s+\S+:(\d+) (?:<->|->) \S+:(\d+) /;
const field = (line: string, name: string) => new RegExp(`\\[${name}: ([^\\]]+)\\]`).exec(line)?.[1];

type Expected = {
  capture: string;
  ports: string;
  ja3s?: string;
  sha1?: string;
  validity?: string;
  names?: string;
};

const expected: Expected[] = existsSync(corpus)
  ? readdirSync(corpus)
      .filter((name) => name.endsWith('.out'))
      .flatMap((out) =>
        readFileSync(`${corpus}/${out}`, 'utf8')
          .split('\n')
          .filter((line) => flowLine.test(line) && line.includes('[JA3S: '))
          .map((line) => {
            const [, client, server] = flowLine.exec(line) ?? [];
            const row: Expected = { capture: out.replace(/\.out$/, ''), ports: `${client}>${server}` };
            const ja3s = field(line, 'JA3S')?.split(' ')[0];
            const sha1 = field(line, 'Certificate SHA-1');
            const validity = field(line, 'Validity');
            const names = field(line, 'ServerNames');
            if (ja3s !== undefined) row.ja3s = ja3s;
            if (sha1 !== undefined) row.sha1 = sha1;
            if (validity !== undefined) row.validity = validity;
            if (names !== undefined) row.names = names;
            return row;
          }),
      )
  : [];

/** nDPI prints validity as `YYYY-MM-DD hh:mm:ss - YYYY-MM-DD hh:mm:ss`, in UTC. */
const validityOf = (f: FlowFinding): string | undefined => {
  const c = f.l7?.tls?.certificate;
  const text = (iso?: string) => iso?.slice(0, 19).replace('T', ' ');
  return c?.notBefore === undefined ? undefined : `${text(c.notBefore)} - ${text(c.notAfter)}`;
};

describe.skipIf(expected.length === 0)(
  "TLS facts against nDPI's expected output (skipped: ../shared/corpus/ndpi is absent)",
  () => {
    it('finds every flow with a JA3S, and one certificate, in the corpus', () => {
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect(expected.filter((e) => e.sha1 !== undefined).length).toBeGreaterThanOrEqual(1);
    });

    it.each(expected.map((e) => [`${e.capture} ${e.ports}`, e] as const))('%s', async (_name, e) => {
      const { flows } = splitFindings((await inspectFile(`${corpus}/${e.capture}`)).findings);
      const flow = flows.find((f) => `${f.client.port}>${f.server.port}` === e.ports);
      const tls = flow?.l7?.tls;
      const ours: Expected = { capture: e.capture, ports: e.ports };
      if (tls?.ja3sHash !== undefined) ours.ja3s = tls.ja3sHash;
      if (e.sha1 !== undefined && tls?.certificate?.sha1 !== undefined) ours.sha1 = tls.certificate.sha1;
      if (e.validity !== undefined && flow !== undefined) {
        const validity = validityOf(flow);
        if (validity !== undefined) ours.validity = validity;
      }
      // nDPI lists the subjectAltName DNS names, comma-separated.
      if (e.names !== undefined && tls?.certificate?.names !== undefined)
        ours.names = tls.certificate.names.join(',');
      expect(ours).toEqual(e);
    });
  },
);

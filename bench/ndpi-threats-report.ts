/** nDPI comparison: on nDPI's own captures, which attacks nDPI's risk flags caught and which meshward's threat findings caught. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectFile } from '#sidecar/engine/inspect-file.ts';
import { createThreatRunner } from '#sidecar/threats/runner.ts';
import { splitFindings } from '#test/helpers/split-findings.ts';

export const ndpiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/corpus/ndpi');

/** nDPI risk names that report an attack or weakness we also look for, mapped to our threat ids. */
export const ndpiRiskToThreat: Record<string, string> = {
  'SQL Injection': 'sql-injection',
  'XSS Attack': 'xss',
  'Possible Exploit Attempt': 'log4shell',
  'Binary App Transfer': 'executable-download',
  'Susp DNS Traffic': 'dns-tunnel',
  'Obsolete TLS (v1.1 or older)': 'weak-tls',
  'Weak TLS Cipher': 'weak-tls',
  // Certificate risks: the corpus's names (a later nDPI) and nDPI 4.2's, as Debian 12 ships it.
  'TLS Cert Expired': 'tls-certificate',
  'TLS Expired Certificate': 'tls-certificate',
  'Self-signed Certificate': 'tls-certificate',
  'TLS Cert Mismatch': 'tls-certificate',
  'TLS Certificate Mismatch': 'tls-certificate',
  // nDPI's one risk for old versions and weak ciphers; its corpus flags ciphers (arcfour128), which weak-ssh judges.
  'SSH Obsolete Ser Vers/Cipher': 'weak-ssh',
  'SSH Obsolete Cli Vers/Cipher': 'weak-ssh',
};

export type CaptureComparison = {
  capture: string;
  /** Our threat ids nDPI's risks map to, with the number of flows flagged. */
  ndpi: Record<string, number>;
  /** Our threat findings by id, with their summed counts. */
  meshward: Record<string, number>;
};

const ndpiRisks = (outFile: string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(outFile, 'utf8').split('\n')) {
    const risks = /\[Risk: ([^\]]*)\]/.exec(line)?.[1] ?? '';
    const ids = new Set(
      risks
        .split('**')
        .map((r) => ndpiRiskToThreat[r.trim()])
        .filter((id): id is string => id !== undefined),
    );
    for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
};

export const compareCapture = async (capture: string): Promise<CaptureComparison> => {
  const result = await inspectFile(join(ndpiDir, capture), { observers: [createThreatRunner()] });
  const meshward: Record<string, number> = {};
  for (const f of splitFindings(result.findings).threats)
    meshward[f.threat] = (meshward[f.threat] ?? 0) + f.count;
  const out = join(ndpiDir, `${capture}.out`);
  return { capture, ndpi: existsSync(out) ? ndpiRisks(out) : {}, meshward };
};

export const ndpiCaptures = (): string[] =>
  existsSync(ndpiDir)
    ? readdirSync(ndpiDir)
        .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
        .sort()
    : [];

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([id, n]) => `${id} (${n})`)
    .join(', ') || '—';

/** Rows for the benchmark report: capture, what nDPI flagged, what meshward flagged. */
export const runNdpiThreatReport = async (): Promise<{
  header: string[];
  rows: string[][];
  captures: CaptureComparison[];
}> => {
  const captures: CaptureComparison[] = [];
  for (const capture of ndpiCaptures()) captures.push(await compareCapture(capture));
  const interesting = captures.filter((c) => Object.keys(c.ndpi).length + Object.keys(c.meshward).length > 0);
  return {
    header: ['capture', 'nDPI risk flags (as threat ids, flows)', 'meshward threats (count)'],
    rows: interesting.map((c) => [c.capture, list(c.ndpi), list(c.meshward)]),
    captures,
  };
};

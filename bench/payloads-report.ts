/** Payload corpus report: per attack class, the share detected with each payload placed where an attacker would, and false positives. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Header, ProtocolEvent } from '#sidecar/events.ts';
import { commandInjection } from '#sidecar/threats/command-injection.ts';
import { crlfInjection } from '#sidecar/threats/crlf-injection.ts';
import { insecureDeserialization } from '#sidecar/threats/insecure-deserialization.ts';
import { log4shell } from '#sidecar/threats/log4shell.ts';
import { nosqlInjection } from '#sidecar/threats/nosql-injection.ts';
import { pathTraversal } from '#sidecar/threats/path-traversal.ts';
import { prototypePollution } from '#sidecar/threats/prototype-pollution.ts';
import { shellshock } from '#sidecar/threats/shellshock.ts';
import { sqlInjection } from '#sidecar/threats/sql-injection.ts';
import { ssrf } from '#sidecar/threats/ssrf.ts';
import { templateInjection } from '#sidecar/threats/template-injection.ts';
import type { Threat } from '#sidecar/threats/threat.ts';
import { xmlExternalEntity } from '#sidecar/threats/xml-external-entity.ts';
import { xss } from '#sidecar/threats/xss.ts';
import { protobufText } from '#test/fixtures/protocols/protobuf-encode.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const payloadCorpusDir = resolve(root, '../shared/corpus/payloads');
export const wordList = '/usr/share/dict/words';
const proseDir = '/usr/share/common-licenses';

export const placements = [
  'query',
  'header',
  'form',
  'json',
  'gzip-json',
  'multipart',
  'websocket',
  'grpc',
] as const;
export type Placement = (typeof placements)[number];

type Detector = Threat<any, any>;
const embedded: readonly Detector[] = [
  sqlInjection,
  xss,
  pathTraversal,
  commandInjection,
  log4shell,
  shellshock,
  ssrf,
  xmlExternalEntity,
  insecureDeserialization,
  templateInjection,
  nosqlInjection,
  prototypePollution,
  crlfInjection,
];
const detectorOf: Record<string, Detector | undefined> = {
  sqli: sqlInjection,
  xss,
  traversal: pathTraversal,
  cmdexe: commandInjection,
  log4shell,
  shellshock,
  xxe: xmlExternalEntity,
};
/** The targets of issue 6 (libinjection's published rates for SQLi and XSS; 95% for the rest, and for XXE, which it left out). */
export const detectionTargets: Record<string, number> = {
  sqli: 0.69,
  xss: 0.95,
  traversal: 0.95,
  cmdexe: 0.95,
  log4shell: 0.95,
  shellshock: 0.95,
  xxe: 0.95,
};

export type ClassResult = {
  name: string;
  detector: string;
  attacks: number;
  /** Share of attacks detected, per placement. */
  detected: Record<Placement, number>;
  /** Share detected in every placement (the weakest placement's view of each payload). */
  detectedEverywhere: number;
  benign: number;
  /** Benign lines flagged by any embedded-attack detector in any placement. */
  falsePositives: number;
  falsePositiveExamples: string[];
};
export type EnglishResult = { lines: number; flagged: number; rate: number; examples: string[] };
export type Table = {
  header: string[];
  rows: (string | number)[][];
  classes: ClassResult[];
  english: EnglishResult;
};

const headerOf = (name: string, value: string): Header => [name, value];

/** A protobuf message `{ 1: "user-1234", 2: 20, 3: payload }` (a search request: user, page size, query). */
const searchRequest = (payload: string): Uint8Array =>
  Uint8Array.from([...protobufText(1, 'user-1234'), 0x10, 20, ...protobufText(3, payload)]);
/** gRPC's length-prefixed message: uncompressed flag, 4-octet length. */
const grpcFrame = (message: Uint8Array): Uint8Array => {
  const framed = new Uint8Array(5 + message.length);
  new DataView(framed.buffer).setUint32(1, message.length);
  framed.set(message, 5);
  return framed;
};

const encodeText = (text: string) => new TextEncoder().encode(text);
const jsonBody = (payload: string) => JSON.stringify({ q: payload, page: 1 });

/** The POST /api placements: the body an attacker sends, its Content-Type and, if compressed, its Content-Encoding. */
const postBodies: Record<
  'form' | 'json' | 'gzip-json' | 'multipart',
  (payload: string) => { body: Uint8Array; type: string; encoding?: string }
> = {
  form: (payload) => ({
    body: encodeText(`q=${encodeURIComponent(payload)}&submit=1`),
    type: 'application/x-www-form-urlencoded',
  }),
  json: (payload) => ({ body: encodeText(jsonBody(payload)), type: 'application/json' }),
  'gzip-json': (payload) => ({
    body: new Uint8Array(gzipSync(encodeText(jsonBody(payload)))),
    type: 'application/json',
    encoding: 'gzip',
  }),
  multipart: (payload) => ({
    body: encodeText(
      `--x1b7\r\nContent-Disposition: form-data; name="q"\r\n\r\n${payload}\r\n--x1b7\r\nContent-Disposition: form-data; name="page"\r\n\r\n1\r\n--x1b7--\r\n`,
    ),
    type: 'multipart/form-data; boundary=x1b7',
  }),
};

/** The request (or WebSocket message) an attacker sends with `payload` in one place (encoded as that place requires). */
export const placePayload = (payload: string, placement: Placement): ProtocolEvent => {
  const base = {
    kind: 'http-request' as const,
    ts: 1,
    direction: 'to-server' as const,
    version: '1.1',
    bodyTruncated: false,
  };
  const host = headerOf('Host', 'app.example');
  if (placement === 'query') {
    const query = `q=${encodeURIComponent(payload)}`;
    return {
      ...base,
      method: 'GET',
      target: `/search?${query}`,
      path: '/search',
      query,
      headers: [host],
      body: new Uint8Array(0),
    };
  }
  if (placement === 'header') {
    return {
      ...base,
      method: 'GET',
      target: '/',
      path: '/',
      query: '',
      headers: [host, headerOf('User-Agent', payload)],
      body: new Uint8Array(0),
    };
  }
  if (placement === 'websocket') {
    const text = JSON.stringify({ action: 'search', q: payload });
    return {
      kind: 'websocket-message',
      ts: 1,
      direction: 'to-server',
      opcode: 'text',
      length: text.length,
      compressed: false,
      text,
    };
  }
  if (placement === 'grpc') {
    return {
      ...base,
      version: '2',
      method: 'POST',
      target: '/shop.Catalog/Search',
      path: '/shop.Catalog/Search',
      query: '',
      headers: [
        [':authority', 'catalog:3550'],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
      ],
      body: grpcFrame(searchRequest(payload)),
    };
  }
  const { body, type, encoding } = postBodies[placement](payload);
  return {
    ...base,
    method: 'POST',
    target: '/api',
    path: '/api',
    query: '',
    headers: [
      host,
      headerOf('Content-Type', type),
      ...(encoding === undefined ? [] : [headerOf('Content-Encoding', encoding)]),
    ],
    body,
  };
};

const configs = new Map(embedded.map((d) => [d.id, d.config.parse({})]));
const flags = (detector: Detector, event: ProtocolEvent): boolean =>
  detector.inspect(event, detector.initialState(), { config: configs.get(detector.id) }).length > 0;
const anyFlags = (event: ProtocolEvent): boolean => embedded.some((d) => flags(d, event));

export const readLines = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.trim() !== '')
    : [];

/** One class of the corpus, every payload in every placement. */
export const payloadClassResult = (name: string): ClassResult => {
  const attacks = readLines(join(payloadCorpusDir, name, 'true-positives.txt'));
  const benign = readLines(join(payloadCorpusDir, name, 'false-positives.txt'));
  const detector = detectorOf[name];
  const hits = Object.fromEntries(placements.map((p) => [p, 0])) as Record<Placement, number>;
  let everywhere = 0;
  for (const payload of detector === undefined ? [] : attacks) {
    const found = placements.filter((p) => flags(detector as Detector, placePayload(payload, p)));
    for (const p of found) hits[p]++;
    if (found.length === placements.length) everywhere++;
  }
  const flagged = benign.filter((line) => placements.some((p) => anyFlags(placePayload(line, p))));
  const share = (n: number) => (attacks.length === 0 || detector === undefined ? 0 : n / attacks.length);
  return {
    name,
    detector: detector?.id ?? '(none)',
    attacks: attacks.length,
    detected: Object.fromEntries(placements.map((p) => [p, share(hits[p])])) as Record<Placement, number>,
    detectedEverywhere: share(everywhere),
    benign: benign.length,
    falsePositives: flagged.length,
    falsePositiveExamples: flagged.slice(0, 5),
  };
};

/** Deterministic sentences from the word list: ordinary English-looking text with punctuation. */
const sentences = (words: readonly string[], count: number): string[] => {
  let x = 42;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) >>> 0;
    return x >>> 8;
  };
  const marks = ['.', '?', '!', ',', ';', ' -', ':', "'s", ' &'];
  return Array.from({ length: count }, () => {
    const length = 4 + (next() % 12);
    const parts = Array.from(
      { length },
      (_, i) => `${words[next() % words.length]}${i % 5 === 4 ? (marks[next() % marks.length] ?? '') : ''}`,
    );
    return `${parts.join(' ')}.`;
  });
};

export type ReportOptions = {
  /** Use every n-th dictionary word on its own (all of them by default; tests take a sample to stay fast). */
  wordStride?: number;
  /** Generated sentences. */
  sentences?: number;
};

/** English prose (licence texts), dictionary words, and generated sentences, each as a query parameter. */
export const englishLines = (options: ReportOptions = {}): string[] => {
  const words = readLines(wordList);
  const stride = Math.max(1, options.wordStride ?? 1);
  const prose = existsSync(proseDir)
    ? readdirSync(proseDir).flatMap((f) => readLines(join(proseDir, f)).map((l) => l.trim()))
    : [];
  const generated = words.length > 0 ? sentences(words, options.sentences ?? 5_000) : [];
  return [...prose, ...words.filter((_, i) => i % stride === 0), ...generated];
};

/** English text through every embedded-attack detector. */
export const englishResult = (options: ReportOptions = {}): EnglishResult => {
  const lines = englishLines(options);
  const flagged = lines.filter((line) => anyFlags(placePayload(line, 'query')));
  return {
    lines: lines.length,
    flagged: flagged.length,
    rate: lines.length === 0 ? 0 : flagged.length / lines.length,
    examples: flagged.slice(0, 10),
  };
};

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

export const payloadClasses = (): string[] =>
  existsSync(payloadCorpusDir) ? readdirSync(payloadCorpusDir).sort() : [];

export const runPayloadReport = async (options: ReportOptions = {}): Promise<Table> => {
  const classes = payloadClasses().map(payloadClassResult);
  const english = englishResult(options);
  const header = [
    'class',
    'detector',
    'attacks',
    ...placements,
    'all placements',
    'target',
    'benign',
    'false positives',
  ];
  const rows = classes.map((c) => [
    c.name,
    c.detector,
    c.attacks,
    ...placements.map((p) => percent(c.detected[p])),
    percent(c.detectedEverywhere),
    detectionTargets[c.name] === undefined ? '—' : `> ${percent(detectionTargets[c.name] ?? 0)}`,
    c.benign,
    c.falsePositives,
  ]);
  rows.push([
    'English text',
    'all embedded',
    english.lines,
    '',
    '',
    '',
    '',
    '',
    '≤ 0.1% FP',
    english.lines,
    `${english.flagged} (${(english.rate * 100).toFixed(3)}%)`,
  ]);
  return { header, rows, classes, english };
};

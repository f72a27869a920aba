/** HTTP request smuggling: framing two parsers can disagree on (CL and TE together, duplicate or malformed lengths, odd TE). */
import { readsRequests } from '../engine/event-read.ts';
import type { Header, HttpRequestEvent } from '../events.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {});

const named = (headers: readonly Header[], name: string): Header[] =>
  headers.filter(([n]) => n.trim().toLowerCase() === name);

const lengthProblem = (lengths: readonly Header[]): string | undefined => {
  const values = lengths.flatMap(([, v]) => v.split(',').map((part) => part.trim()));
  if (values.some((v) => !/^\d{1,15}$/.test(v)))
    return `malformed Content-Length ${JSON.stringify(values.join(', ').slice(0, 64))}`;
  return new Set(values.map(Number)).size > 1
    ? `conflicting Content-Length values ${values.join(', ').slice(0, 64)}`
    : undefined;
};

const encodingProblem = (encodings: readonly Header[]): string | undefined => {
  if (encodings.length > 1) return `${encodings.length} Transfer-Encoding headers`;
  const [header] = encodings;
  if (header === undefined) return undefined;
  if (header[0] !== header[0].trim()) return 'whitespace around the Transfer-Encoding header name';
  const codings = header[1]
    .toLowerCase()
    .split(',')
    .map((c) => c.trim());
  // RFC 9112 §6.1: chunked must be the final coding, exactly spelled; anything else is a parser-confusion attempt.
  return codings.at(-1) !== 'chunked' || header[1] !== header[1].trim()
    ? `obfuscated Transfer-Encoding ${JSON.stringify(header[1].slice(0, 64))}`
    : undefined;
};

const problem = (event: HttpRequestEvent): string | undefined => {
  const lengths = named(event.headers, 'content-length');
  const encodings = named(event.headers, 'transfer-encoding');
  if (event.version === '2') {
    const te = encodings.find(([, v]) => v.trim().toLowerCase() !== 'trailers');
    return te === undefined
      ? lengthProblem(lengths)
      : 'Transfer-Encoding in an HTTP/2 request (downgrade smuggling)';
  }
  if (lengths.length > 0 && encodings.length > 0) return 'both Content-Length and Transfer-Encoding';
  return encodingProblem(encodings) ?? (lengths.length > 0 ? lengthProblem(lengths) : undefined);
};

export const httpSmuggling: Threat<typeof config, undefined> = {
  id: 'http-smuggling',
  on: ['http-request'],
  reads: [readsRequests('http-request')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'http-request') return noHits;
    const found = problem(event);
    if (found === undefined) return noHits;
    const evidence = `${found} in ${event.method} ${event.target.slice(0, 120)}`;
    return [{ threat: 'http-smuggling', severity: c.severity, confidence: 0.85, evidence, ts: event.ts }];
  },
};

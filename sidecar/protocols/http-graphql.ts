/**
 * GraphQL over HTTP (the GraphQL-over-HTTP draft and what servers accept): a POST whose JSON body has a `query`
 * string (or an array of such, a batch), a POST of `application/graphql`, or a GET with a `query` parameter, to a
 * path naming graphql or with a document that reads as one. Every GraphQL API is one path, so the operations inside
 * are what tells its calls apart, and what its abuse (introspection, aliasing, batching, nesting) shows in.
 */
import type { HttpRequestEvent } from '../events.ts';
import { type GraphqlDocument, readGraphqlDocument } from './graphql-document.ts';
import { decodedBody } from './http-content-decoding.ts';
import { headerToken } from './http-head.ts';

export type GraphqlRequest = {
  /** Documents in the request: more than one is a batch. */
  documents: GraphqlDocument[];
};

const maxBatch = 256;
const documentStart = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription|fragment|\{)/;
const utf8 = new TextDecoder();

const queryOf = (entry: unknown): string | undefined =>
  typeof entry === 'object' && entry !== null && typeof (entry as { query?: unknown }).query === 'string'
    ? (entry as { query: string }).query
    : undefined;

/** A JSON object or array naming a `query` member: searched in the bytes, so other bodies are never decoded. */
const mayHoldQuery = (body: Uint8Array): boolean => {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  let at = 0;
  while (
    at < bytes.length &&
    (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)
  )
    at++;
  return (bytes[at] === 0x7b || bytes[at] === 0x5b) && bytes.indexOf('"query"', at) >= 0;
};

/** The documents of a JSON body: one object, or an array of them (a batch). */
const jsonDocuments = (text: string): string[] | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const entries = Array.isArray(parsed) ? parsed.slice(0, maxBatch) : [parsed];
  const queries = entries.map(queryOf).filter((q): q is string => q !== undefined);
  return queries.length === 0 ? undefined : queries;
};

const sources = (event: HttpRequestEvent): string[] | undefined => {
  const type = headerToken(event.headers, 'content-type');
  if (event.method === 'GET') {
    const query = new URLSearchParams(event.query).get('query');
    return query === null ? undefined : [query];
  }
  // As the server reads it: a gzip, deflate or br request body decoded (Apollo and others accept them).
  const body = decodedBody(event);
  if (body === undefined) return undefined;
  if (type.startsWith('application/graphql') && !type.includes('json')) return [utf8.decode(body)];
  if (body.length === 0 || !mayHoldQuery(body)) return undefined;
  return jsonDocuments(utf8.decode(body));
};

/** The last request's answer: the L7 summary and the detector ask about the same event in a row. */
const last: { event: HttpRequestEvent | undefined; request: GraphqlRequest | undefined } = {
  event: undefined,
  request: undefined,
};

const read = (event: HttpRequestEvent): GraphqlRequest | undefined => {
  const named = event.path.toLowerCase().includes('graphql');
  if (!named && event.body.length === 0 && !event.query.includes('query=')) return undefined;
  const texts = sources(event);
  if (texts === undefined) return undefined;
  if (!named && !texts.every((text) => documentStart.test(text))) return undefined;
  return { documents: texts.map(readGraphqlDocument) };
};

/** The request's GraphQL documents, if it is a GraphQL request. */
export const graphqlRequest = (event: HttpRequestEvent): GraphqlRequest | undefined => {
  if (last.event === event) return last.request;
  const request = read(event);
  last.event = event;
  last.request = request;
  return request;
};

/** `query GetUser`, `mutation (anonymous)`: how operations appear in a flow's summary. */
export const graphqlOperationNames = (request: GraphqlRequest): string[] =>
  request.documents.flatMap((d) => d.operations.map((o) => `${o.type} ${o.name ?? '(anonymous)'}`));

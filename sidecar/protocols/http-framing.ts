/** HTTP/1.x message framing (RFC 9112 §6.3): chunked, Content-Length, or none; invalid lengths detected. */
import { type HttpHead, headerValue } from './http-head.ts';

/** How the body after a head is delimited: 'head' means no body. */
export type HttpFraming = { mode: 'head' | 'length' | 'chunked' | 'until-close'; length: number };

export const hasToken = (value: string | undefined, token: string): boolean =>
  (value ?? '')
    .toLowerCase()
    .split(',')
    .some((part) => part.trim() === token);

/** §6.3: Transfer-Encoding ending in chunked wins; else a valid Content-Length; undefined when invalid. */
export const requestFraming = (head: HttpHead): HttpFraming | undefined => {
  const te = headerValue(head.headers, 'transfer-encoding');
  if (te !== undefined)
    return { mode: hasToken(te.split(',').pop(), 'chunked') ? 'chunked' : 'until-close', length: 0 };
  const cl = headerValue(head.headers, 'content-length');
  if (cl === undefined) return { mode: 'head', length: 0 };
  const values = new Set(cl.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) return undefined;
  const length = Number(only);
  return { mode: length > 0 ? 'length' : 'head', length };
};

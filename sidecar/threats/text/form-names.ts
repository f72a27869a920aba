/**
 * Query and urlencoded form parameter names read whole, as qs (Express) and PHP read them for their brackets
 * (`user[$ne]`, `a[__proto__][x]`): the request's inputs keep only a name's first 64 characters.
 */

import type { HttpRequestEvent } from '../../events.ts';
import { headerToken } from '../../protocols/http-head.ts';
import { latin1 } from '../../protocols/wire-bytes.ts';
import { inspectedBodyBytes } from './http-inputs.ts';
import { lenientUrlDecode } from './lenient-url-decode.ts';

export type FormName = { name: string; value: string; where: string };

/**
 * The parameters of a query string or urlencoded form whose name, as sent, passes `holds` (a cheap test for a
 * trigger), decoded; `where` is `<place> <first 64 characters of the name>`, as the inputs name them.
 */
export const formNames = (text: string, place: string, holds: (rawName: string) => boolean): FormName[] => {
  const found: FormName[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    if (!holds(rawName)) continue;
    const name = lenientUrlDecode(rawName, true);
    const value = eq < 0 ? '' : lenientUrlDecode(pair.slice(eq + 1), true);
    found.push({ name, value, where: `${place} ${name.slice(0, 64)}` });
  }
  return found;
};

/** A form's fields read past the body's 64 KiB (ADR 46), as sent, as one text again. */
const laterForm = (request: HttpRequestEvent): string | undefined => {
  const later = request.later;
  if (later?.kind !== 'form' || later.values.length === 0) return undefined;
  return later.values.map(([name, value]) => `${name}=${value}`).join('&');
};

/**
 * A request's query string and, when its body is an urlencoded form whose octets pass `bodyHolds`, the form's text
 * (the 64 KiB judged) and its fields read past that: the texts whose names `formNames` reads, with their place.
 */
export const formTexts = (
  request: HttpRequestEvent,
  bodyHolds: (body: Uint8Array) => boolean,
): (readonly [text: string, place: string])[] => {
  const texts: (readonly [string, string])[] = [];
  if (request.query !== '') texts.push([request.query, 'query']);
  const body = request.body;
  if (
    body.length > 0 &&
    bodyHolds(body) &&
    headerToken(request.headers, 'content-type').includes('x-www-form-urlencoded')
  )
    texts.push([latin1(body, 0, inspectedBodyBytes), 'form']);
  const later = laterForm(request);
  if (later !== undefined) texts.push([later, 'form']);
  return texts;
};

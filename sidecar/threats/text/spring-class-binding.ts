/**
 * Spring4Shell (CVE-2022-22965): request parameters that Spring's data binding follows from `class` to the class
 * loader (`class.module.classLoader.resources.context.parent.pipeline.first.pattern=…`). The attack is in the
 * parameter names, which are not values the text verdicts see, so the query and a form body are read whole, and a
 * multipart body's field names (Spring binds them alike) as the request's inputs keep them (their first 64 characters,
 * which hold `class.module.classLoader`).
 */
import type { HttpRequestEvent } from '../../events.ts';
import { headerToken } from '../../protocols/http-head.ts';
import { latin1 } from '../../protocols/wire-bytes.ts';
import { eventInputs } from './event-inputs.ts';
import { inspectedBodyBytes } from './http-inputs.ts';
import { lenientUrlDecode } from './lenient-url-decode.ts';
import { multipartFieldName } from './multipart-field-name.ts';

/** `lass`, or a percent escape of a letter (`%63lass`): anything without either names no `class` parameter. */
const hint = /lass|%[4-7][0-9a-fA-F]/;
const binding =
  /(?:^|&)\s*[cC]lass\s*(?:\.|\[['"]?)\s*(?:module\s*(?:\.|\[['"]?\]?\.?)\s*)?(?:classLoader|protectionDomain)\b[^=&]*/;

/** Whether the octets hold `lass` or a `%`: looked at before a form body is made text. */
const mayHold = (bytes: Uint8Array): boolean => {
  if (bytes.indexOf(0x25) >= 0) return true;
  for (let i = bytes.indexOf(0x6c); i >= 0; i = bytes.indexOf(0x6c, i + 1))
    if (bytes[i + 1] === 0x61 && bytes[i + 2] === 0x73 && bytes[i + 3] === 0x73) return true;
  return false;
};

const bindingIn = (form: string, where: string): { reason: string; evidence: string } | undefined => {
  if (!hint.test(form)) return undefined;
  const name = binding.exec(lenientUrlDecode(form, true))?.[0];
  if (name === undefined) return undefined;
  const shown = name.replace(/^&?\s*/, '').slice(0, 120);
  return {
    reason:
      'template injection (Spring data binding, Spring4Shell CVE-2022-22965): a parameter bound to the class loader',
    evidence: `${where}: ${shown}`,
  };
};

/** A multipart field's name bound to the class loader, among the inputs' field names. */
const multipartBinding = (event: HttpRequestEvent): { reason: string; evidence: string } | undefined => {
  for (const { where } of eventInputs(event)) {
    const name = multipartFieldName(where);
    const found = name === undefined ? undefined : bindingIn(name, 'multipart');
    if (found !== undefined) return found;
  }
  return undefined;
};

/** The first query or form parameter bound to the class loader, if any. */
export const springClassBinding = (
  event: HttpRequestEvent,
): { reason: string; evidence: string } | undefined => {
  const fromQuery = event.query === '' ? undefined : bindingIn(event.query, 'query');
  if (fromQuery !== undefined || event.body.length === 0 || !mayHold(event.body)) return fromQuery;
  const type = headerToken(event.headers, 'content-type');
  if (type.includes('x-www-form-urlencoded'))
    return bindingIn(latin1(event.body, 0, inspectedBodyBytes), 'form');
  return type.startsWith('multipart/') ? multipartBinding(event) : undefined;
};

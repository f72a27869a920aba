/**
 * XML external entities (XXE) and entity bombs in request values and XML bodies: external entities and DTDs, XInclude,
 * billion laughs, inline entity probes. SAML messages are base64 (and, in the redirect binding, deflated) XML: they
 * are unwrapped and judged too, as XXE in SAML single sign-on is a classic.
 */
import { inflateRawSync } from 'node:zlib';
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import type { PayloadInput } from './text/payload-input.ts';
import { xxeVerdict } from './text/xxe-verdict.ts';

const judge = memoVerdict(xxeVerdict);
const minWrapped = 40;
/** Base64 long enough to hold a document; `+` may arrive as a space when a form value was not encoded. */
const base64Text = /^[A-Za-z0-9+/ \r\n]{40,}={0,2}\s*$/;
const maxWrapped = 256 * 1024;
const samlName = /saml(?:request|response)/i;

/**
 * XML wrapped in base64, or in deflate then base64 when the input is a SAML message; undefined if none; 'too long'
 * for a SAML message that inflates past `maxWrapped`, whose end is not read.
 */
const unwrapped = (input: PayloadInput): string | 'too long' | undefined => {
  const raw = input.raw;
  if (raw.length > maxWrapped || !base64Text.test(raw)) return undefined;
  const bytes = Buffer.from(raw.replaceAll(' ', '+'), 'base64');
  const text = bytes.toString('latin1').trimStart();
  if (text.startsWith('<')) return text;
  if (!samlName.test(input.where)) return undefined;
  try {
    return inflateRawSync(bytes, { maxOutputLength: maxWrapped }).toString('latin1');
  } catch (error) {
    return (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too long' : undefined;
  }
};

/**
 * The value as sent is what an XML parser reads: it does not undo URL or HTML encodings, so the decoded form is not
 * judged (an `&lt;!ENTITY` in a wiki edit is text about XML, not XML).
 */
const verdict = (_decoded: string, input: PayloadInput): string | undefined => {
  const raw = input.raw;
  // Most values hold no markup: rejected before the memo's lookup (every request value meets this detector).
  const direct = raw.indexOf('<') >= 0 || raw.indexOf('+ADw-') >= 0 ? judge(raw) : undefined;
  if (direct !== undefined) return direct;
  if (raw.length < minWrapped) return undefined;
  const inner = unwrapped(input);
  if (inner === undefined) return undefined;
  // Padding that deflates to nothing would push a declaration past what is read: the message is told instead.
  if (inner === 'too long') return 'SAML message inflating past 256 KiB (not read to its end)';
  const found = xxeVerdict(inner);
  return found === undefined ? undefined : `base64 XML: ${found}`;
};

export const xmlExternalEntity = embeddedAttack({
  id: 'xml-external-entity',
  severity: 'high',
  on: ['http-request', 'websocket-message'],
  verdict,
});

/**
 * Which lines after an injected line break are headers a server or a mailer would take as its own: a known name with
 * the value that header takes (`Location:` a URL or path, `Set-Cookie:` a `name=`, `Bcc:` an address), so that a
 * line of prose that happens to open with `Location: Berlin` is not one.
 */

type Kind = 'takeover' | 'http' | 'mail';

const any = /\S/;
const cookie = /^[^=\s;]+=/;
/** Headers and the values they take; a takeover plants a cookie (session fixation) or redirects. */
const headers = new Map<string, readonly [Kind, RegExp]>([
  ['set-cookie', ['takeover', cookie]],
  ['set-cookie2', ['takeover', cookie]],
  ['location', ['takeover', /^(?:[a-z][\w+.-]*:|\/|\\)/i]],
  ['refresh', ['takeover', /^\d/]],
  ['content-length', ['http', /^\d+\s*$/]],
  ['content-type', ['http', /^[\w.+-]+\/[\w.+-]+/]],
  ['content-disposition', ['http', /^(?:attachment|inline)\b/i]],
  ['content-encoding', ['http', /^[\w-]+\s*$/]],
  ['content-security-policy', ['http', any]],
  ['transfer-encoding', ['http', /^[\w-]+\s*$/]],
  ['cache-control', ['http', /^[\w-]+(?:=\S*)?\s*(?:,|$)/]],
  ['strict-transport-security', ['http', /^max-age=/i]],
  ['www-authenticate', ['http', /^\w+\s/]],
  ['link', ['http', /^</]],
  ['host', ['http', /^(?:[\w-]+\.)+[\w-]+(?::\d+)?\s*$|^[\w.-]+:\d+\s*$/]],
  ['cookie', ['http', cookie]],
]);
/** Mail headers a mailer takes from a form field into a message's head (CWE-93): an address added is a spam relay. */
const mailHeaders = new Set(['bcc', 'cc', 'to', 'from', 'reply-to', 'sender']);
const address = /[^\s@<]+@[\w-]+(?:\.[\w-]+)+/;
const headerLine = /^([A-Za-z][\w-]{0,63})[ \t]*:[ \t]*(.*)$/s;

const kindOf = (lower: string, value: string): Kind | undefined => {
  const known = headers.get(lower);
  if (known !== undefined) return known[1].test(value) ? known[0] : undefined;
  if (lower.startsWith('x-') || lower.startsWith('access-control-allow-'))
    return any.test(value) ? 'http' : undefined;
  return mailHeaders.has(lower) && address.test(value) ? 'mail' : undefined;
};

/** The injected header a line is, as a reason; undefined for a line that is none. */
export const headerReason = (line: string): string | undefined => {
  const match = headerLine.exec(line);
  if (match === null) return undefined;
  const name = match[1] as string;
  const kind = kindOf(name.toLowerCase(), match[2] as string);
  if (kind === 'takeover') return `an injected ${name} header`;
  if (kind === 'http') return `a line break then the header ${name}`;
  return kind === 'mail' ? `a line break then the mail header ${name}` : undefined;
};

/** Whether a reason is one of the lesser ones (another header, a mail header): medium. */
export const mediumReason = (reason: string): boolean => reason.startsWith('a line break then');

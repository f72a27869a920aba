/**
 * CR/LF injection (CWE-113 HTTP response splitting, CWE-93; OWASP CRS REQUEST-921): a request value that, decoded,
 * holds a line break followed by a header line (`Set-Cookie:`, `Location:`, `Bcc:`) or by a blank line and a second
 * body, for a server that copies the value into a response header, a redirect or a mail's head.
 */
import { crlfVerdict, isField, mediumReason } from './text/crlf-verdict.ts';
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';

const line = memoVerdict(crlfVerdict.line);
const field = memoVerdict(crlfVerdict.field);

export const crlfInjection = embeddedAttack({
  id: 'crlf-injection',
  severity: 'high',
  on: ['http-request', 'websocket-message'],
  verdict: (decoded, input) => (isField(input.where) ? field(decoded) : line(decoded)),
  // A planted cookie, a redirect and a split response are high; another header or a mail header medium.
  severityOf: (reason) => (mediumReason(reason) ? 'medium' : undefined),
});

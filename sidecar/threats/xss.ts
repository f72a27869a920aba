/** Cross-site scripting in request values: script-capable markup, event handlers, script URLs and string break-outs. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { xssVerdict } from './text/xss-verdict.ts';

export const xss = embeddedAttack({
  id: 'xss',
  severity: 'high',
  on: ['http-request', 'websocket-message'],
  verdict: memoVerdict(xssVerdict),
});

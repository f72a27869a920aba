/** Shellshock (CVE-2014-6271 family): a bash function definition opening a header or parameter value, followed by commands. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { shellshockVerdict } from './text/shellshock-verdict.ts';

export const shellshock = embeddedAttack({
  id: 'shellshock',
  severity: 'critical',
  on: ['http-request', 'websocket-message'],
  verdict: memoVerdict(shellshockVerdict),
});

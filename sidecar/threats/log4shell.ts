/** Log4Shell (CVE-2021-44228): JNDI lookups in any request value, including nested and obfuscated `${${lower:j}ndi:...}`. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { log4shellVerdict } from './text/log4shell-verdict.ts';
import { memoVerdict } from './text/memo-verdict.ts';

export const log4shell = embeddedAttack({
  id: 'log4shell',
  severity: 'critical',
  on: ['http-request', 'websocket-message', 'redis-command', 'operation'],
  verdict: memoVerdict(log4shellVerdict),
});

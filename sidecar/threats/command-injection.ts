/** OS command injection in request values and Redis arguments: control operators followed by real command lines. */
import { commandInjectionVerdict } from './text/command-injection-verdict.ts';
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';

export const commandInjection = embeddedAttack({
  id: 'command-injection',
  severity: 'critical',
  on: ['http-request', 'websocket-message', 'redis-command', 'operation'],
  verdict: memoVerdict(commandInjectionVerdict),
});

/** SSRF to cloud instance metadata: request values naming 169.254.169.254 in any spelling, or metadata host names. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { ssrfVerdict } from './text/ssrf-verdict.ts';

const metadataVerdict = memoVerdict(ssrfVerdict);

/** The Host header names the server this request goes to, not a URL the server will fetch. */
export const ssrf = embeddedAttack({
  id: 'ssrf',
  severity: 'high',
  on: ['http-request', 'websocket-message', 'redis-command'],
  verdict: (decoded, input) => (input.where === 'header host' ? undefined : metadataVerdict(decoded)),
});

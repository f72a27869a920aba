/** Path traversal in request values and the path: `../` climbs and system files, through every encoding disguise. */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { pathTraversalVerdict } from './text/path-traversal-verdict.ts';

export const pathTraversal = embeddedAttack({
  id: 'path-traversal',
  severity: 'high',
  on: ['http-request', 'websocket-message', 'redis-command'],
  verdict: memoVerdict(pathTraversalVerdict),
});

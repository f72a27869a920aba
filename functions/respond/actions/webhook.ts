/** webhook: POST the finding as JSON to a URL, signed with HMAC-SHA256 when a secret is named. */
import { z } from 'zod';
import type { Action } from '../action.ts';
import type { ActionTarget } from '../action-target.ts';
import { applyChanges } from '../apply-changes.ts';
import type { Change } from '../change.ts';

const params = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** Name of the secret whose value signs the body (header `x-meshward-signature: sha256=<hex>`). */
  secret: z.string().min(1).optional(),
});

const plan = (target: ActionTarget, p: z.infer<typeof params>): Change[] => [
  {
    kind: 'http-post',
    url: p.url,
    body: {
      finding: target.finding,
      rule: target.rule,
      actor: target.actor,
      reason: target.reason,
      at: target.now,
    },
    ...(p.secret === undefined ? {} : { secretEnv: p.secret }),
    summary: `POST the finding to ${new URL(p.url).origin}`,
  },
];

export const webhook: Action<typeof params> = {
  id: 'webhook',
  description: 'POST the finding to a URL',
  params,
  target: 'finding',
  permissions: [],
  whenLimited: 'skip',
  plan,
  apply: (changes, deps) => applyChanges('webhook', changes, deps),
};

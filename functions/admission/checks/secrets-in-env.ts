/** Secrets must come from Secret references, not literal env values (which end up in manifests and `kubectl get`). */
import { z } from 'zod';
import { definePodCheck } from './check.ts';
import { containersOf, named } from './containers.ts';
import { asObjects, asString } from './fields.ts';

const params = z
  .object({
    namePattern: z
      .string()
      .default(
        '(^|_)(PASSWORD|PASSWD|SECRET|SECRET_?KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)$',
      ),
  })
  .strict();

/** Shapes of well-known credentials, found whatever the variable is called. */
const valuePatterns: readonly RegExp[] = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bsk_live_[A-Za-z0-9]{16,}/,
];

/** Values that are clearly not a secret: empty, or a reference to a file or variable. */
const harmless = (value: string): boolean =>
  value === '' || value.startsWith('/') || /^\$\(.+\)$/.test(value);

export const secretsInEnv = definePodCheck({
  id: 'secretsInEnv',
  summary: 'Secrets must not be written as literal environment values',
  params,
  evaluate: (view, { namePattern }) => {
    const name = new RegExp(namePattern, 'i');
    return containersOf(view).flatMap((ref) =>
      asObjects(ref.container.env).flatMap((variable, index) => {
        const key = asString(variable.name) ?? '';
        const value = asString(variable.value);
        if (value === undefined || harmless(value)) return [];
        if (!name.test(key) && !valuePatterns.some((pattern) => pattern.test(value))) return [];
        return [
          {
            code: 'literal-secret',
            path: `${ref.path}.env[${index}].value`,
            message: `${named(ref)} sets ${key} to a literal value that looks like a secret`,
            // Never echo the secret itself: findings and warnings are widely visible.
            value: `(redacted, ${value.length} characters)`,
            allowed: 'valueFrom.secretKeyRef',
            fix: `move ${key} into a Secret and use env[].valueFrom.secretKeyRef`,
          },
        ];
      }),
    );
  },
});

/** Parses an admission webhook URL path, enforcing the secret path segment when one is configured. */
import { timingSafeEqual } from 'node:crypto';

export type WebhookRoute = { operation: 'mutate' | 'validate'; namespaceOptedIn: boolean };

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Accepted paths: `[/SECRET]/admission/mutate`, `[/SECRET]/admission/mutate/namespace` (the entry whose
 * namespaceSelector matched the opt-in label), `[/SECRET]/admission/validate` and its `/namespace` twin. With a secret
 * configured, anything else — including the plain paths — is `undefined`, which the handler answers 404.
 */
export const parseWebhookPath = (rawPath: string, secret: string): WebhookRoute | undefined => {
  const segments = rawPath.split('/').filter((segment) => segment !== '');
  if (secret !== '') {
    const [first, ...rest] = segments;
    if (first === undefined || !sameSecret(first, secret)) return undefined;
    return routeOf(rest);
  }
  return routeOf(segments);
};

const routeOf = (segments: string[]): WebhookRoute | undefined => {
  const path = segments.join('/');
  if (path === 'admission/mutate') return { operation: 'mutate', namespaceOptedIn: false };
  if (path === 'admission/mutate/namespace') return { operation: 'mutate', namespaceOptedIn: true };
  if (path === 'admission/validate') return { operation: 'validate', namespaceOptedIn: false };
  if (path === 'admission/validate/namespace') return { operation: 'validate', namespaceOptedIn: true };
  return undefined;
};

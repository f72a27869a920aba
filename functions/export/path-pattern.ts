/** Turns learned path templates (`/product/{id}`) into each dialect's path syntax. */

const templateSegment = /^\{[^/]+\}$/;

/**
 * Istio `paths` match exactly, by prefix (`/api/*`) or suffix; a template in the middle cannot be
 * expressed, so the path is cut before it and matched by prefix (wider; the caller says so).
 */
export const istioPath = (template: string): { path: string; widened: boolean } => {
  const segments = template.split('/');
  const first = segments.findIndex((segment) => templateSegment.test(segment));
  if (first === -1) return { path: template, widened: false };
  const prefix = `${segments.slice(0, first).join('/')}/*`;
  return { path: prefix, widened: first < segments.length - 1 };
};

const escapeRegex = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** Cilium `path` is an extended POSIX regex matched against the whole path. */
export const ciliumPath = (template: string): string =>
  template
    .split('/')
    .map((segment) => (templateSegment.test(segment) ? '[^/]+' : escapeRegex(segment)))
    .join('/');

/** Gateway API HTTPRoute (Linkerd) path match: exact, or a PathPrefix up to the first template. */
export const gatewayPathMatch = (template: string): { type: 'Exact' | 'PathPrefix'; value: string } => {
  const segments = template.split('/');
  const first = segments.findIndex((segment) => templateSegment.test(segment));
  if (first === -1) return { type: 'Exact', value: template };
  const value = segments.slice(0, first).join('/');
  return { type: 'PathPrefix', value: value === '' ? '/' : value };
};

/** Matches a method and path against `METHOD /path/{param}` route keys, literal segments first. */

export type Matched<T> = { value: T; pathParameters: Record<string, string> };

const segments = (path: string) => path.split('/').filter((s) => s !== '');

const matchOne = (pattern: string[], actual: string[]): Record<string, string> | undefined => {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of pattern.entries()) {
    const value = actual[i] ?? '';
    if (segment.startsWith('{') && segment.endsWith('}'))
      params[segment.slice(1, -1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return params;
};

export const matchRoute = <T extends { route: string }>(
  routes: readonly T[],
  method: string,
  path: string,
): Matched<T> | 'method-not-allowed' | undefined => {
  const actual = segments(path);
  let pathMatched = false;
  const ordered = [...routes].sort(
    (a, b) => (a.route.includes('{') ? 1 : 0) - (b.route.includes('{') ? 1 : 0),
  );
  for (const value of ordered) {
    const [routeMethod = '', routePath = ''] = value.route.split(' ');
    const pathParameters = matchOne(segments(routePath), actual);
    if (pathParameters === undefined) continue;
    pathMatched = true;
    if (routeMethod === method.toUpperCase()) return { value, pathParameters };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
};

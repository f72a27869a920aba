/** Matches requests to API Gateway-style route keys (`POST /api/rules/{id}`, `GET /ui/{proxy+}`). */
import type { CloudFunction } from '../cloud-function.ts';

export type RouteMatch = { fn: CloudFunction; routeKey: string; pathParameters: Record<string, string> };

type CompiledRoute = { fn: CloudFunction; routeKey: string; method: string; segments: string[] };

const splitPath = (path: string): string[] => path.split('/').filter((segment) => segment !== '');

const matchSegments = (pattern: string[], actual: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [index, segment] of pattern.entries()) {
    if (segment.startsWith('{') && segment.endsWith('+}')) {
      if (index >= actual.length) return undefined;
      params[segment.slice(1, -2)] = actual.slice(index).join('/');
      return params;
    }
    const value = actual[index];
    if (value === undefined) return undefined;
    if (segment.startsWith('{') && segment.endsWith('}')) params[segment.slice(1, -1)] = value;
    else if (segment !== value) return undefined;
  }
  return pattern.length === actual.length ? params : undefined;
};

/** Literal segments beat parameters, so `/admission/mutate` wins over `/{secret}/admission`. */
const specificity = (route: CompiledRoute): number =>
  route.segments.reduce((score, segment) => score * 3 + (segment.startsWith('{') ? 1 : 2), 1);

export const createRouter = (functions: readonly CloudFunction[]) => {
  const routes: CompiledRoute[] = functions.flatMap((fn) =>
    fn.routes.map((routeKey) => {
      const [method = '', path = '/'] = routeKey.split(' ');
      return { fn, routeKey, method: method.toUpperCase(), segments: splitPath(path) };
    }),
  );
  routes.sort((a, b) => specificity(b) - specificity(a));
  return {
    match(method: string, path: string): RouteMatch | 'method-not-allowed' | undefined {
      const actual = splitPath(path).map((segment) => decodeURIComponent(segment));
      let pathMatched = false;
      for (const route of routes) {
        const params = matchSegments(route.segments, actual);
        if (params === undefined) continue;
        if (route.method === method.toUpperCase() || route.method === 'ANY') {
          return { fn: route.fn, routeKey: route.routeKey, pathParameters: params };
        }
        pathMatched = true;
      }
      return pathMatched ? 'method-not-allowed' : undefined;
    },
  };
};

/** The REST API: find the route, check the caller's token and role, run it, answer JSON. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ApiTokenVerifier, roleAllows } from '#functions/platform/auth/verify-api-token.ts';
import { bearerToken } from '#functions/platform/auth/verify-pod-token.ts';
import { bodyText, header, json, jsonBody } from '#functions/platform/http.ts';
import { captureRoutes } from '#functions/respond/api/capture-routes.ts';
import { podActionRoutes } from '#functions/respond/api/pod-action-routes.ts';
import { podRoutes } from '#functions/respond/api/pod-routes.ts';
import { responseRoutes } from '#functions/respond/api/response-routes.ts';
import { getRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import type { ApiDeps, ApiRoute } from './api-route.ts';
import { matchRoute } from './match-route.ts';
import { exportRoutes } from './routes/export-routes.ts';
import { findingRoutes } from './routes/finding-routes.ts';
import { graphRoutes } from './routes/graph-routes.ts';
import { groupRoutes } from './routes/group-routes.ts';
import { ruleRoutes } from './routes/rule-routes.ts';

export const apiRoutes: readonly ApiRoute[] = [
  ...groupRoutes,
  ...ruleRoutes,
  ...findingRoutes,
  ...graphRoutes,
  ...exportRoutes,
  ...responseRoutes(async () => (await getRespondRuntime()).deps.store),
  ...podRoutes(async () => (await getRespondRuntime()).deps),
  ...podActionRoutes(async () => (await getRespondRuntime()).deps),
  ...captureRoutes(async () => (await getRespondRuntime()).deps),
];

const queryOf = (event: APIGatewayProxyEventV2): Record<string, string> =>
  Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (e): e is [string, string] => e[1] !== undefined,
    ),
  );

const problem = (status: number, error: string, message: string) =>
  json(status, { error, message, details: [] });

export const handleApi = async (
  event: APIGatewayProxyEventV2,
  deps: ApiDeps & { verifyApiToken: ApiTokenVerifier },
): Promise<APIGatewayProxyStructuredResultV2> => {
  const method = event.requestContext.http.method;
  const matched = matchRoute(apiRoutes, method, event.rawPath);
  if (matched === undefined) return problem(404, 'not-found', `no API route ${method} ${event.rawPath}`);
  if (matched === 'method-not-allowed')
    return problem(405, 'method-not-allowed', `${method} is not allowed here`);
  const auth = await deps.verifyApiToken(bearerToken(header(event, 'authorization')));
  if (!auth.ok)
    return problem(auth.status, auth.status === 401 ? 'unauthenticated' : 'forbidden', auth.reason);
  if (!roleAllows(auth.value.role, matched.value.role)) {
    return problem(
      403,
      'forbidden',
      `${matched.value.route} needs the ${matched.value.role} role; you are a ${auth.value.role}`,
    );
  }
  const body = bodyText(event).trim() === '' ? undefined : jsonBody(event);
  const request = { pathParameters: matched.pathParameters, query: queryOf(event), body, caller: auth.value };
  const result = await matched.value.run(request, deps);
  return json(result.status, result.body);
};

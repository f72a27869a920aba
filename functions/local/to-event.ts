/** Turns a Node HTTP request into the API Gateway v2 (HTTP API) event that Lambda would receive. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export type RawRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  routeKey: string;
  pathParameters: Record<string, string>;
};

const textTypes = /^(application\/(json|x-www-form-urlencoded|yaml|xml)|text\/)/i;

const flattenHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'cookie') continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
};

const queryParameters = (search: URLSearchParams): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const key of new Set(search.keys())) params[key] = search.getAll(key).join(',');
  return Object.keys(params).length === 0 ? undefined : params;
};

export const toEvent = (request: RawRequest, now = new Date()): APIGatewayProxyEventV2 => {
  const url = new URL(request.url, 'https://localhost');
  const headers = flattenHeaders(request.headers);
  const isText = textTypes.test(headers['content-type'] ?? '');
  const queryStringParameters = queryParameters(url.searchParams);
  const cookies = request.headers.cookie?.split(';').map((cookie) => cookie.trim());
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies === undefined ? {} : { cookies }),
    ...(queryStringParameters === undefined ? {} : { queryStringParameters }),
    ...(Object.keys(request.pathParameters).length === 0 ? {} : { pathParameters: request.pathParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'meshward-local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'meshward-local',
      http: {
        method: request.method.toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length === 0
      ? {}
      : { body: isText ? request.body.toString('utf8') : request.body.toString('base64') }),
    isBase64Encoded: request.body.length > 0 && !isText,
  };
};

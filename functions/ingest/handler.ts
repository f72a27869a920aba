/** Lambda adapter for ingest (`POST /findings`): bearer token and JSON body in, the ingest answer out. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bearerToken } from '#functions/platform/auth/verify-pod-token.ts';
import { errorResponse, header, json, jsonBody } from '#functions/platform/http.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { ingest } from './run.ts';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const token = bearerToken(header(event, 'authorization'));
    if (token === undefined)
      return json(401, { error: 'unauthenticated', message: 'missing bearer token', details: [] });
    const result = await ingest({ token, body: jsonBody(event) }, await getRuntime());
    return json(result.status, result.body);
  } catch (error) {
    return errorResponse(error);
  }
};

/** Lambda adapter for the REST API (`/api/...`). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from '#functions/platform/http.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { handleApi } from './run.ts';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    return await handleApi(event, await getRuntime());
  } catch (error) {
    return errorResponse(error);
  }
};

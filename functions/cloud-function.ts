/** The cloud-function seam: a Lambda handler plus the HTTP routes the local host serves it on. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** An HTTP-triggered handler, exactly the shape Lambda gives a Function URL or HTTP API integration. */
export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export type CloudFunction = {
  id: string;
  /**
   * Routes as `METHOD /path`, with `{name}` for a path parameter and a trailing `{proxy+}` for the rest,
   * as in API Gateway route keys.
   */
  routes: readonly string[];
  handler: HttpHandler;
};

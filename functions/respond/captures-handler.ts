/** Lambda adapter for `/captures/{key}`: a tap PUTs a pcap to its presigned URL; a person GETs it from the alert's link. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, json } from '#functions/platform/http.ts';
import { getRespondRuntime } from './current-respond-runtime.ts';

const maxCaptureBytes = 64 * 1024 * 1024;

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const { objectStore } = await getRespondRuntime();
    if (objectStore.verify === undefined)
      return json(404, { error: 'not-found', message: 'captures are in S3 here: use the presigned link' });
    const key = event.pathParameters?.key ?? '';
    const method = event.requestContext.http.method === 'PUT' ? 'PUT' : 'GET';
    const query = event.queryStringParameters ?? {};
    if (!objectStore.verify(method, key, query.expires, query.signature)) {
      return json(403, { error: 'forbidden', message: 'missing, expired or invalid signature' });
    }
    if (method === 'GET') {
      const body = await objectStore.get(key);
      if (body === undefined) return json(404, { error: 'not-found', message: 'no such capture' });
      const headers = { 'content-type': 'application/vnd.tcpdump.pcap' };
      return { statusCode: 200, headers, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
    }
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    if (body.length > maxCaptureBytes) return json(413, { error: 'too-large', message: 'capture too large' });
    await objectStore.put(key, body);
    return json(201, { stored: key, bytes: body.length });
  } catch (error) {
    return errorResponse(error);
  }
};

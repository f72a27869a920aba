/** Lambda adapter for Slack (`POST /slack/actions`, `/slack/commands`): raw body and signature headers in, a fast answer out. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bodyText, errorResponse, header, json } from '#functions/platform/http.ts';
import { getRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import { slackEdgeDeps } from './edge-deps.ts';
import { handleSlackRequest } from './run.ts';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const runtime = await getRespondRuntime();
    if (runtime.slackConfig === undefined) {
      return json(503, {
        error: 'unavailable',
        message: 'Slack is not configured (MESHWARD_SLACK_SIGNING_SECRET)',
      });
    }
    const request = {
      signature: header(event, 'x-slack-signature'),
      timestamp: header(event, 'x-slack-request-timestamp'),
      rawBody: bodyText(event),
    };
    const answer = await handleSlackRequest(request, slackEdgeDeps(runtime, runtime.slackConfig));
    return answer.body === '' ? { statusCode: 200, body: '' } : json(answer.status, answer.body);
  } catch (error) {
    return errorResponse(error);
  }
};

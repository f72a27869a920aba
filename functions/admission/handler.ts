/** Lambda adapter for the admission webhooks: path check, body parsing, dispatch, error mapping. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type AdmissionResponse, reviewResponseJson } from '#core/admission-review.ts';
import { errorResponse, json, jsonBody } from '../platform/http.ts';
import { currentConfig } from '../platform/load-config.ts';
import { jsonLogger } from '../platform/logger.ts';
import { mutateReview } from './mutate/run.ts';
import { parseReview } from './parse-review.ts';
import { currentPolicySet } from './validate/default-policy-set.ts';
import { validateReview } from './validate/run.ts';
import { parseWebhookPath } from './webhook-path.ts';

const log = jsonLogger();

/** What `json(200, reviewResponse(response))` gives, serialized without re-reading the base64 patch. */
const answer = (response: AdmissionResponse) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: reviewResponseJson(response),
});

export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    const config = currentConfig();
    const route = parseWebhookPath(event.rawPath, config.webhookPathSecret);
    if (route === undefined) return json(404, { error: 'not-found' });
    const review = parseReview(jsonBody(event));
    if (route.operation === 'mutate') {
      return answer(mutateReview(review.request, { config, namespaceOptedIn: route.namespaceOptedIn }));
    }
    const namespaceLabels = route.namespaceOptedIn ? { 'meshward.io/inject': 'enabled' } : {};
    const deps = { policies: currentPolicySet(), now: new Date(), config, namespaceLabels };
    const { response, audit } = validateReview(review, deps);
    // Admission has no side effects: audit results go to the API server's audit log (auditAnnotations) and here.
    for (const finding of audit) log('info', 'admission audit', { finding });
    return answer(response);
  } catch (error) {
    return errorResponse(error);
  }
};

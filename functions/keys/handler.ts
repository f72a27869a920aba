/** Lambda adapter publishing the public keys taps verify commands with (a JWKS, no secrets). */

import { errorResponse, json } from '../platform/http.ts';
import { getRuntime } from '../platform/runtime.ts';

export const handler = async () => {
  try {
    const runtime = await getRuntime();
    if (runtime.signer === undefined)
      return json(404, { error: 'not-found', message: 'this control plane signs no commands' });
    return json(200, runtime.signer.jwks, { 'cache-control': 'public, max-age=300' });
  } catch (error) {
    return errorResponse(error);
  }
};

/**
 * The mutate benchmark's webhook server in a process of its own, as in a cluster (the API server is another
 * process): the injector and a do-nothing webhook behind the same local HTTPS server. Prints its port, then serves
 * until stdin closes.
 */
import { generate } from 'selfsigned';
import { reviewResponse } from '#core/admission-review.ts';
import { parseConfig } from '#core/config.ts';
import { handler as admissionHandler } from '#functions/admission/handler.ts';
import type { CloudFunction } from '#functions/cloud-function.ts';
import { createLocalServer } from '#functions/local/server.ts';
import { json, jsonBody } from '#functions/platform/http.ts';
import { setConfig } from '#functions/platform/load-config.ts';
import { silentLogger } from '#functions/platform/logger.ts';

/** The baseline: parses the body and echoes an allowed response, nothing else. */
const noopFunction: CloudFunction = {
  id: 'noop',
  routes: ['POST /noop'],
  handler: async (event) => {
    const body = jsonBody(event) as { request: { uid: string } };
    return json(200, reviewResponse({ uid: body.request.uid, allowed: true }));
  },
};

const admission: CloudFunction = {
  id: 'admission',
  routes: ['POST /admission/mutate/namespace'],
  handler: admissionHandler,
};

const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
// The configuration the in-process figures use: an Istio pod with the tap's egress port excluded from the mesh.
setConfig(parseConfig({ inject: { egressPort: 8443 } }));
const server = createLocalServer({
  functions: [admission, noopFunction],
  tls: { key: pems.private, cert: pems.cert },
  logger: silentLogger,
});
const port = await server.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));

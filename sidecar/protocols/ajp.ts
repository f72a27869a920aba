/**
 * The Apache JServ Protocol 1.3 (`ajp`): a web server (Apache's mod_proxy_ajp or mod_jk, nginx's ajp module, IIS's
 * isapi_redirect) forwarding HTTP requests to a servlet container's AJP connector (Tomcat, JBoss, Jetty), usually on
 * port 8009. Identified from either side's first packet (ajp-detect.ts), never from the port. The requests it carries
 * are told as HTTP's are, so the web detectors judge them; `ajp-abuse` judges what only AJP can say (Ghostcat).
 */
import { detectAjp } from './ajp-detect.ts';
import { createAjpParser } from './ajp-parser.ts';
import type { Protocol } from './protocol.ts';

export const ajp: Protocol = {
  id: 'ajp',
  transport: 'tcp',
  ports: [8009],
  encrypted: false,
  detect: detectAjp,
  createParser: createAjpParser,
};

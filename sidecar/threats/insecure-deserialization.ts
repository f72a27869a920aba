/**
 * Insecure deserialization (CWE-502; ModSecurity CRS 944 Java, 933 PHP): serialized objects a client sends that a
 * server would turn into objects of the client's choosing. Java serialization streams (binary body, base64, gzip,
 * hex), .NET BinaryFormatter and ViewState gadgets, PHP `serialize()` objects, Python pickles, Ruby Marshal and YAML
 * gadgets, typed JSON (fastjson, Jackson, Json.NET), XStream and XMLDecoder documents, node-serialize functions.
 * Apache Shiro `rememberMe` cookies opened with the public AES keys (CVE-2016-4437). ActiveMQ OpenWire commands a
 * client sends carrying a Throwable of a class that is not an exception of the JDK or ActiveMQ (CVE-2023-46604).
 * GIOP requests whose RMI-IIOP value types name a known gadget class (WebLogic's IIOP, CVE-2020-2551). STOMP SENDs
 * whose body, a Java stream or the XML/JSON ActiveMQ unmarshals with XStream, names one. beanstalkd and Gearman jobs,
 * put or submitted and handed to a worker, whose body builds a known gadget chain (queued-job.ts).
 * Critical when a known gadget chain or a command-running global is named; high, by policy, for a serialized object
 * with none (a server should not take one from a client at all).
 */
import { z } from 'zod';
import { severitySchema } from '#core/finding.ts';
import { readsEvery, readsRequests } from '../engine/event-read.ts';
import type { HttpRequestEvent, ProtocolEvent } from '../events.ts';
import { decodedBody } from '../protocols/http-content-decoding.ts';
import { headerToken } from '../protocols/http-head.ts';
import { hasSerializedOpening, judgeSerialized } from './text/deserialization-verdict.ts';
import { eventInputs } from './text/event-inputs.ts';
import { inspectedBodyBytes } from './text/http-inputs.ts';
import { ignoreList, isIgnored } from './text/ignored-inputs.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { dispatchedObject, handedOn, operationSighting } from './text/operation-sightings.ts';
import type { PayloadInput } from './text/payload-input.ts';
import { serializedBytes } from './text/serialized-bytes.ts';
import type { Serialized, Sighting } from './text/serialized-format.ts';
import { carriesShiroCookie, shiroCookie } from './text/shiro-cookies.ts';
import { defaultShiroKeys } from './text/shiro-keys.ts';
import { shiroKeys } from './text/shiro-remember-me.ts';
import { typeSlot } from './text/typed-documents.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

/** A key the policy lists: refused at load, with its text, when it is not base64 of an AES key. */
const shiroKey = z.string().superRefine((text, ctx) => {
  try {
    shiroKeys([text]);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const config = detectorConfig('critical', {
  /** Severity of a serialized object that names no known gadget (`severity` is that of one that does). */
  severityWithoutGadget: severitySchema.default('high'),
  confidence: z.number().min(0).max(1).default(0.95),
  confidenceWithoutGadget: z.number().min(0).max(1).default(0.8),
  /** Input locations (`cookie JSESSIONSTATE`, `form javax.faces.ViewState`, `body`, ...) to leave alone, by prefix. */
  ignore: ignoreList(),
  /** Cookies that Apache Shiro keeps its encrypted `rememberMe` in (an application can rename it). */
  shiroCookies: z.array(z.string().min(1)).default(['rememberMe']),
  /** Public Shiro keys tried on them (base64 AES keys, `shiro-keys.ts`); `extraShiroKeys` adds to them. */
  shiroKeys: z.array(shiroKey).default([...defaultShiroKeys]),
  extraShiroKeys: z.array(shiroKey).default([]),
});
type Config = z.infer<typeof config>;

/** A Shiro cookie opened: the format says how, so the evidence names the CVE, the key and the mode. */
const shiroSighting = (input: PayloadInput, c: Config): Sighting | undefined => {
  const opened = shiroCookie(input, c);
  if (opened === undefined) return undefined;
  const format = `Apache Shiro rememberMe (CVE-2016-4437) opened with the public key ${opened.key} (AES-${opened.mode}): ${opened.found.format}`;
  return { found: { ...opened.found, format }, where: input.where, shown: input.raw.slice(0, 80) };
};

/** Values with an opening are remembered (a Rails `BAh7…` session cookie comes with every request); others cost one test. */
const judged = memoVerdict(judgeSerialized);
const verdict = (value: string): Serialized | undefined =>
  hasSerializedOpening(value) ? judged(value) : undefined;
/** First octets of the binary streams a body may be sent as: Java, BinaryFormatter, ObjectStateFormatter, Marshal, pickle. */
const binaryOpenings = new Set([0xac, 0x00, 0xff, 0x04, 0x80]);

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.subarray(0, 24)).toString('hex').replace(/(..)/g, '$1 ');

/** A binary body: judged by its octets (the text inputs see it as Latin-1, with NULs removed). */
const binaryBody = (event: HttpRequestEvent): Sighting | undefined => {
  const first = event.body[0];
  if (first === undefined) return undefined;
  if (!binaryOpenings.has(first) && headerToken(event.headers, 'content-encoding') === '') return undefined;
  const body = decodedBody(event);
  if (body === undefined || !binaryOpenings.has(body[0] ?? 0x20)) return undefined;
  const found = serializedBytes(body.subarray(0, inspectedBodyBytes));
  return found === undefined ? undefined : { found, where: 'body', shown: `octets ${hex(body).trimEnd()}` };
};

const ignored = (where: string, c: Config): boolean => isIgnored(where, c.ignore);

/** One input's sighting: a format in its text, or (when the request carries one) a Shiro cookie opened. */
const inputSighting = (input: PayloadInput, c: Config, shiro: boolean): Sighting | undefined => {
  const found = verdict(input.decoded) ?? typeSlot(input.where, input.decoded);
  if (found !== undefined) return { found, where: input.where, shown: input.raw.slice(0, 200) };
  return shiro ? shiroSighting(input, c) : undefined;
};

/** The strongest sighting of the event: the first naming a gadget, else the first at all. */
const sighting = (event: ProtocolEvent, c: Config): Sighting | undefined => {
  let best = event.kind === 'http-request' ? binaryBody(event) : undefined;
  if (best !== undefined && ignored(best.where, c)) best = undefined;
  // Shiro's cookie is looked for among the inputs only when a Cookie header names it.
  const shiro = event.kind === 'http-request' && carriesShiroCookie(event.headers, c);
  for (const input of eventInputs(event)) {
    if (best?.found.gadget !== undefined) return best;
    if (ignored(input.where, c)) continue;
    const seen = inputSighting(input, c, shiro);
    if (seen !== undefined && (best === undefined || seen.found.gadget !== undefined)) best = seen;
  }
  return best;
};

export const insecureDeserialization: Threat<typeof config, undefined> = {
  id: 'insecure-deserialization',
  on: ['http-request', 'websocket-message', 'operation'],
  // Attacks come from clients: only client→server events; of operations, Java RMI's calls, T3's messages, OpenWire's
  // commands, GIOP's requests, STOMP's frames, beanstalkd's and Gearman's jobs. The exceptions: a broker's delivery
  // of an object message to a consumer (OpenWire's dispatch, STOMP's MESSAGE), and a job queue's job handed to a
  // worker, which they deserialize; their tap may be the only one that sees it (the producer elsewhere).
  reads: [
    readsRequests('http-request'),
    readsRequests('websocket-message'),
    {
      ...readsEvery('operation', ['to-server']),
      protocols: ['rmi', 't3', 'openwire', 'giop', 'stomp', 'beanstalkd', 'gearman'],
    },
    { ...readsEvery('operation', ['to-client']), protocols: handedOn },
  ],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind === 'packet' || event.kind === 'flow-end') return noHits;
    if (event.direction !== 'to-server' && !dispatchedObject(event)) return noHits;
    const seen =
      event.kind === 'operation'
        ? operationSighting(event)
        : event.kind === 'http-request' || event.kind === 'websocket-message'
          ? sighting(event, c)
          : undefined;
    if (seen === undefined) return noHits;
    const { format, gadget } = seen.found;
    const what = gadget === undefined ? `${format}, no known gadget` : `${format} with gadget ${gadget}`;
    return [
      {
        threat: 'insecure-deserialization',
        severity: gadget === undefined ? c.severityWithoutGadget : c.severity,
        confidence: gadget === undefined ? c.confidenceWithoutGadget : c.confidence,
        evidence: `${what} — ${seen.where}: ${seen.shown}`,
        ts: event.ts,
      },
    ];
  },
};

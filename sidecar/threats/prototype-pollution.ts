/**
 * Server-side prototype pollution (Node.js; lodash CVE-2019-10744, CVE-2020-8203, qs CVE-2022-24999, Kibana
 * CVE-2019-7609): request keys that a recursive merge, a path setter or a qs parser turns into writes on
 * Object.prototype (`__proto__[isAdmin]=1`, `{"constructor":{"prototype":{"shell":…}}}`); critical when the
 * property written is a known gadget for code execution or privilege.
 */
import { readsRequests } from '../engine/event-read.ts';
import type { ProtocolEvent } from '../events.ts';
import { formSighting, inputsSighting, type Sighting, stronger } from './prototype-pollution-inputs.ts';
import { eventInputs } from './text/event-inputs.ts';
import { formTexts } from './text/form-names.ts';
import { ignoreList, isIgnored } from './text/ignored-inputs.ts';
import { detectorConfig, noHits, type Threat, type ThreatHit } from './threat.ts';

const config = detectorConfig('high', {
  /** Input locations (`query`, `json`, `multipart`, ...) to leave alone, by prefix. */
  ignore: ignoreList(),
});

const protoBytes = new TextEncoder().encode('_proto');
const constructorBytes = new TextEncoder().encode('constructor');

/** Whether `bytes` hold `word` (ASCII octets). */
const holdsWord = (bytes: Uint8Array, word: Uint8Array): boolean => {
  for (let i = bytes.indexOf(word[0] as number); i >= 0; i = bytes.indexOf(word[0] as number, i + 1)) {
    let j = 1;
    while (j < word.length && bytes[i + j] === word[j]) j++;
    if (j === word.length) return true;
  }
  return false;
};

/** Whether `bytes` hold an escaped `_` (`%5F`) or lowercase letter (`%6x`, `%7x`), which could spell a step. */
const holdsEscapedStep = (bytes: Uint8Array): boolean => {
  for (let i = bytes.indexOf(0x25); i >= 0; i = bytes.indexOf(0x25, i + 1)) {
    const high = bytes[i + 1];
    if (high === 0x36 || high === 0x37 || (high === 0x35 && ((bytes[i + 2] ?? 0) | 0x20) === 0x66))
      return true;
  }
  return false;
};

/**
 * Octets of a form body that could spell a prototype step, looked at before the body is made text: `_proto`,
 * `constructor`, or an escape that could spell either (prototypeHint, in octets).
 */
const bodyHint = (body: Uint8Array): boolean =>
  holdsWord(body, protoBytes) || holdsWord(body, constructorBytes) || holdsEscapedStep(body);

/** A request's prototype writes: query and form names read whole, then JSON keys, multipart names and values. */
const requestSighting = (event: ProtocolEvent): Sighting | undefined => {
  let best: Sighting | undefined;
  if (event.kind === 'http-request')
    for (const [text, place] of formTexts(event, bodyHint)) best = stronger(best, formSighting(text, place));
  if (best !== undefined && best.level === 2) return best;
  return stronger(best, inputsSighting(eventInputs(event)));
};

export const prototypePollution: Threat<typeof config, undefined> = {
  id: 'prototype-pollution',
  on: ['http-request', 'websocket-message'],
  // Attacks come from clients: only client→server events are judged.
  reads: [readsRequests('http-request'), readsRequests('websocket-message')],
  config,
  scope: 'flow',
  initialState: () => undefined,
  inspect(event, _state, { config: c }): ThreatHit[] {
    if (event.kind !== 'http-request' && event.kind !== 'websocket-message') return noHits;
    if (event.direction !== 'to-server') return noHits;
    const found = requestSighting(event);
    if (found === undefined) return noHits;
    if (isIgnored(found.where, c.ignore)) return noHits;
    const severity = found.level === 2 ? 'critical' : c.severity;
    const confidence = found.level === 2 ? 0.95 : 0.9;
    const evidence = `${found.reason} — ${found.where}: ${found.value.slice(0, 200)}`;
    return [{ threat: 'prototype-pollution', severity, confidence, evidence, ts: event.ts }];
  },
};

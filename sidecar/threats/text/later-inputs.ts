/**
 * A request's form fields or JSON strings past its body's 64 KiB (ADR 46): the parser's (`later`, read on the wire
 * past the bound), or, for a compressed body that decodes past the 64 KiB judged, read here from what it decodes to
 * (to 1 MiB, `decodedBody`), as a compressed multipart body's later parts are (http-inputs.ts).
 */
import type { HttpRequestEvent, LaterValues } from '../../events.ts';
import { decodedBody } from '../../protocols/http-content-decoding.ts';
import { headerNamed } from '../../protocols/http-head.ts';
import { requestBodyLimit } from '../../protocols/http-message.ts';
import { createLaterTail } from '../../protocols/later-tail.ts';

/** The decoded text judged before the later values: as long as the body kept (inspectedBodyBytes, http-inputs.ts). */
const judgedBytes = requestBodyLimit;

/** The last request's answer: the injection inputs and `uninspected-body` ask about one request in a row. */
const last: { event: HttpRequestEvent | undefined; values: LaterValues | undefined } = {
  event: undefined,
  values: undefined,
};

const decodedLater = (event: HttpRequestEvent, body: Uint8Array): LaterValues | undefined => {
  const tail = createLaterTail(headerNamed(event.headers, 'content-type') ?? '', '', [
    body.subarray(0, judgedBytes),
  ]);
  tail?.feed(body.subarray(judgedBytes));
  return tail?.result();
};

/**
 * The values read past the body's bound, or undefined when none were read (the body was judged whole, or not read).
 * `decoded`: the body as `decodedBody` gives it, when the caller has it already. Only a body past the bound costs more
 * than a comparison.
 */
export const laterValues = (
  event: HttpRequestEvent,
  decoded: Uint8Array | undefined = decodedBody(event),
): LaterValues | undefined => {
  if (event.later !== undefined) return event.later;
  if (decoded === undefined || decoded === event.body || decoded.length <= judgedBytes) return undefined;
  if (last.event !== event) {
    last.event = event;
    last.values = decodedLater(event, decoded);
  }
  return last.values;
};

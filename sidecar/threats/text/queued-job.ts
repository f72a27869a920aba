/**
 * Judges a queued job's body (beanstalkd's `put`, `RESERVED` and `FOUND`; Gearman's SUBMIT_JOB and JOB_ASSIGN):
 * queue workers deserialize what they are handed, and a job is serialized by design (Laravel's JSON with a PHP
 * `serialize()` command, Celery's and RQ's pickles, Java streams), so only a known gadget chain is told, never a
 * serialized object as such. Octets first (a Java stream, a pickle, gzip of one), then, when the text holds a format's
 * opening, the text and, for a JSON job, each of its strings (Laravel's `data.command`, kombu's base64 body).
 */
import { latin1 } from '../../protocols/wire-bytes.ts';
import { hasSerializedOpening, judgeSerialized } from './deserialization-verdict.ts';
import { jsonStrings } from './json-strings.ts';
import { phpJobGadget } from './php-job-gadgets.ts';
import { phpSerialized } from './php-serialized.ts';
import { serializedBytes } from './serialized-bytes.ts';
import type { Serialized } from './serialized-format.ts';

/** A job's first 64 KiB, as a request body is judged; a JSON job's first 256 strings. */
const scanned = 64 * 1024;
const maxStrings = 256;
/** First octets of binary streams: Java, pickle PROTO 2-5, gzip, BinaryFormatter, Marshal, ObjectStateFormatter. */
const binaryOpenings = new Set([0xac, 0x80, 0x1f, 0x00, 0x04, 0xff]);

/**
 * One text: a PHP object only with a phpggc chain's entry class among its classes (php-job-gadgets.ts); any other
 * format with the gadget its judge names.
 */
const judgeText = (value: string): Serialized | undefined => {
  if (!hasSerializedOpening(value)) return undefined;
  const php = phpSerialized(value);
  if (php !== undefined) {
    const gadget = phpJobGadget(value);
    if (gadget !== undefined) return { format: php.format, gadget };
  }
  const found = judgeSerialized(value);
  return found?.gadget !== undefined && !found.format.startsWith('PHP') ? found : undefined;
};

const isJson = (text: string): boolean => /^\s*[[{]/.test(text);

/** The gadget a job's body would build in its worker; undefined for an ordinary job (text, JSON, plain objects). */
export const queuedJobGadget = (body: Uint8Array): Serialized | undefined => {
  if (binaryOpenings.has(body[0] ?? 0x20)) {
    const found = serializedBytes(body.subarray(0, scanned));
    if (found?.gadget !== undefined) return found;
  }
  const text = latin1(body, 0, scanned);
  if (!hasSerializedOpening(text)) return undefined;
  const whole = judgeText(text);
  if (whole !== undefined || !isJson(text)) return whole;
  for (const [path, value] of jsonStrings(text, maxStrings) ?? []) {
    const found = judgeText(value);
    if (found !== undefined)
      return { ...found, format: `${found.format} in the JSON's ${path.slice(0, 80)}` };
  }
  return undefined;
};

/**
 * Judges octets by their first ones, as the deserializers read them: a Java serialization stream (`AC ED 00 05`,
 * Java Object Serialization Specification §6.4), a .NET BinaryFormatter stream ([MS-NRBF] 2.6.1 header), an ASP.NET
 * LosFormatter/ObjectStateFormatter value (`FF 01`), a Ruby Marshal stream (`04 08`), a Python pickle, a PHP
 * serialized object, or gzip holding one of these (`1F 8B`, RFC 1952; JSF client state is sent so).
 */
import { gunzipSync } from 'node:zlib';
import { latin1, u16be, u32be, u32le } from '../../protocols/wire-bytes.ts';
import { gadgetIn } from './deserialization-gadgets.ts';
import { phpSerialized } from './php-serialized.ts';
import { pickleVerdict } from './pickle-verdict.ts';
import { type Serialized, through } from './serialized-format.ts';

/** Octets read for class names: the 64 KiB a request body is judged to. */
const scanned = 64 * 1024;
const maxInflated = 256 * 1024;
const text = (b: Uint8Array): string => latin1(b, 0, scanned);

/** A class name as `writeUTF` writes it in a class descriptor: a binary name, or an array's descriptor. */
const className = /^(?:[A-Za-z_$][\w$]*(?:\.[\w$]+)*|\[+(?:[BCDFIJSZ]|L[\w.$]+;))$/;

/** The class descriptor at `at` (TC_CLASSDESC: a u2 length, then the name); undefined when it is not one. */
const descriptorName = (b: Uint8Array, at: number): string | undefined => {
  if (b[at] !== 0x72) return undefined;
  const length = u16be(b, at + 1);
  if (length === 0 || length > 512 || at + 3 + length > b.length) return undefined;
  const name = latin1(b, at + 3, at + 3 + length);
  return className.test(name) ? name : undefined;
};

/** TC_PROXYCLASSDESC: a u4 count of interfaces, then their names; the first one, when it reads as a class name. */
const proxyInterface = (b: Uint8Array, at: number): string | undefined => {
  const count = u32be(b, at + 1);
  if (count === 0 || count > 64) return undefined;
  return descriptorName(Uint8Array.of(0x72, ...b.subarray(at + 5, at + 7 + 512)), 0);
};

/** TC_OBJECT, TC_ARRAY, TC_ENUM or TC_CLASS, then its class descriptor (TC_PROXYCLASSDESC for a proxy). */
const described = (b: Uint8Array, code: number): string | undefined => {
  if (b[5] === 0x7d) {
    const face = code === 0x73 ? proxyInterface(b, 5) : undefined;
    return face === undefined ? undefined : `Java serialized proxy object for ${face}`;
  }
  const name = descriptorName(b, 5);
  return name === undefined ? undefined : `Java serialized ${code === 0x75 ? 'array' : 'object'} ${name}`;
};

/**
 * §6.4.2: after the magic and version, the first content a writer puts: an object, class, array or enum (whose
 * descriptor's name must read as a class name), a proxy class, or block data then an object (RMI's call header). A
 * lone string or number builds nothing. What it
 * says for the evidence; undefined when the octets cannot be a stream's start.
 */
const firstContent = (b: Uint8Array): string | undefined => {
  const code = b[4];
  if (code === 0x73 || code === 0x75 || code === 0x7e || code === 0x76) return described(b, code);
  if (code === 0x72)
    return descriptorName(b, 4) === undefined ? undefined : 'Java serialized class descriptor';
  if (code !== 0x77) return undefined;
  const next = 6 + (b[5] ?? 0);
  return b[next] === 0x73 && descriptorName(b, next + 1) !== undefined
    ? 'Java serialization stream'
    : undefined;
};

/** §6.4.2: the magic `AC ED` and version 5, then a stream's first content. */
const javaStream = (b: Uint8Array): Serialized | undefined => {
  if (b[0] !== 0xac || b[1] !== 0xed || b[2] !== 0 || b[3] !== 5) return undefined;
  const format = firstContent(b);
  return format === undefined ? undefined : { format, gadget: gadgetIn(text(b), 'java') };
};

/** [MS-NRBF] 2.6.1 SerializationHeaderRecord: record type 0, root id, header id -1, major version 1, minor 0. */
const binaryFormatterHeader = [0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00];
const binaryFormatter = (b: Uint8Array, from = 0): Serialized | undefined =>
  binaryFormatterHeader.every((octet, i) => b[from + i] === octet)
    ? { format: '.NET BinaryFormatter stream', gadget: gadgetIn(text(b), 'dotnet') }
    : undefined;

/**
 * ObjectStateFormatter (`FF 01`, ViewState and LosFormatter): ordinary state of every ASP.NET WebForms page, so only a
 * readable ysoserial.net gadget is reported, or token 0x32, a BinaryFormatter stream inside, whatever it holds.
 */
const objectState = (b: Uint8Array): Serialized | undefined => {
  if (b[0] !== 0xff || b[1] !== 0x01) return undefined;
  const gadget = gadgetIn(text(b), 'dotnet');
  if (b[2] === 0x32) {
    let at = 3;
    while (((b[at] ?? 0) & 0x80) !== 0 && at < 8) at++; // the 7-bit encoded length of the stream
    if (binaryFormatter(b, at + 1) !== undefined)
      return { format: 'LosFormatter with a BinaryFormatter stream', gadget };
  }
  return gadget === undefined ? undefined : { format: 'ASP.NET ObjectStateFormatter (ViewState)', gadget };
};

/**
 * Ruby Marshal 4.8: any Rails app before 4.1 keeps its session cookie so (`BAh7…--signature`), so a stream is reported
 * only when it names a known gadget class.
 */
const rubyMarshal = (b: Uint8Array): Serialized | undefined => {
  if (b[0] !== 0x04 || b[1] !== 0x08) return undefined;
  const gadget = gadgetIn(text(b), 'ruby');
  return gadget === undefined ? undefined : { format: 'Ruby Marshal stream', gadget };
};

/**
 * RFC 1952 §2.3: reserved flag bits clear, and a trailer whose ISIZE fits what is inflated. Checked first because an
 * inflate costs a fraction of a millisecond however few its octets: random octets behind `1F 8B 08` seldom pass.
 */
const plausibleGzip = (b: Uint8Array): boolean =>
  b.length >= 18 && b[2] === 8 && ((b[3] ?? 0) & 0xe0) === 0 && u32le(b, b.length - 4) <= maxInflated;

const inflated = (b: Uint8Array): Uint8Array | undefined => {
  if (!plausibleGzip(b)) return undefined;
  try {
    return gunzipSync(b, { maxOutputLength: maxInflated, finishFlush: 2 });
  } catch {
    return undefined;
  }
};

/** What the octets deserialize as; undefined when they are none of the formats. `nested`: already inflated once. */
export const serializedBytes = (b: Uint8Array, nested = false): Serialized | undefined => {
  switch (b[0]) {
    case 0xac:
      return javaStream(b);
    case 0x00:
      return binaryFormatter(b);
    case 0xff:
      return objectState(b);
    case 0x04:
      return rubyMarshal(b);
    case 0x80:
    case 0x63:
    case 0x28:
      return pickleVerdict(b);
    case 0x4f:
    case 0x43:
    case 0x61:
      return phpSerialized(latin1(b, 0, scanned));
    case 0x1f: {
      if (nested || b[1] !== 0x8b) return undefined;
      const inner = inflated(b);
      return inner === undefined ? undefined : through(serializedBytes(inner, true), 'gzip');
    }
    default:
      return undefined;
  }
};

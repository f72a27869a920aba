/**
 * Syslog messages (RFC 5424, and the BSD format RFC 3164 describes) over UDP, and over TCP framed by octet counting
 * or by newlines (RFC 6587). A message starts `<PRI>` (0 to 191), then RFC 5424's version and timestamp, or RFC
 * 3164's `Mmm dd hh:mm:ss`. The summary names each sender's application with the facility and severity
 * (`sshd auth.info`); the message text is not kept.
 */
import type { Direction, OperationEvent, ProtocolEvent } from '../events.ts';
import type { Detection, Protocol } from './protocol.ts';
import { latin1 } from './wire-bytes.ts';

const maxHeader = 512;
const maxTcpBuffer = 64 * 1024;

const facilities = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'clock',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];
const severities = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** RFC 5424 §6: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP ...`, nil values as "-". */
const rfc5424 =
  /^<(\d{1,3})>([1-9]\d?) (-|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) (\S{1,255}) (\S{1,48}) /;
/** RFC 3164 §4.1.2: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[pid]: ...` (the host is left out by some local senders). */
const rfc3164 =
  /^<(\d{1,3})>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d (?:(\S+) )?([^\s:[]{1,48})(?:\[\d+\])?:/;

type Header = { pri: number; app: string };

const readHeader = (text: string): Header | undefined => {
  const modern = rfc5424.exec(text);
  const legacy = modern === null ? rfc3164.exec(text) : null;
  const pri = Number((modern ?? legacy)?.[1] ?? Number.NaN);
  if (!(pri >= 0 && pri <= 191)) return undefined;
  const app = modern !== null ? (modern[5] as string) : ((legacy?.[4] as string | undefined) ?? '-');
  return { pri, app };
};

/** The first message of a TCP stream may be octet-counted (`LEN SP <PRI>...`, RFC 6587 §3.4.1). */
const withoutCount = (text: string): string => text.replace(/^[1-9]\d{0,5} (?=<)/, '');

const isPrintableText = (text: string): boolean => !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);

/** The bytes could still become a header: cut inside the count, the priority or the rest of the first line. */
const couldGrow = (bytes: Uint8Array, text: string): boolean => {
  if (/^(\d{1,6} ?)?(<\d{0,3})?$/.test(text)) return true;
  const pri = /^<(\d{1,3})>/.exec(text);
  // After the priority comes RFC 5424's version (a digit) or RFC 3164's month (an upper-case letter).
  const next = pri === null ? '' : text.slice(pri[0].length, pri[0].length + 1);
  return (
    pri !== null &&
    Number(pri[1]) <= 191 &&
    /^([1-9JFMASOND]|)$/.test(next) &&
    bytes.length < 64 &&
    !text.includes('\n')
  );
};

const detectSyslog = (bytes: Uint8Array): Detection => {
  const text = withoutCount(latin1(bytes, 0, maxHeader));
  if (readHeader(text) !== undefined && isPrintableText(text.slice(0, 64))) return 'match';
  return couldGrow(bytes, text) ? 'need-more' : 'no-match';
};

const operationOf = (header: Header): OperationEvent['operation'] => {
  const facility = facilities[header.pri >> 3] ?? `facility${header.pri >> 3}`;
  return `${header.app} ${facility}.${severities[header.pri & 7]}`;
};

const event = (ts: number, direction: Direction, header: Header): OperationEvent => ({
  kind: 'operation',
  ts,
  direction,
  protocol: 'syslog',
  operation: operationOf(header),
});

/** RFC 5426: one message per datagram. */
const createDatagramParser = () => ({
  parse(datagram: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
    const header = readHeader(latin1(datagram, 0, maxHeader));
    return header === undefined ? [] : [event(ts, direction, header)];
  },
  gap(): void {},
});

/** RFC 6587: a stream of octet-counted (`LEN SP message`) or newline-ended messages. */
const createStreamParser = () => {
  let pending = '';
  let stopped = false;
  /** The next whole message of what is pending, taken off it; undefined until one is whole. */
  const next = (): string | undefined => {
    const counted = /^([1-9]\d{0,5}) /.exec(pending);
    const end = counted === null ? pending.indexOf('\n') : counted[0].length + Number(counted[1]);
    if (end < 0 || pending.length < end) return undefined;
    const message = counted === null ? pending.slice(0, end) : pending.slice(counted[0].length, end);
    pending = pending.slice(counted === null ? end + 1 : end);
    return message;
  };
  const messages = (text: string): string[] => {
    pending += text;
    const out: string[] = [];
    for (let message = next(); message !== undefined; message = next()) out.push(message);
    if (pending.length > maxTcpBuffer) [pending, stopped] = ['', true];
    return out;
  };
  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      if (stopped) return [];
      const out: ProtocolEvent[] = [];
      for (const message of messages(latin1(chunk))) {
        const header = readHeader(message.slice(0, maxHeader));
        if (header !== undefined) out.push(event(ts, direction, header));
      }
      return out;
    },
    gap(): void {
      // Where the next message starts is lost with the bytes.
      pending = '';
      stopped = true;
    },
  };
};

export const syslog: Protocol = {
  id: 'syslog',
  transport: 'udp',
  ports: [514],
  encrypted: false,
  oneWay: true,
  detect: detectSyslog,
  createParser: createDatagramParser,
};

export const syslogStream: Protocol = {
  id: 'syslog',
  transport: 'tcp',
  ports: [514, 601, 6514],
  encrypted: false,
  detect: detectSyslog,
  createParser: createStreamParser,
};

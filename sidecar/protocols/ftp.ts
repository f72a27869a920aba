/**
 * FTP control connections (RFC 959): commands as operation events (a password never: PASS names the user it
 * follows), login outcomes as `db-auth` events (230 accepted, 530 refused), and nothing after AUTH TLS is accepted
 * (RFC 4217: both sides speak TLS from then on). The data connections PASV and EPSV answers and PORT and EPRT
 * commands announce are `expected-flow` events, which the engine turns into `ftp-data` flows (ADR 21).
 */
import type { Direction, ExpectedFlowEvent, ProtocolEvent } from '../events.ts';
import { loginEvent, operationEvent } from './client-events.ts';
import { type DataAddress, extendedPassivePort, extendedPort, hostPort } from './ftp-data-address.ts';
import { detectFtpCommands, detectFtpGreeting } from './ftp-detect.ts';
import type { Protocol } from './protocol.ts';
import {
  feedLines,
  hasControl,
  type LineSide,
  lineGap,
  lineSide,
  splitCommand,
  toTls,
} from './text-lines.ts';
import { type TlsUpgrade, upgradable } from './tls-upgrade.ts';

const maxLine = 4096;

/** Users that stand for "no account" (RFC 1635): their password is by custom an e-mail address, not a secret. */
export const anonymousUsers = new Set(['anonymous', 'ftp']);

const operation = (ts: number, name: string, detail: string) => operationEvent('ftp', ts, name, detail);

/** The data connection a PASV/EPSV answer (the server listens) or a PORT/EPRT command (the client listens) announces. */
const dataFlow = (
  ts: number,
  listener: 'server' | 'client',
  address: DataAddress | undefined,
): ExpectedFlowEvent[] => {
  if (address === undefined) return [];
  const direction = listener === 'server' ? 'to-client' : 'to-server';
  const event: ExpectedFlowEvent = {
    kind: 'expected-flow',
    ts,
    direction,
    protocol: 'ftp-data',
    listener,
    port: address.port,
  };
  if (address.ip !== undefined) event.ip = address.ip;
  return [event];
};

/** What a command or a reply says about the next data connection. */
const announcedByCommand = (verb: string, argument: string, ts: number): ExpectedFlowEvent[] => {
  if (verb === 'PORT') return dataFlow(ts, 'client', hostPort(argument));
  return verb === 'EPRT' ? dataFlow(ts, 'client', extendedPort(argument)) : [];
};

const announcedByReply = (code: string, line: string, ts: number): ExpectedFlowEvent[] => {
  if (code === '227') return dataFlow(ts, 'server', hostPort(line.slice(4)));
  return code === '229' ? dataFlow(ts, 'server', extendedPassivePort(line)) : [];
};

const createFtpParser = (upgrade: TlsUpgrade) => {
  const client = lineSide();
  const server = lineSide();
  let user = '';
  /** The last login step sent (USER or PASS), until its reply says how it went. */
  let loginStep = '';
  let authTls = false;

  const onCommand = (line: string, ts: number, out: ProtocolEvent[]): void => {
    const { verb, argument } = splitCommand(line);
    if (!/^[A-Z]{3,4}$/.test(verb)) {
      client.stopped = true;
      return;
    }
    if (verb === 'USER') user = argument.slice(0, 64);
    if (verb === 'USER' || verb === 'PASS') loginStep = verb;
    authTls = verb === 'AUTH' && /^(TLS|SSL|TLS-C|TLS-P)$/i.test(argument);
    // The password is never kept: PASS says whose it is.
    out.push(operation(ts, verb, verb === 'PASS' ? `user=${user}` : argument));
    // Past the event cap too: a long session's later transfers are still announced.
    out.push(...announcedByCommand(verb, argument, ts));
  };

  const login = (ts: number, ok: boolean) => loginEvent('ftp', ts, ok, user);

  /** A login step's answer: 230 in, 530 refused, 331/332 asks for the next step; anything else ends the attempt. */
  const onLoginReply = (code: string, ts: number, out: ProtocolEvent[]): void => {
    if (code === '230' || code === '530') {
      out.push(login(ts, code === '230'));
      loginStep = '';
    } else if (code !== '331' && code !== '332') loginStep = '';
  };

  /** RFC 959 §4.2: the last line of a reply is "code SP text"; the lines before it (`code-` and text) continue it. */
  const onReply = (line: string, ts: number, out: ProtocolEvent[]): void => {
    if (!/^\d{3}( |$)/.test(line)) {
      server.stopped = hasControl(line);
      return;
    }
    const code = line.slice(0, 3);
    out.push(...announcedByReply(code, line, ts));
    if (code === '234' && authTls) toTls(upgrade, client, server);
    else if (loginStep !== '') onLoginReply(code, ts, out);
    authTls = false;
  };

  const run = (side: LineSide, direction: Direction, chunk: Uint8Array, ts: number, out: ProtocolEvent[]) =>
    feedLines(side, chunk, maxLine, (line) =>
      direction === 'to-server' ? onCommand(line, ts, out) : onReply(line, ts, out),
    );

  return {
    parse(chunk: Uint8Array, direction: Direction, ts: number): ProtocolEvent[] {
      const out: ProtocolEvent[] = [];
      run(direction === 'to-server' ? client : server, direction, chunk, ts, out);
      return out;
    },
    gap(direction: Direction): void {
      lineGap(direction === 'to-server' ? client : server);
    },
  };
};

export const ftp: Protocol = {
  id: 'ftp',
  transport: 'tcp',
  ports: [21],
  encrypted: false,
  detect: (bytes, direction) =>
    direction === 'to-server' ? detectFtpCommands(bytes) : detectFtpGreeting(bytes),
  createParser: () => upgradable(createFtpParser),
};

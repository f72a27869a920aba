/**
 * Streaming RDP parser: the connection's opening, read in TPKT frames. The client's Connection Request (`connect`,
 * with the cookie's user and the protocols asked for), the server's answer (`negotiated` or `negotiation-failure`);
 * when the server chose TLS, CredSSP (TLS first) or RDSTLS, both directions go to the TLS reader from there
 * (tls-upgrade.ts). With Standard RDP Security (selected protocol 0), the MCS Connect Initial (`client-info`: name,
 * build, channels) and Connect Response (`server-security`: SC_SECURITY's method and level; `encrypted` when RDP's
 * own RC4 covers what follows). Nothing after those is read: Standard RDP Security encrypts it, or it is pictures.
 */
import { encryptedOperation, type OperationEvent, type ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { type ClientData, readClientData } from './rdp-client-data.ts';
import { mcsConnectBlocks } from './rdp-mcs.ts';
import { encryptionLevelName, encryptionNames, failureName, protocolNames } from './rdp-names.ts';
import {
  type ConnectionRequest,
  readConnectionConfirm,
  readConnectionRequest,
  tpktLength,
} from './rdp-x224.ts';
import { framedToTls, type TlsUpgrade, upgradable } from './tls-upgrade.ts';
import { u32le } from './wire-bytes.ts';

const operation = (ctx: FrameContext, name: string, detail?: string): OperationEvent => {
  const event: OperationEvent = {
    kind: 'operation',
    ts: ctx.ts,
    direction: ctx.direction,
    protocol: 'rdp',
    operation: name,
  };
  if (detail !== undefined && detail !== '') event.detail = detail;
  return event;
};

const connectDetail = (request: ConnectionRequest): string => {
  const parts: string[] = [];
  if (request.user !== undefined) parts.push(`user=${request.user}`);
  if (request.token !== undefined) parts.push(`token=${request.token}`);
  if (request.requested !== undefined) parts.push(`requested=${protocolNames(request.requested)}`);
  if (((request.flags ?? 0) & 0x01) !== 0) parts.push('restricted-admin');
  if (((request.flags ?? 0) & 0x02) !== 0) parts.push('redirected-authentication');
  return parts.join(' ');
};

const clientInfo = (ctx: FrameContext, data: ClientData): OperationEvent => {
  const parts: string[] = [];
  if (data.name !== undefined) parts.push(`name=${data.name}`);
  if (data.build !== undefined) parts.push(`build=${data.build}`);
  if (data.keyboardLayout !== undefined)
    parts.push(`keyboard=0x${data.keyboardLayout.toString(16).padStart(8, '0')}`);
  if (data.encryptionMethods !== undefined)
    parts.push(`encryption=${encryptionNames(data.encryptionMethods)}`);
  parts.push(`channels=${data.channels.join(',')}`);
  return { ...operation(ctx, 'client-info', parts.join(' ')), channels: data.channels };
};

const fromClient = (m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const request = readConnectionRequest(m);
  if (request !== undefined) return [operation(ctx, 'connect', connectDetail(request))];
  const blocks = mcsConnectBlocks(m, 101);
  // Whatever follows the Connect Initial (domain, user and channel set-up, then RDP's own encryption) is not read.
  ctx.stop('to-server');
  return blocks === undefined ? [] : [clientInfo(ctx, readClientData(blocks))];
};

/** SC_SECURITY (0x0C02): encryptionMethod, encryptionLevel. */
const serverSecurity = (ctx: FrameContext, m: Uint8Array): ProtocolEvent[] => {
  const blocks = mcsConnectBlocks(m, 102);
  const security = blocks?.find((b) => b.type === 0x0c02 && b.body.length >= 12);
  if (security === undefined) return [];
  const method = u32le(security.body, 4);
  const level = u32le(security.body, 8);
  const events: ProtocolEvent[] = [
    operation(
      ctx,
      'server-security',
      `encryption=${encryptionNames(method)} level=${encryptionLevelName(level)}`,
    ),
  ];
  if (method !== 0) events.push(operation(ctx, encryptedOperation, 'Standard RDP Security (RC4)'));
  return events;
};

const fromServer = (upgrade: TlsUpgrade, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const confirm = readConnectionConfirm(m);
  if (confirm?.kind === 'failure') {
    for (const direction of ['to-server', 'to-client'] as const) ctx.stop(direction);
    return [operation(ctx, 'negotiation-failure', `code=${failureName(confirm.code)}`)];
  }
  if (confirm !== undefined) {
    // TLS, CredSSP and RDSTLS all start with a TLS handshake right after the confirm ([MS-RDPBCGR] §5.4.5).
    if (confirm.selected !== 0) framedToTls(upgrade, ctx);
    const implied = confirm.bare === true ? ' implied' : '';
    return [operation(ctx, 'negotiated', `protocol=${protocolNames(confirm.selected)}${implied}`)];
  }
  ctx.stop('to-client');
  return serverSecurity(ctx, m);
};

export const createRdpParser = (): ProtocolParser =>
  upgradable((upgrade) =>
    createFramedParser({
      frame: (b) => tpktLength(b),
      message: (m, ctx) => (ctx.direction === 'to-server' ? fromClient(m, ctx) : fromServer(upgrade, m, ctx)),
    }),
  );

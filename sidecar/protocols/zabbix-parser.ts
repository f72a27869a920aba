/**
 * Streaming Zabbix parser: each message framed by its header (zabbix-header.ts), its data inflated when compressed
 * (zabbix-data.ts). Passive checks: the item key asked for (`vfs.file.contents[/etc/hostname]`: its parameters cut
 * at 120 characters in the operation, whole up to 1 KiB in the detail, where a `system.run` command is) and the
 * agent's answer (`ok` with its length, never its value; `not supported: <reason>`). Active checks, agent, sender
 * and proxy data: JSON requests and responses (zabbix-json.ts).
 */
import type { Direction, ProtocolEvent } from '../events.ts';
import { createFramedParser, type FrameContext } from './framed-parser.ts';
import type { ProtocolParser } from './protocol.ts';
import { zabbixText } from './zabbix-data.ts';
import { readZabbixHeader } from './zabbix-header.ts';
import { parseItemKey } from './zabbix-item-key.ts';
import { jsonRequest, jsonResponse, type Told } from './zabbix-json.ts';

/** Whether the client's first message was JSON (active checks, data), so the answers are JSON responses. */
type State = { json: boolean | undefined };

const maxShownParams = 120;
const maxParams = 1024;
const maxReason = 120;

const frame = (b: Uint8Array): number => {
  const header = readZabbixHeader(b);
  if (header === 'need-more') return 0;
  return header === 'no-match' ? -1 : header.headerLength + header.dataLength;
};

const op = (ctx: FrameContext, told: Told): ProtocolEvent => ({
  kind: 'operation',
  ts: ctx.ts,
  direction: ctx.direction,
  protocol: 'zabbix',
  ...told,
});

/** A passive check's item key; a request with no valid key name is told as such. */
const itemRequest = (text: string): Told => {
  const key = text.endsWith('\n') ? text.slice(0, -1) : text;
  const parsed = parseItemKey(key);
  if (parsed === undefined) return { operation: 'invalid key' };
  const bracket = key.indexOf('[');
  if (bracket < 0) return { operation: parsed.name };
  const params = key.slice(bracket + 1, key.endsWith(']') ? -1 : undefined);
  const shown = params.length <= maxShownParams ? params : `${params.slice(0, maxShownParams)}…`;
  return { operation: `${parsed.name}[${shown}]`, detail: params.slice(0, maxParams) };
};

/** The agent's answer: its value's length (values are the host's data), or why it could not give one. */
const itemAnswer = (text: string, length: number): Told => {
  const nul = text.indexOf('\0');
  const code = nul < 0 ? '' : text.slice(0, nul);
  const reason = text.slice(nul + 1, nul + 1 + maxReason);
  if (code === 'ZBX_NOTSUPPORTED') return { operation: `not supported: ${reason}` };
  if (code === 'ZBX_ERROR') return { operation: `error: ${reason}` };
  return { operation: 'ok', detail: `${length} octets` };
};

const isJson = (text: string): boolean => text.trimStart().startsWith('{');

const message = (state: State, m: Uint8Array, ctx: FrameContext): ProtocolEvent[] => {
  const header = readZabbixHeader(m);
  if (typeof header === 'string') return [];
  const text = zabbixText(m, header);
  if (text === undefined) return [op(ctx, { operation: 'compressed data not inflated' })];
  if (ctx.direction === 'to-server') {
    state.json ??= isJson(text);
    return [op(ctx, isJson(text) ? jsonRequest(text) : itemRequest(text))];
  }
  const json = state.json ?? text.startsWith('{"response"');
  return [op(ctx, json ? jsonResponse(text) : itemAnswer(text, header.inflatedLength || header.dataLength))];
};

export const createZabbixParser = (): ProtocolParser => {
  const state: State = { json: undefined };
  return createFramedParser({
    frame: (b: Uint8Array, _direction: Direction) => frame(b),
    message: (m, ctx) => message(state, m, ctx),
  });
};

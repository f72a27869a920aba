/**
 * Zabbix's JSON messages (active checks, agent and sender data, proxies): a request's kind (`active checks` with the
 * host it asks for, `agent data` and `sender data` with how many values and from which hosts) and the server's
 * response (`success` or `failed`, its info, the item keys an active checks answer hands the agent). A message cut at
 * the parser's bound does not parse as JSON: its request or response is then read from its first octets. The item
 * keys an active checks answer hands the agent, and those whose values agent data sends, are the event's `items`
 * (whole to 1 KiB, at most 64), where a `system.run` command is.
 */
import { jsonObject } from './json-object.ts';

export type Told = { operation: string; detail?: string; items?: readonly string[] };

const maxName = 64;
const maxInfo = 256;
/** Hosts and keys named in one message's detail. */
const maxListed = 8;

const bounded = (value: unknown, max: number): string | undefined =>
  typeof value !== 'string' ? undefined : value.length <= max ? value : `${value.slice(0, max)}…`;

/** A top-level string field read off the first octets of a message cut short (the first occurrence). */
const fieldOf = (text: string, name: string): string | undefined =>
  new RegExp(
    `^\\{\\s*(?:"[^"]*"\\s*:\\s*"[^"]*"\\s*,\\s*)*"${name}"\\s*:\\s*"([^"\\\\]{1,${maxName}})"`,
  ).exec(text)?.[1];

/** Distinct string values of `field` across the `data` array's entries, at most `maxListed`. */
const listed = (data: unknown, field: string): string[] => {
  const out = new Set<string>();
  if (!Array.isArray(data)) return [];
  for (const entry of data) {
    const value = bounded((entry as Record<string, unknown> | null)?.[field], maxName);
    if (value !== undefined) out.add(value);
    if (out.size >= maxListed) break;
  }
  return [...out];
};

const maxItems = 64;
const maxItemKey = 1024;

/** The distinct item keys of the `data` array's entries, each to 1 KiB, at most `maxItems`. */
const itemKeys = (data: unknown): string[] => {
  const out = new Set<string>();
  if (!Array.isArray(data)) return [];
  for (const entry of data) {
    const { key, state } = (entry ?? {}) as Record<string, unknown>;
    // Agent data marks a value it could not get `state: 1` (ZBX_NOTSUPPORTED): that item did not run.
    if (typeof key === 'string' && state !== 1) out.add(key.slice(0, maxItemKey));
    if (out.size >= maxItems) break;
  }
  return [...out];
};

/** The told message, with the item keys its `data` names when it names any. */
const withItems = (told: Told, data: unknown): Told => {
  const items = itemKeys(data);
  return items.length === 0 ? told : { ...told, items };
};

const count = (data: unknown, noun: string): string => (Array.isArray(data) ? `${data.length} ${noun}` : '');

const joined = (...parts: string[]): string | undefined => {
  const text = parts.filter((p) => p !== '').join('; ');
  return text === '' ? undefined : text;
};

/** A JSON request: its kind as the operation, with the host an active checks request names. */
export const jsonRequest = (text: string): Told => {
  const message = jsonObject(text);
  const kind = message === undefined ? fieldOf(text, 'request') : bounded(message.request, maxName);
  if (kind === undefined)
    return { operation: 'json request', detail: message === undefined ? 'cut' : 'no kind' };
  if (message === undefined) return { operation: kind, detail: 'cut' };
  const host = bounded(message.host, maxName);
  const operation = kind === 'active checks' && host !== undefined ? `${kind} ${host}` : kind;
  const hosts = listed(message.data, 'host');
  const detail = joined(count(message.data, 'values'), hosts.length > 0 ? `hosts ${hosts.join(', ')}` : '');
  return withItems(detail === undefined ? { operation } : { operation, detail }, message.data);
};

/** A JSON response: `response success` or `response failed`, its info or the keys it hands an agent. */
export const jsonResponse = (text: string): Told => {
  const message = jsonObject(text);
  const said = message === undefined ? fieldOf(text, 'response') : bounded(message.response, maxName);
  const operation = said === undefined ? 'json response' : `response ${said}`;
  if (message === undefined) return { operation, detail: 'cut' };
  const keys = listed(message.data, 'key');
  const detail = joined(
    bounded(message.info, maxInfo) ?? '',
    count(message.data, 'items'),
    keys.length > 0 ? `keys ${keys.join(', ')}` : '',
  );
  return withItems(detail === undefined ? { operation } : { operation, detail }, message.data);
};

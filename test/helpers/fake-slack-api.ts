/** A fake Slack Web API on loopback: checks auth, request shape and Block Kit limits, keeps messages, rate-limits on demand. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SlackCall = { method: string; args: Record<string, unknown>; status: number; error?: string };
export type StoredMessage = {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const textOf = (value: unknown): string | undefined =>
  isObject(value) && typeof value.text === 'string' ? value.text : undefined;

/** Block Kit limits as Slack documents them; each problem is reported the way Slack's `invalid_blocks` does. */
const checkText = (
  problems: string[],
  where: string,
  value: unknown,
  max: number,
  plainOnly = false,
): void => {
  const text = textOf(value);
  if (!isObject(value) || text === undefined) {
    problems.push(`${where}: must be a text object`);
    return;
  }
  if (plainOnly && value.type !== 'plain_text') problems.push(`${where}: must be plain_text`);
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') problems.push(`${where}: unknown text type`);
  if (text.length === 0) problems.push(`${where}: must be more than 0 characters`);
  if (text.length > max) problems.push(`${where}: must be less than ${max + 1} characters`);
};

const checkConfirm = (problems: string[], where: string, confirm: unknown): void => {
  if (!isObject(confirm)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  checkText(problems, `${where}.title`, confirm.title, 100, true);
  checkText(problems, `${where}.text`, confirm.text, 300);
  checkText(problems, `${where}.confirm`, confirm.confirm, 30, true);
  checkText(problems, `${where}.deny`, confirm.deny, 30, true);
};

const checkActionId = (problems: string[], where: string, actionId: unknown, seen: Set<string>): void => {
  if (typeof actionId !== 'string' || actionId.length > 255) problems.push(`${where}.action_id: invalid`);
  else if (seen.has(actionId)) problems.push(`${where}.action_id: duplicate action_id "${actionId}"`);
  else seen.add(actionId);
};

const checkButton = (problems: string[], where: string, element: unknown, actionIds: Set<string>): void => {
  if (!isObject(element) || element.type !== 'button') {
    problems.push(`${where}: only buttons expected`);
    return;
  }
  checkText(problems, `${where}.text`, element.text, 75, true);
  checkActionId(problems, where, element.action_id, actionIds);
  if (typeof element.value === 'string' && element.value.length > 2000) {
    problems.push(`${where}.value: must be less than 2001 characters`);
  }
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    problems.push(`${where}.style: must be primary or danger`);
  }
  if (element.confirm !== undefined) checkConfirm(problems, `${where}.confirm`, element.confirm);
};

const checkSection = (problems: string[], where: string, block: Json): void => {
  if (block.text === undefined && block.fields === undefined) problems.push(`${where}: needs text or fields`);
  if (block.text !== undefined) checkText(problems, `${where}.text`, block.text, 3000);
  if (block.fields === undefined) return;
  if (!Array.isArray(block.fields) || block.fields.length > 10) {
    problems.push(`${where}.fields: at most 10 items`);
    return;
  }
  for (const [i, field] of block.fields.entries()) checkText(problems, `${where}.fields[${i}]`, field, 2000);
};

const listOf = (problems: string[], where: string, list: unknown, max: number): unknown[] => {
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${where}: must have items`);
    return [];
  }
  if (list.length > max) problems.push(`${where}: must be less than ${max + 1} items`);
  return list;
};

const checkBlockId = (problems: string[], where: string, blockId: unknown, ids: Set<string>): void => {
  if (blockId === undefined) return;
  if (typeof blockId !== 'string' || blockId.length > 255 || ids.has(`b:${blockId}`)) {
    problems.push(`${where}.block_id: invalid or duplicate`);
  }
  ids.add(`b:${String(blockId)}`);
};

const checkBlock = (problems: string[], where: string, block: unknown, ids: Set<string>): void => {
  if (!isObject(block)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  checkBlockId(problems, where, block.block_id, ids);
  const elements = `${where}.elements`;
  if (block.type === 'header') checkText(problems, `${where}.text`, block.text, 150, true);
  else if (block.type === 'section') checkSection(problems, where, block);
  else if (block.type === 'context') {
    for (const [i, e] of listOf(problems, elements, block.elements, 10).entries()) {
      checkText(problems, `${elements}[${i}]`, e, 3000);
    }
  } else if (block.type === 'actions') {
    for (const [i, e] of listOf(problems, elements, block.elements, 25).entries()) {
      checkButton(problems, `${elements}[${i}]`, e, ids);
    }
  } else if (block.type !== 'divider') problems.push(`${where}.type: unsupported`);
};

export type SlackButton = { action_id: string; value: string };

/** The buttons of a message's actions block (none when it has no such block). */
export const buttonsOf = (blocks: unknown[] | undefined): SlackButton[] =>
  (blocks as { type: string; elements?: SlackButton[] }[] | undefined)?.find(
    (block) => block.type === 'actions',
  )?.elements ?? [];

export const blockKitProblems = (blocks: unknown): string[] => {
  if (!Array.isArray(blocks) || blocks.length === 0) return ['blocks: must be a non-empty array'];
  const problems: string[] = [];
  if (blocks.length > 50) problems.push('blocks: must be less than 51 items');
  const ids = new Set<string>();
  for (const [index, block] of blocks.entries()) checkBlock(problems, `blocks[${index}]`, block, ids);
  return problems;
};

const parseArgs = (body: string, contentType: string | undefined): Json => {
  if (contentType?.startsWith('application/json')) return JSON.parse(body) as Json;
  const args: Json = Object.fromEntries(new URLSearchParams(body));
  for (const key of ['blocks', 'attachments']) {
    if (typeof args[key] === 'string') {
      try {
        args[key] = JSON.parse(args[key] as string);
      } catch {
        args[key] = 'unparseable';
      }
    }
  }
  return args;
};

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemeral: { channel: string; user: string; text: string }[] = [];
  readonly token = 'xoxb-fake-token';
  readonly userGroups = new Map<string, string[]>();
  private readonly rateLimits = new Map<string, number>();
  private server: Server | undefined;
  private clock = 1764158400;
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => {
        response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** The next call to `method` gets HTTP 429 `ratelimited` with `Retry-After: seconds`. */
  rateLimitOnce(method: string, seconds = 1): void {
    this.rateLimits.set(method, seconds);
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const args = parseArgs(Buffer.concat(chunks).toString('utf8'), request.headers['content-type']);
    const limited = this.rateLimits.get(method);
    if (limited !== undefined) {
      this.rateLimits.delete(method);
      this.calls.push({ method, args, status: 429, error: 'ratelimited' });
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limited) });
      response.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const result =
      request.headers.authorization === `Bearer ${this.token}`
        ? this.dispatch(method, args)
        : { ok: false, error: 'invalid_auth' };
    this.calls.push({
      method,
      args,
      status: 200,
      ...(result.ok === true ? {} : { error: String(result.error) }),
    });
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(result));
  }

  private dispatch(method: string, args: Json): Json {
    if (method === 'chat.postMessage') return this.post(args);
    if (method === 'chat.update') return this.update(args);
    if (method === 'chat.postEphemeral') return this.postEphemeral(args);
    if (method === 'usergroups.users.list') {
      const users = this.userGroups.get(String(args.usergroup));
      return users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users };
    }
    return { ok: false, error: 'unknown_method' };
  }

  private checkMessage(args: Json): Json | undefined {
    if (typeof args.channel !== 'string' || args.channel === '')
      return { ok: false, error: 'channel_not_found' };
    if (args.blocks === undefined && (typeof args.text !== 'string' || args.text === '')) {
      return { ok: false, error: 'no_text' };
    }
    if (args.blocks === undefined) return undefined;
    const problems = blockKitProblems(args.blocks);
    return problems.length === 0 ? undefined : { ok: false, error: 'invalid_blocks', errors: problems };
  }

  private post(args: Json): Json {
    const invalid = this.checkMessage(args);
    if (invalid !== undefined) return invalid;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    if (threadTs !== undefined && this.message(String(args.channel), threadTs) === undefined) {
      return { ok: false, error: 'thread_not_found' };
    }
    const ts = `${this.clock + this.seq}.${String(++this.seq).padStart(6, '0')}`;
    const stored: StoredMessage = {
      channel: String(args.channel),
      ts,
      text: String(args.text ?? ''),
      blocks: (args.blocks as unknown[]) ?? [],
      ...(threadTs === undefined ? {} : { threadTs }),
    };
    this.messages.push(stored);
    return { ok: true, channel: stored.channel, ts, message: { text: stored.text, blocks: stored.blocks } };
  }

  private update(args: Json): Json {
    const invalid = this.checkMessage(args);
    if (invalid !== undefined) return invalid;
    const existing = this.message(String(args.channel), String(args.ts));
    if (existing === undefined) return { ok: false, error: 'message_not_found' };
    existing.text = String(args.text ?? existing.text);
    if (args.blocks !== undefined) existing.blocks = args.blocks as unknown[];
    return { ok: true, channel: existing.channel, ts: existing.ts, text: existing.text };
  }

  private postEphemeral(args: Json): Json {
    if (typeof args.channel !== 'string' || args.channel === '')
      return { ok: false, error: 'channel_not_found' };
    if (typeof args.user !== 'string' || args.user === '') return { ok: false, error: 'user_not_found' };
    this.ephemeral.push({ channel: args.channel, user: args.user, text: String(args.text ?? '') });
    return { ok: true, message_ts: `${this.clock}.999999` };
  }
}

export const startFakeSlackApi = (): Promise<FakeSlackApi> => new FakeSlackApi().start();

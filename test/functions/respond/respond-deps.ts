/** Test wiring for the response path: real adapters where they can run (SQLite, signer), recording fakes elsewhere. */

import { decodeJwt } from 'jose';
import type { Command } from '#core/command.ts';
import type { CaptureFinding } from '#core/finding.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import { createCommandSigner } from '#functions/platform/keys/command-signer.ts';
import type { KubeApi } from '#functions/platform/kube/kube-api.ts';
import type { ObjectStore } from '#functions/platform/object-store/object-store.ts';
import type { PendingCommand } from '#functions/platform/store/store.ts';
import type { ActionDeps } from '#functions/respond/action-deps.ts';
import type { AlertRequest, AlertSender } from '#functions/respond/alerts/alert-request.ts';
import type { GroupModes } from '#functions/respond/group-modes.ts';
import type { ResponseStore } from '#functions/respond/store/response-store.ts';
import { openSqliteResponseStore } from '#functions/respond/store/sqlite-response-store.ts';
import { createTapCommands } from '#functions/respond/tap-commands.ts';

export type Recorded = {
  commands: PendingCommand[];
  /** The commands' claims as the tap would read them from the signed token. */
  claims(): Record<string, unknown>[];
  alerts: AlertRequest[];
  /** Captures reported ready to the alert sender. */
  captures: CaptureFinding[];
  posts: { url: string; body: string; headers: Record<string, string> }[];
  modes: { group: string; mode: string }[];
};

export const memoryObjectStore = (): ObjectStore & { objects: Map<string, Uint8Array> } => {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    uploadUrl: async (key) => `https://upload.example/${key}?sig=test`,
    link: async (key) => `https://captures.example/${key}`,
    put: async (key, body) => void objects.set(key, body),
    get: async (key) => objects.get(key),
  };
};

export const respondDeps = async (
  kube: KubeApi,
  overrides: Partial<ActionDeps> = {},
): Promise<{ deps: ActionDeps; store: ResponseStore; recorded: Recorded }> => {
  const store = openSqliteResponseStore(':memory:');
  const signer = await createCommandSigner(await generateCommandKey());
  const recorded: Recorded = {
    commands: [],
    claims: () => recorded.commands.map((command) => decodeJwt(command.token) as Record<string, unknown>),
    alerts: [],
    captures: [],
    posts: [],
    modes: [],
  };
  const alerts: AlertSender = {
    notify: async (request) => {
      recorded.alerts.push(request);
      return { status: 'posted', channel: request.channel, ts: `1700000000.00000${recorded.alerts.length}` };
    },
    captureReady: async (capture) => {
      recorded.captures.push(capture);
      return [];
    },
  };
  const groups: GroupModes = {
    setMode: async (group, mode) => {
      recorded.modes.push({ group, mode });
      return 'changed';
    },
  };
  const deps: ActionDeps = {
    kube,
    tap: createTapCommands({
      sign: (command: Command) => signer.sign(command),
      putCommand: async (command) => void recorded.commands.push(command),
      nowSeconds: () => Math.floor(Date.parse('2026-11-26T12:00:00Z') / 1000),
    }),
    /** A tap that reported ten seconds ago polls ingest: no annotation fallback unless a test says otherwise. */
    tapLastSeen: async () => '2026-11-26T11:59:50.000Z',
    quarantines: store,
    groups,
    alerts,
    objectStore: memoryObjectStore(),
    httpPost: async (url, body, headers) => {
      recorded.posts.push({ url, body, headers });
      return { status: 200 };
    },
    secret: () => undefined,
    now: () => '2026-11-26T12:00:00.000Z',
    ...overrides,
  };
  return { deps, store, recorded };
};

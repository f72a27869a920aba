/** Sends a tap a command: fills in id and lifetime, signs it, and queues it for the tap's next batch. */
import { randomUUID } from 'node:crypto';
import { type Command, commandSchema, maxCommandLifetimeSeconds } from '#core/command.ts';
import type { Mode } from '#core/mode.ts';
import type { PendingCommand } from '#functions/platform/store/store.ts';

export type TapCommandRequest =
  | { kind: 'quarantine'; podUid: string; reason: string }
  | { kind: 'release'; podUid: string }
  | { kind: 'set-mode'; podUid: string; mode: Mode }
  | {
      kind: 'capture';
      podUid: string;
      id: string;
      beforeSeconds: number;
      afterSeconds: number;
      flow?: { ip: string; port: number };
      uploadUrl: string;
    };

/** `token` is the signed command, for a second channel (the pod annotation) when the tap does not poll. */
export type TapCommands = { send(request: TapCommandRequest): Promise<{ id: string; token: string }> };

export type TapCommandDeps = {
  sign(command: Command): Promise<string>;
  putCommand(command: PendingCommand): Promise<void>;
  nowSeconds(): number;
  lifetimeSeconds?: number;
};

export const createTapCommands = (deps: TapCommandDeps): TapCommands => ({
  async send(request) {
    const issuedAt = deps.nowSeconds();
    const lifetime = Math.min(deps.lifetimeSeconds ?? maxCommandLifetimeSeconds, maxCommandLifetimeSeconds);
    const id = request.kind === 'capture' ? request.id : randomUUID();
    const command = commandSchema.parse({ ...request, id, issuedAt, expiresAt: issuedAt + lifetime });
    const token = await deps.sign(command);
    await deps.putCommand({ id, podUid: request.podUid, expiresAt: command.expiresAt, token });
    return { id, token };
  },
});

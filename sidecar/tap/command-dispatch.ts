/** Verifies each signed command and carries it out: quarantine, release, capture, set-mode, allow-list. Outcomes are values. */
import type { AllowList } from '#core/allow-list.ts';
import type { Command } from '#core/command.ts';
import type { Finding } from '#core/finding.ts';
import type { Mode } from '#core/mode.ts';
import type { CommandVerifier } from '../commands/verify-command.ts';
import type { CaptureOutcome, CaptureRequest } from '../pcap/capture-recorder.ts';

export type CommandOutcome = { id?: string; kind?: Command['kind']; ok: boolean; detail: string };

export type CommandTargets = {
  quarantine(reason: string): Promise<void>;
  release(): Promise<void>;
  /** May return a promise (leaving protect mode takes the allow-list out), which is awaited. */
  setMode(mode: Mode): unknown;
  /** Protect mode's allow-list: what it did ('applied', 'unchanged'); throws when the tap cannot enforce it. */
  allowList?(list: AllowList): Promise<string>;
  capture(request: CaptureRequest): Promise<CaptureOutcome>;
  /** Findings the commands produce (a capture's location) go back with the next batch. */
  report(findings: Finding[]): void;
};

const run = async (command: Command, targets: CommandTargets): Promise<string> => {
  switch (command.kind) {
    case 'quarantine':
      await targets.quarantine(command.reason);
      return 'quarantined';
    case 'release':
      await targets.release();
      return 'released';
    case 'set-mode':
      await targets.setMode(command.mode);
      return `mode ${command.mode}`;
    case 'allow-list':
      if (targets.allowList === undefined) throw new Error('this tap does not enforce allow-lists');
      return `allow-list ${command.allowList.hash.slice(0, 12)} ${await targets.allowList(command.allowList)}`;
    case 'capture': {
      // A capture runs for its whole after-window: report when done, without holding up other commands.
      const request: CaptureRequest = {
        commandId: command.id,
        beforeSeconds: command.beforeSeconds,
        afterSeconds: command.afterSeconds,
        uploadUrl: command.uploadUrl,
        ...(command.flow === undefined ? {} : { flow: command.flow }),
      };
      void targets.capture(request).then((outcome) => {
        if (outcome.ok) targets.report([outcome.finding]);
      });
      return `capture started (${command.beforeSeconds} s before, ${command.afterSeconds} s after)`;
    }
  }
};

export const createCommandDispatch = (verify: CommandVerifier, targets: CommandTargets) => {
  /** Handles commands in order; one failing never stops the others. */
  return async (tokens: readonly string[]): Promise<CommandOutcome[]> => {
    const outcomes: CommandOutcome[] = [];
    for (const token of tokens) {
      const checked = await verify(token);
      if (!checked.ok) {
        outcomes.push({ ok: false, detail: checked.reason });
        continue;
      }
      const { id, kind } = checked.command;
      try {
        outcomes.push({ id, kind, ok: true, detail: await run(checked.command, targets) });
      } catch (error) {
        outcomes.push({
          id,
          kind,
          ok: false,
          detail: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return outcomes;
  };
};

/**
 * What the local host runs besides requests, as the AWS stack does with SQS and schedules: respond to
 * every published batch, progress group modes on a timer, and flush grouped Slack alerts.
 */
import { progressAllGroups } from '#functions/learn/progress-all-groups.ts';
import type { Logger } from '#functions/platform/logger.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { getRespondRuntime } from '#functions/respond/current-respond-runtime.ts';
import { respondOnBusMessage } from '#functions/respond/on-bus-message.ts';

export type BackgroundWork = { stop(): void };

export const startBackgroundWork = async (
  log: Logger,
  intervals = { modesMs: 60_000, alertsMs: 30_000 },
): Promise<BackgroundWork> => {
  const runtime = await getRuntime();
  runtime.subscribe(async (message) => {
    const respond = await getRespondRuntime();
    const result = await respondOnBusMessage(
      message,
      runtime.store,
      respond.deps,
      runtime.now().toISOString(),
    );
    for (const failure of result.failures) log('warn', 'response failed', failure);
  });
  const guard = (name: string, work: () => Promise<unknown>) => () => {
    work().catch((error: unknown) => log('warn', `${name} failed`, { error: String(error) }));
  };
  const modes = setInterval(
    guard('mode progression', async () => {
      for (const change of await progressAllGroups(runtime.store, runtime.now(), runtime.learnConfig)) {
        log('info', 'mode changed', change);
      }
    }),
    intervals.modesMs,
  );
  const alerts = setInterval(
    guard('alert flush', async () => (await getRespondRuntime()).alerts.flush(runtime.now().toISOString())),
    intervals.alertsMs,
  );
  modes.unref();
  alerts.unref();
  return {
    stop: () => {
      clearInterval(modes);
      clearInterval(alerts);
    },
  };
};

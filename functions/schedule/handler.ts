/** Lambda adapter for the timers `meshward serve` runs in-process (ADR 4): an EventBridge schedule in, mode progression and alert flush. */
import { progressAllGroups } from '#functions/learn/progress-all-groups.ts';
import { getRuntime } from '#functions/platform/runtime.ts';
import { getRespondRuntime } from '#functions/respond/current-respond-runtime.ts';

export type ScheduleResult = { modeChanges: number; alertsFlushed: number };

/** Each part runs even if the other fails; a failure is logged and rethrown so the invocation counts as an error. */
export const handler = async (): Promise<ScheduleResult> => {
  const runtime = await getRuntime();
  const now = runtime.now();
  const [modes, alerts] = await Promise.allSettled([
    progressAllGroups(runtime.store, now, runtime.learnConfig),
    getRespondRuntime().then((respond) => respond.alerts.flush(now.toISOString())),
  ]);
  for (const change of modes.status === 'fulfilled' ? modes.value : [])
    runtime.log('info', 'mode changed', change);
  const failed = [modes, alerts].flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  if (failed.length > 0) {
    runtime.log('error', 'scheduled work failed', { errors: failed });
    throw new Error(`scheduled work failed: ${failed.join('; ')}`);
  }
  return {
    modeChanges: modes.status === 'fulfilled' ? modes.value.length : 0,
    alertsFlushed: alerts.status === 'fulfilled' ? alerts.value : 0,
  };
};

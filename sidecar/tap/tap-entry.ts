/** The tap's standalone entry, bundled by esbuild (no tsx at run time): starts the tap, stops it on SIGTERM/SIGINT. */
import { isAppError } from '#core/errors.ts';
import { startTap } from './main.ts';

const waitForSignal = () =>
  new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

/** Exit codes as the CLI maps them: 2 for bad configuration, 1 otherwise. */
export const runTapEntry = async (): Promise<number> => {
  try {
    const tap = await startTap({ env: process.env });
    await waitForSignal();
    await tap.stop();
    return 0;
  } catch (error) {
    process.stderr.write(`meshward tap: ${error instanceof Error ? error.message : String(error)}\n`);
    return isAppError(error) && error.code === 'config-invalid' ? 2 : 1;
  }
};

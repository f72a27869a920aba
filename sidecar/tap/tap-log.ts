/** The tap's structured log: one JSON object per line on stderr, where the container runtime collects it. */

export type TapLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export const tapLog =
  (write: (line: string) => void = (line) => process.stderr.write(line)): TapLog =>
  (level, message, fields = {}) => {
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, component: 'tap', message, ...fields })}\n`,
    );
  };

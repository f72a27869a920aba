/** Structured JSON logs, one object per line, with a level and a message. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger =
  (write: (line: string) => void = (line) => process.stderr.write(line)): Logger =>
  (level, message, fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`);
  };

export const silentLogger: Logger = () => {};

/**
 * Runs one CLI command from `list`: prints help, maps errors to exit codes and clear messages. The composition root
 * (main.ts) gives it every command; the inspect bundle (inspect-entry.ts) gives it `inspect` alone, so the bundle
 * carries none of the others' code.
 */
import { isAppError } from '#core/errors.ts';
import type { CliCommand, CommandIo } from './command.ts';

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

const overview = (list: readonly CliCommand[]): string => {
  const width = Math.max(...list.map((command) => command.name.length), 8);
  const lines = list.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `meshward: a security mesh for the service mesh\n\nUsage: meshward <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'meshward <command> --help' for a command's options.`;
};

const reportError = (name: string, error: unknown, io: CommandIo): number => {
  if (isAppError(error)) {
    io.stderr(`meshward ${name}: ${error.message}`);
    return error.code === 'bad-request' || error.code === 'config-invalid' ? 2 : 1;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`meshward ${name}: unexpected error: ${text}`);
  return 1;
};

export const runCommand = async (
  argv: string[],
  io: CommandIo,
  list: readonly CliCommand[],
): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(overview(list));
    return name === undefined ? 1 : 0;
  }
  const command = list.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr(`meshward: unknown command '${name}'\n\n${overview(list)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportError(name, error, io);
  }
};

/** CLI composition root: every command, run by run-command.ts. */
import type { CommandIo } from './command.ts';
import { commands } from './commands/index.ts';
import { processIo, runCommand } from './run-command.ts';

export const main = (argv: string[], io: CommandIo = processIo, list = commands): Promise<number> =>
  runCommand(argv, io, list);

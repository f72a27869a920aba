/** Every CLI command, in the order `meshward --help` lists them. */
import type { CliCommand } from '../command.ts';
import { exportCommand } from './export.ts';
import { inspectCommand } from './inspect.ts';
import { installCommand } from './install.ts';
import { keysCommand } from './keys.ts';
import { learnCommand } from './learn.ts';
import { modeCommand } from './mode.ts';
import { policyCommand } from './policy.ts';
import { rulesCommand } from './rules.ts';
import { serveCommand } from './serve.ts';
import { tapCommand } from './tap.ts';
import { violationsCommand } from './violations.ts';

export const commands: CliCommand[] = [
  serveCommand,
  policyCommand,
  inspectCommand,
  tapCommand,
  installCommand,
  learnCommand,
  rulesCommand,
  modeCommand,
  violationsCommand,
  exportCommand,
  keysCommand,
];

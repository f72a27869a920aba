/** Inspects one capture file: every flow's finding, the observers' findings, the problems met and the counters. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '#core/errors.ts';
import type { Finding } from '#core/finding.ts';
import type { CaptureProblem } from '../capture/capture-problem.ts';
import type { EngineStats } from './engine-stats.ts';
import { type InspectOptions, inspectStream } from './inspect-stream.ts';

export type InspectResult = {
  findings: Finding[];
  problems: CaptureProblem[];
  stats: EngineStats;
  /** File size in bytes. */
  size: number;
};

/** 1 MiB reads: few enough chunks that the per-chunk work disappears next to the per-packet work. */
const chunkSize = 1 << 20;

export const inspectFile = async (
  path: string,
  options: Omit<InspectOptions, 'onProgress'> & { onProgress?(bytesRead: number, size: number): void } = {},
): Promise<InspectResult> => {
  const size = await stat(path).then(
    (info) => info.size,
    (error: unknown) => {
      throw new AppError('not-found', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
    },
  );
  const findings: Finding[] = [];
  const problems: CaptureProblem[] = [];
  let stats: EngineStats | undefined;
  const source = createReadStream(path, { highWaterMark: chunkSize });
  const { onProgress, ...rest } = options;
  const updates = inspectStream(
    source,
    onProgress === undefined ? rest : { ...rest, onProgress: (bytes: number) => onProgress(bytes, size) },
  );
  for await (const update of updates) {
    findings.push(...update.findings);
    problems.push(...update.problems);
    if (update.done) stats = update.engine.stats();
  }
  return { findings, problems, stats: stats as EngineStats, size };
};

/**
 * Inspects one capture file (pcap or pcapng, gzip-compressed or not): every flow's finding, the observers' findings,
 * the problems met and the counters.
 */
import type { Finding } from '#core/finding.ts';
import type { CaptureProblem } from '../capture/capture-problem.ts';
import { openCaptureFile } from '../capture/open-capture-file.ts';
import type { EngineStats } from './engine-stats.ts';
import { type InspectOptions, inspectStream } from './inspect-stream.ts';

export type InspectResult = {
  findings: Finding[];
  problems: CaptureProblem[];
  stats: EngineStats;
  /** File size in bytes (compressed size for a gzip file). */
  size: number;
  /** The file was gzip: problems' byte offsets count in the decompressed capture. */
  compressed: boolean;
};

/** 1 MiB reads: few enough chunks that the per-chunk work disappears next to the per-packet work. */
const chunkSize = 1 << 20;

export const inspectFile = async (
  path: string,
  options: Omit<InspectOptions, 'onProgress'> & { onProgress?(bytesRead: number, size: number): void } = {},
): Promise<InspectResult> => {
  const file = await openCaptureFile(path, chunkSize);
  const findings: Finding[] = [];
  const problems: CaptureProblem[] = [];
  let stats: EngineStats | undefined;
  let consumed = 0;
  const { onProgress, ...rest } = options;
  const updates = inspectStream(
    file.bytes,
    onProgress === undefined
      ? rest
      : { ...rest, onProgress: () => onProgress(file.fileBytesRead(), file.size) },
  );
  for await (const update of updates) {
    findings.push(...update.findings);
    problems.push(...update.problems);
    consumed = update.offset;
    if (update.done) stats = update.engine.stats();
  }
  if (file.failure !== undefined)
    problems.push({
      offset: consumed,
      reason: `the gzip data is corrupt or truncated (${file.failure}); nothing after this point could be read`,
      fatal: true,
    });
  return { findings, problems, stats: stats as EngineStats, size: file.size, compressed: file.compressed };
};

/** The benchmark seam: one file per benchmark, one line in bench/index.ts. */

export type Benchmark<Result = unknown> = {
  id: string;
  title: string;
  run(): Promise<Result>;
  /** Markdown for the report. */
  render(result: Result): string;
  /** The targets the result misses, one line each; any fails `npm run bench` (exit status 1) once the report is written. */
  missed?(result: Result): string[];
};

export const table = (header: string[], rows: (string | number)[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/**
 * `npm run bench`: runs every benchmark in one process and writes bench/results/report.{md,json}; exits 1 when a
 * benchmark's result misses a target it declares (`missed`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeNdpiScratch } from '#test/helpers/ndpi-reader.ts';
import { benchmarks } from './index.ts';

const only = process.argv.slice(2);
const unknown = only.filter((id) => !benchmarks.some((bench) => bench.id === id));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: no benchmark named ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.id).join(', ')}\n`,
  );
  process.exit(2);
}
const results: Record<string, unknown> = {};
const missed: string[] = [];
const sections: string[] = [
  `# meshward benchmark report\n\nRun ${new Date().toISOString()} on Node ${process.version}, ${process.platform}/${process.arch}.\n`,
];

for (const bench of benchmarks) {
  if (only.length > 0 && !only.includes(bench.id)) continue;
  process.stderr.write(`bench: ${bench.id} …\n`);
  const started = performance.now();
  try {
    const result = await bench.run();
    results[bench.id] = result;
    missed.push(...(bench.missed?.(result) ?? []).map((miss) => `${bench.id}: ${miss}`));
    sections.push(
      `## ${bench.title}\n\n${bench.render(result)}\n\n(${Math.round(performance.now() - started)} ms)\n`,
    );
  } catch (error) {
    results[bench.id] = { error: String(error) };
    sections.push(`## ${bench.title}\n\nFAILED: ${String(error)}\n`);
  }
  process.stderr.write(`bench: ${bench.id} done\n`);
}
// ndpiReader's own files in /tmp, written by the runs the benchmarks compare against.
removeNdpiScratch();

const dir = join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
const report = sections.join('\n');
await writeFile(join(dir, 'report.md'), report);
await writeFile(join(dir, 'report.json'), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${report}\nWritten to bench/results/report.md and report.json\n`);
if (missed.length > 0) {
  process.stderr.write(`bench: targets missed:\n  ${missed.join('\n  ')}\n`);
  process.exitCode = 1;
}

/** Registers the threat-detection reports: payload corpus per class, and nDPI's risk flags on the same captures. */
import { type Benchmark, table } from './benchmark.ts';
import { runNdpiThreatReport } from './ndpi-threats-report.ts';
import { runPayloadReport, type Table } from './payloads-report.ts';

export const payloadsBenchmark: Benchmark<Table> = {
  id: 'payloads',
  title: 'Attack payloads (WAF Payload Collection) per class, placed in query, header, form and JSON body',
  run: () => runPayloadReport(),
  render: (t) =>
    `${table(t.header, t.rows)}\n\nOrdinary English: ${t.english.flagged} of ${t.english.lines} lines flagged (${(t.english.rate * 100).toFixed(3)}%). References: libinjection ≈ 69% SQLi, 95% XSS on this collection.`,
};

type NdpiReport = Awaited<ReturnType<typeof runNdpiThreatReport>>;

export const ndpiThreatsBenchmark: Benchmark<NdpiReport> = {
  id: 'ndpi-threats',
  title: "Attacks in nDPI's captures: meshward threat findings beside nDPI's risk flags",
  run: () => runNdpiThreatReport(),
  render: (r) => table(r.header, r.rows),
};

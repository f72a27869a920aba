/** Registers the real-kernel agreement report: the bytes the tap reads against the bytes the application read. */
import { type Benchmark, table } from './benchmark.ts';
import { type KernelAgreement, runKernelAgreement } from './kernel-agreement.bench.ts';

export const kernelAgreementBenchmark: Benchmark<KernelAgreement> = {
  id: 'kernel-agreement',
  title: 'Reassembly against the real Linux kernel: random overlapping segments, tap vs application',
  run: () => runKernelAgreement(),
  render: (r) => {
    if ('skipped' in r) return `Skipped: ${r.skipped}.`;
    const shown = r.disagreements.slice(0, 12);
    return [
      `**${r.agree} of ${r.schedules}** connections: the tap read the same 48 octets as the server application (${r.seconds} s). Schedule notation: r = the message, c = a harmless copy; offsets; o = valid, b = bad checksum, n = no ACK; in sending order.`,
      '',
      shown.length === 0
        ? 'No disagreement.'
        : table(
            ['port', 'application read', 'tap read', 'schedule'],
            shown.map((d) => [d.port, `\`${d.app}\``, `\`${d.tap}\``, d.schedule]),
          ),
    ].join('\n');
  },
};

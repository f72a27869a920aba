/** Renders `meshward policy test` records as an aligned text table. */
import type { TestRecord } from './test-record.ts';

const columns = ['RESOURCE', 'POLICY', 'CHECK', 'RESULT', 'PATH', 'MESSAGE'] as const;
const maxMessage = 100;

const row = (record: TestRecord): string[] => {
  const { kind, namespace, name } = record.resource;
  const message =
    record.message.length > maxMessage ? `${record.message.slice(0, maxMessage - 1)}…` : record.message;
  return [
    `${kind}/${namespace === undefined ? '' : `${namespace}/`}${name}`,
    record.policy,
    record.check,
    record.result,
    record.path,
    message,
  ];
};

export const renderTable = (records: readonly TestRecord[]): string => {
  const rows = [columns.map(String), ...records.map(row)];
  const widths = columns.map((_, index) => Math.max(...rows.map((cells) => (cells[index] ?? '').length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

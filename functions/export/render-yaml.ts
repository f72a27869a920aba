/** Renders exported documents as deterministic multi-document YAML with provenance comments. */
import { Document } from 'yaml';
import type { ExportResult } from './exporter.ts';

export const renderYaml = (result: ExportResult, header: string[]): string => {
  const parts = result.documents.map((entry, index) => {
    const doc = new Document(entry.object, { sortMapEntries: false });
    const comment =
      index === 0
        ? [...header, ...result.warnings.map((w) => `WARNING: ${w}`), '', ...entry.comment]
        : entry.comment;
    if (comment.length > 0)
      doc.commentBefore = comment.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
    return doc.toString({ lineWidth: 0 });
  });
  return parts.join('---\n');
};

/** The rule-exporter seam: learned rules in, policy documents of one dialect out. */
import type { ExportInput } from './export-input.ts';

export type ExportedDocument = { comment: string[]; object: Record<string, unknown> };
export type ExportResult = { documents: ExportedDocument[]; warnings: string[] };

export type RuleExporter = {
  id: 'networkpolicy' | 'istio' | 'cilium' | 'linkerd';
  title: string;
  export(input: ExportInput): ExportResult;
};

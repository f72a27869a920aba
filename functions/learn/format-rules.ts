/** Rules as an aligned text table for people: from, to, port, protocol, HTTP facts, hits. */
import type { Rule } from '#core/rule.ts';
import { describePeer } from './describe-peer.ts';

const facts = (rule: Rule): string => {
  const parts: string[] = [];
  if (rule.http !== undefined) {
    parts.push(
      `${rule.http.methods.join(',') || '*'} ${rule.http.paths.slice(0, 4).join(' ')}${rule.http.paths.length > 4 ? ` (+${rule.http.paths.length - 4})` : ''}`,
    );
  }
  if (rule.dnsNames !== undefined)
    parts.push(`dns ${rule.dnsNames.slice(0, 3).join(' ')}${rule.dnsNames.length > 3 ? ' …' : ''}`);
  return parts.join('; ');
};

export const formatRules = (rules: readonly Rule[]): string[] => {
  const rows = rules.map((rule) => [
    describePeer(rule.from),
    describePeer(rule.to),
    `${rule.transport}/${rule.portEnd === undefined ? rule.port : `${rule.port}-${rule.portEnd}`}`,
    rule.protocol,
    String(rule.hits),
    facts(rule),
  ]);
  const header = ['FROM', 'TO', 'PORT', 'PROTOCOL', 'HITS', 'LAYER 7'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
};

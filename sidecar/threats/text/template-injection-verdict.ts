/**
 * Judges a value as server-side template or expression-language injection: an expression (`{{…}}`, `${…}`, `#{…}`,
 * `%{…}`, `*{…}`, `{%…%}`, `<%…%>`) or an engine's own construct that reaches code execution or internals, or an
 * evaluation probe (constant arithmetic such as `{{7*7}}`, a configuration dump, a fuzz string). Templates that only
 * name variables (`{{ user.name }}`, `${var.region}`, `${{ secrets.TOKEN }}`) are left alone.
 */
import type { Severity } from '#core/finding.ts';
import { engineName } from './template-engines.ts';
import { type TemplateExpression, templateExpressions } from './template-expressions.ts';
import { templateInternals } from './template-internals.ts';
import { criticalMarker, type Marker, probeMarker } from './template-markers.ts';
import { inWindows } from './text-windows.ts';

const maxLength = 4096;
/** Every construct judged here holds one of these; a value without them is done after one test. */
const hint = /[{#]|<%|lass\.|T\s*\(/;
const probePrefix = 'an evaluation probe';
const operand = String.raw`(?:\d+(?:\.\d+)?|'\w{1,8}'|"\w{1,8}")`;
/** Constant multiplication, the probe every SSTI scanner sends first: `7*7`, `7*'7'`, `1337*1337`. */
const arithmetic = new RegExp(String.raw`^[\s({=-]*${operand}(?:\s*\*{1,2}\s*${operand})+[\s)}-]*$`);
const numericFactor = /\d\s*\*|\*\s*\d/;
/** The whole application configuration or template context, which honest templates do not print whole. */
const disclosure =
  /^\s*(?:config(?:\.items\(\s*\))?|self|_self|settings\.SECRET_KEY|app\.request\.server\.all)\s*$/;

const closers: Record<TemplateExpression['opener'], string> = {
  '{{': '}}',
  '{%': '%}',
  '${': '}',
  '#{': '}',
  '%{': '}',
  '*{': '}',
  '<%': '%>',
};
/** The expression as evidence: cut at 48 characters, line breaks and control characters as spaces. */
const shown = ({ opener, body }: TemplateExpression): string => {
  const text = body.length > 48 ? `${opener}${body.slice(0, 48)}…` : `${opener}${body}${closers[opener]}`;
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
};

const isProbe = (body: string): boolean =>
  (numericFactor.test(body) && arithmetic.test(body)) || disclosure.test(body);

const expressionVerdict = (text: string): string | undefined => {
  const handlebars = text.includes('{{#');
  let probe: string | undefined;
  for (const expression of templateExpressions(text)) {
    const thymeleaf = text.startsWith('__', expression.at - 2);
    const reached = templateInternals(expression.body, expression.opener);
    const framing = { handlebars, thymeleaf };
    if (reached !== undefined) {
      const engine = engineName(expression.opener, reached.language, framing);
      return `template injection (${engine}): ${shown(expression)} reaching ${reached.what}`;
    }
    if (probe === undefined && isProbe(expression.body))
      probe = `${probePrefix} (${engineName(expression.opener, undefined, framing)}): ${shown(expression)}`;
  }
  return probe;
};

const markerReason = (marker: Marker): string =>
  marker.probe
    ? `${probePrefix} (${marker.engine}): ${marker.what}`
    : `template injection (${marker.engine}): ${marker.what}`;

/** One window of the value (`inWindows`): expressions reaching code, then markers that do, then probes. */
const judge = (text: string): string | undefined => {
  const found = expressionVerdict(text);
  if (found !== undefined && !found.startsWith(probePrefix)) return found;
  const marker = criticalMarker(text);
  if (marker !== undefined) return markerReason(marker);
  const probe = probeMarker(text);
  return found ?? (probe === undefined ? undefined : markerReason(probe));
};

/** The one test an ordinary value costs: whether it holds anything the verdict reads further. */
export const mayHoldTemplate = (value: string): boolean => hint.test(value);

/** A short reason, naming the engine family, when `value` (already decoded) is template injection. */
export const templateInjectionVerdict = (value: string): string | undefined =>
  hint.test(value) ? inWindows(value, maxLength, judge) : undefined;

/** Probes are reported at most high: they test for evaluation, they do not yet run code. */
export const templateInjectionSeverity = (reason: string, configured: Severity): Severity =>
  reason.startsWith(probePrefix) && configured === 'critical' ? 'high' : configured;

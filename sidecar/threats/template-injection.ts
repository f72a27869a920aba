/**
 * Server-side template and expression-language injection: Jinja2, Twig, FreeMarker, Velocity, Thymeleaf, ERB,
 * Smarty, Handlebars, Pug, Mako, Tornado expressions that reach code execution or internals (critical), evaluation
 * probes such as `{{7*7}}` (high), OGNL (Struts2, Confluence), SpEL and Spring4Shell's class loader bindings.
 */
import { embeddedAttack } from './text/embedded-attack.ts';
import { memoVerdict } from './text/memo-verdict.ts';
import { springClassBinding } from './text/spring-class-binding.ts';
import {
  mayHoldTemplate,
  templateInjectionSeverity,
  templateInjectionVerdict,
} from './text/template-injection-verdict.ts';

/** Values that hold no trigger leave after one test, before the memo's hash lookup. */
const remembered = memoVerdict(templateInjectionVerdict);

export const templateInjection = embeddedAttack({
  id: 'template-injection',
  severity: 'critical',
  on: ['http-request', 'websocket-message'],
  verdict: (text) => (mayHoldTemplate(text) ? remembered(text) : undefined),
  inspectEvent: (event) => (event.kind === 'http-request' ? springClassBinding(event) : undefined),
  severityOf: templateInjectionSeverity,
});

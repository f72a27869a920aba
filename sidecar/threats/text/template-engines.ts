/** Names the engine family an expression was written for, from its opener, the language it reaches and its framing. */
import type { Opener } from './template-expressions.ts';
import type { Language } from './template-internals.ts';

/** Engines that read each opener, when the body says nothing more. */
const byOpener: Record<Opener, string> = {
  '{{': 'Jinja2/Twig/Nunjucks',
  '{%': 'Jinja2/Twig/Django/Tornado',
  '${': 'FreeMarker/Java EL/Mako',
  '#{': 'Pug/Ruby/Java EL',
  '%{': 'OGNL (Struts2)',
  '*{': 'Thymeleaf',
  '<%': 'ERB/EJS/JSP',
};

/** Engines by the language reached, per opener where that tells them apart (`*` for any other opener). */
const byLanguage: Record<Language, Partial<Record<Opener | '*', string>>> = {
  python: { '{{': 'Jinja2', '{%': 'Jinja2/Tornado', '${': 'Mako', '<%': 'Mako', '*': 'a Python engine' },
  mako: { '*': 'Mako' },
  java: { '%{': 'OGNL (Struts2)', '*{': 'Thymeleaf', '<%': 'JSP', '{{': 'Pebble/Jinjava', '*': 'Java EL' },
  ognl: { '*': 'OGNL (Struts2, Confluence)' },
  spel: { '*': 'SpEL (Spring)' },
  freemarker: { '*': 'FreeMarker' },
  node: { '{{': 'Nunjucks/Handlebars', '#{': 'Pug/Jade', '<%': 'EJS', '${': 'lodash/JavaScript template' },
  javascript: { '{{': 'Nunjucks/Handlebars/AngularJS', '#{': 'Pug/Jade', '<%': 'EJS' },
  ruby: { '#{': 'Ruby', '*': 'ERB' },
  twig: { '*': 'Twig' },
  process: { '{{': 'Twig/Jinja2', '${': 'PHP interpolation (eval)', '#{': 'Ruby', '<%': 'ERB/EJS' },
  generic: {},
};

export type Framing = { handlebars: boolean; thymeleaf: boolean };

export const engineName = (opener: Opener, language: Language | undefined, framing: Framing): string => {
  if (framing.thymeleaf && (opener === '${' || opener === '*{')) return 'Thymeleaf';
  if (framing.handlebars && opener === '{{' && (language === 'javascript' || language === 'node'))
    return 'Handlebars';
  const named = language === undefined ? undefined : byLanguage[language];
  return named?.[opener] ?? named?.['*'] ?? byOpener[opener];
};

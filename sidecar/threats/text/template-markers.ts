/**
 * Template and expression-language attacks recognised without a delimited expression around them: OGNL member
 * access, FreeMarker's Execute class, Smarty's PHP tags and calls, Velocity's `#set` with Java internals, a SpEL type
 * reference called (Spring Cloud Function's routing-expression header takes bare SpEL), Spring's class loader
 * bindings, Smarty's version probe and the template fuzz polyglot.
 */
import { templateInternals } from './template-internals.ts';

export type Marker = { engine: string; what: string; probe: boolean };

/** Markers that are code execution or internals by themselves. */
const critical: readonly (readonly [RegExp, string, string])[] = [
  [/#_memberAccess|@ognl\.OgnlContext@|\bDEFAULT_MEMBER_ACCESS\b/, 'OGNL (Struts2)', 'member access'],
  [
    /freemarker\.template\.utility\.(?:Execute|ObjectConstructor|JythonRuntime)|<#assign\b[^>]{0,200}\?new\s*\(/,
    'FreeMarker',
    'object construction',
  ],
  [
    new RegExp(
      [
        String.raw`\{\/?php\}`,
        String.raw`(?<![$#%*{])\{(?:if\s+)?(?:system|passthru|exec|shell_exec|popen|proc_open|phpinfo|readfile)\s*\(`,
        String.raw`(?<![$#%*{])\{(?:if\s+)?file_get_contents\s*\(`,
        String.raw`\{Smarty_Internal_\w+::`,
        String.raw`\{self::getStreamVariable\s*\(`,
      ].join('|'),
    ),
    'Smarty',
    'PHP execution',
  ],
  [
    /\b[cC]lass\s*(?:\.|\[['"]?)\s*(?:module\s*(?:\.|\[['"]?)\s*)?(?:classLoader|protectionDomain)\b/,
    'Spring data binding (Spring4Shell, CVE-2022-22965)',
    'the class loader',
  ],
];
const velocity = /#set\s*\(\s*\$\w+\s*=/;
const spelCall = /\bT\s*\(\s*[a-z]\w*(?:\.\w+)*\.[A-Z]\w*\s*\)\s*\.\s*\w+\s*\(/;
const probes: readonly (readonly [RegExp, string, string])[] = [
  [/\{\$smarty\.(?:version|template|now|const)\b/, 'Smarty', 'a version probe'],
  [/\$\{\{<%\[%['"]{1,2}\}\}%\\/, 'any template engine', 'the template syntax fuzz string'],
];

const first = (text: string, list: typeof critical, probe: boolean): Marker | undefined => {
  for (const [pattern, engine, what] of list) if (pattern.test(text)) return { engine, what, probe };
  return undefined;
};

/** A marker that reaches code execution or internals, if `text` holds one. */
export const criticalMarker = (text: string): Marker | undefined => {
  const found = first(text, critical, false);
  if (found !== undefined) return found;
  const call = spelCall.exec(text);
  // The call itself reads as a type reference; what it goes on to reach decides.
  const after = call === null ? undefined : templateInternals(text.slice(text.indexOf(')', call.index) + 1));
  if (after !== undefined) return { engine: 'SpEL (Spring)', what: after.what, probe: false };
  const set = velocity.exec(text);
  const reached = set === null ? undefined : templateInternals(text.slice(set.index));
  return reached === undefined ? undefined : { engine: 'Velocity', what: reached.what, probe: false };
};

/** A marker that only probes for evaluation, if `text` holds one. */
export const probeMarker = (text: string): Marker | undefined => {
  const found = first(text, probes, true);
  // Bare SpEL only (a routing header): inside `${…}` a harmless type (`T(java.time.LocalDate).now()`) is a page's own.
  if (found !== undefined || text.includes('{') || !spelCall.test(text)) return found;
  return { engine: 'SpEL (Spring)', what: 'a type reference called', probe: true };
};

/**
 * What in a template expression reaches code execution or the runtime's internals, by language: Python object
 * internals and process calls, Java runtime and reflection, OGNL member access, SpEL type references, FreeMarker
 * object construction, Node.js processes, the JavaScript Function constructor, Ruby and PHP process calls. Identifiers
 * are matched case-sensitively, as the languages read them.
 */

export type Language =
  | 'python'
  | 'mako'
  | 'java'
  | 'ognl'
  | 'spel'
  | 'freemarker'
  | 'node'
  | 'javascript'
  | 'ruby'
  | 'twig'
  | 'process'
  | 'generic';

export type Internals = { what: string; language: Language };

/** One pattern of alternatives, written one a line. */
const either = (...alternatives: string[]): RegExp => new RegExp(alternatives.join('|'));

const table: readonly (readonly [RegExp, string, Language])[] = [
  [
    either(
      '__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|dict|getattribute)__',
      '__(?:code|loader|spec|reduce)__',
    ),
    'object internals',
    'python',
  ],
  [
    either(
      String.raw`\b(?:os\.(?:system|popen|exec[lv]p?e?|spawn\w*)|subprocess\.\w+|pty\.spawn|commands\.getoutput)\s*\(`,
      String.raw`\bimport\s+(?:os|subprocess|pty|socket|commands|builtins)\b`,
      String.raw`\bfrom\s+(?:os|subprocess)\s+import\b`,
    ),
    'a process call',
    'python',
  ],
  [/\bself\.(?:module|template)\b|\.util\.os\b/, 'module internals', 'mako'],
  [
    either(
      '_memberAccess',
      'DEFAULT_MEMBER_ACCESS',
      String.raw`\bOgnl(?:Context|Util)\b`,
      String.raw`#context\s*\[`,
      String.raw`@[a-z]\w*(?:\.\w+)+@\w`,
    ),
    'static calls',
    'ognl',
  ],
  // A type reference to a class that runs, loads or reads (Thymeleaf pages call `T(java.time.LocalDate).now()`).
  [
    either(
      String.raw`\bT\s*\(\s*java\.lang\.(?:Runtime|ProcessBuilder|System|Class|ClassLoader|Thread)\s*\)`,
      String.raw`\bT\s*\(\s*(?:java\.lang\.reflect|javax\.script|java\.io|java\.nio\.file)\.\w+\s*\)`,
      String.raw`\bT\s*\(\s*org\.springframework\.util\.StreamUtils\s*\)`,
    ),
    'a type reference',
    'spel',
  ],
  [/freemarker\.template\.utility\.|\?new\s*\(|\?api\b/, 'object construction', 'freemarker'],
  [
    either(
      String.raw`\bjava\.lang\.(?:Runtime|ProcessBuilder|System|Class|Thread|reflect)\b`,
      String.raw`\bgetRuntime\s*\(`,
      String.raw`\bProcessBuilder\b`,
      String.raw`\bScriptEngineManager\b`,
    ),
    'the Java runtime',
    'java',
  ],
  [
    either(
      String.raw`\.(?:forName|getClassLoader|newInstance|getDeclaredMethod|getMethod|invoke)\s*\(`,
      String.raw`\.getClass\s*\(\s*\)`,
      String.raw`\bclass\.(?:forName|classLoader|module)\b`,
      String.raw`\bclassLoader\b`,
    ),
    'Java reflection',
    'java',
  ],
  [
    either(
      'child_process',
      String.raw`\bmainModule\b`,
      String.raw`\bprocess\.(?:binding|dlopen|kill|exit)\b`,
      String.raw`\bglobal\.process\b`,
      String.raw`\brequire\s*\(\s*['"\x60]`,
      String.raw`\b(?:exec|spawn)Sync\b`,
    ),
    'the Node.js process',
    'node',
  ],
  [
    either(
      String.raw`\bconstructor\s*\.\s*constructor\b`,
      String.raw`\bconstructor\s*\(`,
      `['"]constructor['"]`,
      String.raw`\bFunction\s*\(`,
      '__proto__',
    ),
    'the Function constructor',
    'javascript',
  ],
  [/\bIO\.popen\b|\bOpen3\.|\bKernel\.|%x\(|\bProcess\.spawn\b/, 'a process call', 'ruby'],
  [
    either(
      String.raw`_self\.env\b`,
      'registerUndefinedFilterCallback',
      String.raw`\bgetFilter\s*\(`,
      String.raw`\|\s*(?:filter|map|reduce|sort)\s*\(\s*['"](?:system|exec|passthru|shell_exec|popen)\b`,
    ),
    'environment callbacks',
    'twig',
  ],
  [
    /\b(?:system|passthru|shell_exec|proc_open|popen|phpinfo|file_get_contents|readfile)\s*\(/,
    'a process call',
    'process',
  ],
  [/\b(?:exec|eval)\s*\(/, 'code evaluation', 'generic'],
];

/** String pieces joined back (`'__cla'+'ss__'`, `"__cla" ~ "ss__"`), as filter-evading payloads split names. */
const joined = (body: string): string => body.replace(/['"]\s*[+~]?\s*['"]/g, '');

/** A shell command in backticks: Ruby runs it in ERB and `#{…}`; elsewhere backticks are strings or literals. */
const rubyShell = /^\s*=?\s*`[^`]+`/;

/** What `body` reaches, if it reaches code execution or internals; `opener` tells Ruby's backticks apart. */
export const templateInternals = (body: string, opener = ''): Internals | undefined => {
  if ((opener === '<%' || opener === '#{') && rubyShell.test(body))
    return { what: `a shell command (${body.trim().slice(0, 40)})`, language: 'ruby' };
  const flat = body.indexOf("'") < 0 && body.indexOf('"') < 0 ? body : joined(body);
  for (const [pattern, what, language] of table) {
    const match = pattern.exec(flat);
    if (match !== null) return { what: `${what} (${match[0].trim().slice(0, 40)})`, language };
  }
  return undefined;
};

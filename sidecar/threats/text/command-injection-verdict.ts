/** Judges a request value as OS command injection: a control operator followed by a real command line, or shell-only syntax. */
import { type ShellSegment, shellSegments } from './shell-segments.ts';
import { inWindows } from './text-windows.ts';

const maxLength = 4096;
const hint = /[;|&`$\n\r(#]|^\s*[a-z]/i;
const unixCommands = new Set(
  (
    'id whoami uname ls cat echo printf sleep ping nc ncat netcat wget curl bash sh zsh dash ksh csh tcsh ' +
    'python python2 python3 perl ruby php node lua nslookup dig host telnet ssh scp ftp tftp chmod chown rm mv cp ' +
    'touch mkdir kill pkill ps netstat ifconfig ip env export uname hostname pwd find grep awk sed head tail ' +
    'sort tr wc base64 xxd od useradd crontab nohup timeout sudo su tee xargs mknod mkfifo socat exec eval ' +
    'systeminfo phpinfo uptime w last lsof dmesg mount df du file strings'
  ).split(' '),
);
const windowsCommands = new Set(
  'dir type ipconfig net netsh systeminfo tasklist taskkill whoami ver cmd cmd.exe powershell powershell.exe certutil bitsadmin reg wmic del'.split(
    ' ',
  ),
);
/** Commands that mean reconnaissance even with no argument. */
const standalone = new Set([
  'id',
  'whoami',
  'uname',
  'ifconfig',
  'ipconfig',
  'pwd',
  'hostname',
  'systeminfo',
  'netstat',
  'ls',
  'dir',
  'env',
  'ps',
  'ver',
  'phpinfo',
  'uptime',
  'tasklist',
]);
/** Shell syntax that prose and ordinary data never use. */
const shellOnly =
  /\$\(\(|\$\{IFS\}|\$IFS\b|\$\{#\w+\}|<!--#exec\s|\b(?:system|exec|passthru|shell_exec|popen|proc_open|pcntl_exec|phpinfo)\s*\(\s*['"`)$]|\/bin\/(?:ba|z|da|k|tc|c)?sh\b|\bcmd(?:\.exe)?\s+\/c\b|\bpowershell(?:\.exe)?\s+-|\bnc\s+(?:-\w+\s+)*-e\s/i;

/** `$(cmd`, `` `cmd ``, `eval('cmd`: substitutions and evaluations whose first word is a command. */
const substitution = /(?:\$\(|`|\b(?:eval|system|exec|passthru|shell_exec)\s*\(\s*['"])\s*([\w./\\-]+)/g;

const commandName = (word: string): string | undefined => {
  const base = word.replace(/^.*[/\\]/, '');
  if (unixCommands.has(base)) return base;
  return windowsCommands.has(base.toLowerCase()) ? base.toLowerCase() : undefined;
};

/** Arguments only a command line has: options, paths, variables, redirections, globs, quoted strings. */
const isShellArgument = (word: string): boolean =>
  /^(?:-{1,2}[a-zA-Z]|\/[\w.*]|~|\.{1,2}\/|\$|[<>]|\d*>|[a-zA-Z]:\\|%\w+%|\*|\\\\|['"].*['"]$)/.test(word);

const segmentVerdict = (segment: ShellSegment): string | undefined => {
  const [first, ...args] = segment.words.filter((w) => !/^\w+=/.test(w) || segment.words.length === 1);
  const name = first === undefined ? undefined : commandName(first);
  if (name === undefined) return undefined;
  if (args.some(isShellArgument)) return `command ${name} with arguments`;
  if (!segment.afterOperator) return undefined;
  if (args.length === 0 && standalone.has(name)) return `command ${name}`;
  const lastArg = args.at(-1);
  if ((name === 'sleep' || name === 'ping') && args.length === 1 && /^\d+$/.test(lastArg ?? ''))
    return `command ${name}`;
  return undefined;
};

/** One window's verdict; a window that does not start the value has no first command of its own. */
const judge = (text: string, atStart: boolean): string | undefined => {
  const syntax = shellOnly.exec(text);
  if (syntax !== null) return `shell syntax ${syntax[0].trim()}`;
  for (const match of text.matchAll(substitution)) {
    const name = commandName(match[1] ?? '');
    if (name !== undefined) return `command substitution ${match[0].trim()}`;
  }
  const segments = shellSegments(text);
  const attacked = segments.some((s) => s.afterOperator) ? segments : segments.slice(0, 1);
  for (const segment of attacked) {
    // A later window's first segment starts wherever the window cut the text: it is no command.
    if (!atStart && !segment.afterOperator) continue;
    const verdict = segmentVerdict(segment);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
};

/** A short reason when `value` (already decoded) would run commands if it reached a shell; undefined otherwise. */
export const commandInjectionVerdict = (value: string): string | undefined =>
  value.length < 2 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);

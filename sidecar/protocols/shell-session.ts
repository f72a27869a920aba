/**
 * An interactive shell carried by a bare TCP connection: a reverse shell (`bash -i >& /dev/tcp/…`, `nc -e /bin/sh`,
 * a Python or socat one-liner) or a bind shell. Nothing but a shell sends what a shell prints when its input is a
 * socket: bash's complaints that it has no terminal, dash's, a prompt (`root@pod:/app# `), `id`'s answer. The other
 * direction then carries the operator's commands.
 */

/** What bash, dash and busybox print first when their input is not a terminal, and `id`'s answer. */
const shellOpenings = [
  /^bash: cannot set terminal process group \(-?\d+\): /,
  /^bash: no job control in this shell\n/,
  /^(\/bin\/)?sh: \d+: can't access tty; job control turned off\n/,
  /^\/bin\/sh: can't access tty; job control turned off\n/,
  /^uid=\d+\([^)\n]*\) gid=\d+\([^)\n]*\)/,
];

/** A prompt standing alone: `user@host:path# ` (bash's default), `sh-5.2$ `, busybox's `/app # `. */
const prompt =
  /^(?:([a-z_][\w.-]{0,31})@([\w.-]{1,64}):[^\n]{0,256}|(?:ba)?sh-\d+\.\d+|\/[^\n ]{0,256} ?)[#$] $/;

/** How many octets of a direction the openings are looked for in. */
export const shellPrefix = 512;

/** `id`'s answer as a line of its own, after the answers to the commands before it (`whoami`, `pwd`). */
const idAnswerLine = /(^|\n)uid=\d+\([^)\n]*\) gid=\d+\([^)\n]*\)/;

/** True when text (a direction's first octets) is a shell talking: an opening line, `id`'s answer, a prompt alone. */
export const isShellOutput = (text: string): boolean =>
  shellOpenings.some((opening) => opening.test(text)) || idAnswerLine.test(text) || prompt.test(text);

/** The user and host a bash prompt names (`root@checkout-7d9:/app# `), when the text holds one. */
export const promptOf = (line: string): { user: string; host: string } | undefined => {
  const found = prompt.exec(line);
  return found?.[1] === undefined || found[2] === undefined ? undefined : { user: found[1], host: found[2] };
};

/** A line where a prompt ends and the echoed command starts (`root@vm:/tmp# id`): the command, else the line. */
export const afterPrompt = (line: string): string => {
  const found = /^[a-z_][\w.-]{0,31}@[\w.-]{1,64}:[^\n#$]{0,256}[#$] (.*)$/.exec(line);
  return found?.[1] ?? line;
};

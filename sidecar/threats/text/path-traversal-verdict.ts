/** Judges a value as path traversal: `..` segments or system files, after undoing the separator and dot disguises. */

import { inWindows } from './text-windows.ts';

const maxLength = 4096;
const hint = /[\^\u0080-\uffff]|\.|%|\\|\/|\u2215|\u2216|\uff0e|\uff0f|\uff3c|0x2e|0x2f|0x5c/i;
/** Unicode look-alikes (and dotdotpwn's `%c0%5e`, left as `^`) that some servers fold to `.`, `/` and `\`. */
const lookalikes: Record<string, string> = {
  '\u2215': '/',
  '\u2216': '/',
  '\u2044': '/',
  '\uff0f': '/',
  '\uff3c': '/',
  '\\': '/',
  '\uff0e': '.',
  '\u2024': '.',
  '\ufe52': '.',
  '^': '.',
};
const lookalike = /[\u2215\u2216\u2044\uff0f\uff3c\\\uff0e\u2024\ufe52^]/g;
/** System files attackers read through a traversal; an absolute path to one is as bad as `../`. */
const systemFile =
  /(?:^|\/)(?:etc\/(?:passwd|shadow|group|issue|hosts|hostname|motd|crontab|sudoers|fstab|resolv\.conf|ssh\/|mysql\/|httpd\/|apache2?\/|nginx\/|pure-ftpd|wu-ftpd|logrotate\.d\/|php)|proc\/self\/|proc\/\d+\/(?:environ|cmdline)|boot\.ini|win\.ini|system\.ini|windows\/(?:system32|win\.ini|repair)|winnt\/|inetpub\/|\.ssh\/(?:id_|authorized_keys)|\.aws\/credentials|\.htpasswd|\.htaccess|web\.config|wp-config\.php)/;
/** With a `..` present, system files behind a separator the decoder could not name (`etc%c1%afissue`). */
const looseSystemFile = /(?:etc.(?:passwd|shadow|issue|hosts|group)|windows.system32|boot\.ini)\b/;
/** Files reached by a relative climb: also logs and configs. */
const climbTarget =
  /(?:^|\/)(?:[\w.-]+\/)*(?:[\w.-]*\.(?:log|conf|ini|cfg|pdb|php|xml|properties|yml|yaml|env)|[\w-]*_log)$/;

/** Folds disguised separators and dots, turns undecodable `%xx` junk and non-ASCII into `/` (dropping U+FFFD, a broken lead byte), collapses `//`. */
const fold = (value: string): string =>
  value
    .replace(lookalike, (c) => lookalikes[c] ?? c)
    .replace(/0x2e/gi, '.')
    .replace(/0x(?:2f|5c)/gi, '/')
    .replace(/\ufffd/g, '')
    .replace(/%[0-9a-z]{0,2}|[^\x20-\x7e]|\?/gi, '/')
    .replace(/\/{2,}/g, '/')
    .toLowerCase();

/** One window of the value (`inWindows`). */
const judge = (window: string): string | undefined => {
  const text = fold(window);
  const file = systemFile.exec(text);
  if (file !== null) return `system file ${file[0].replace(/^\//, '')}`;
  const loose = text.includes('..') ? looseSystemFile.exec(text) : null;
  if (loose !== null) return `system file ${loose[0]}`;
  const climb = /(?:^|\/)\.{2,}(?:\/|$)/.exec(text);
  if (climb === null) return undefined;
  return climbTarget.test(text) || /(?:\.{2,}\/){2}/.test(text)
    ? 'directory climb ../'
    : 'parent directory reference';
};

export const pathTraversalVerdict = (value: string): string | undefined =>
  value.length < 3 || !hint.test(value) ? undefined : inWindows(value, maxLength, judge);

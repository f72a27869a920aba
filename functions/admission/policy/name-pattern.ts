/** Name patterns in policies and exceptions: an exact name, or a `*` wildcard (`team-*`, `*`). */

export const nameMatches = (pattern: string, name: string): boolean => {
  if (!pattern.includes('*')) return pattern === name;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(name);
};

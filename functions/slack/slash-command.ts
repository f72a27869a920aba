/** `/meshward status | quarantine <ns>/<pod> [reason] | release <ns>/<pod> [reason] | help`, parsed. */

export type ParsedCommand =
  | { verb: 'status' }
  | { verb: 'help' }
  | { verb: 'quarantine' | 'release'; pod: { namespace: string; name: string }; reason: string }
  | { verb: 'invalid'; message: string };

export const usage =
  'Usage: `/meshward status`, `/meshward quarantine <namespace>/<pod> [reason]`, `/meshward release <namespace>/<pod> [reason]`';

const podRef = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/;

export const parseSlashCommand = (text: string): ParsedCommand => {
  const [verb = 'help', target, ...rest] = text.trim().split(/\s+/).filter(Boolean);
  if (verb === 'status' || verb === 'help') return { verb };
  if (verb !== 'quarantine' && verb !== 'release')
    return { verb: 'invalid', message: `Unknown command "${verb}". ${usage}` };
  const match = podRef.exec(target ?? '');
  if (match === null) return { verb: 'invalid', message: `Name the pod as <namespace>/<pod>. ${usage}` };
  const reason = rest.join(' ').slice(0, 512) || `requested in Slack`;
  return { verb, pod: { namespace: match[1] ?? '', name: match[3] ?? '' }, reason };
};

/**
 * A shell driven over the network (MITRE ATT&CK T1059.004): a reverse shell, the pod's shell connected out to an
 * attacker's listener (`bash -i >& /dev/tcp/…`, `nc -e /bin/sh`, a Python, Perl or socat one-liner, a web shell's
 * callback), or a bind shell, a shell listening in the pod. Read from the bytes (shell.ts), on any port: Falco sees
 * the same from system calls (a shell whose input is a socket); here it is seen on the wire, with the commands.
 * One finding per session; its story names the operator's first commands.
 */
import { operationStory } from './operation-story.ts';

export const reverseShell = operationStory({
  id: 'reverse-shell',
  protocol: 'shell',
  severity: 'critical',
  story(event) {
    const detail = event.detail ?? '';
    // Commands to the client's shell come from the server: the client connected out (reverse); else it listened.
    const kind = (event.operation === 'command') === (event.direction === 'to-client') ? 'reverse' : 'bind';
    if (event.operation === 'command')
      return {
        evidence: `a ${kind} shell: the ${kind === 'reverse' ? 'server' : 'client'} ran \`${detail.slice(0, 80)}\` in it`,
        confidence: 1,
      };
    return event.operation === 'prompt'
      ? { evidence: `a ${kind} shell: a prompt (${detail}) crossed the network`, confidence: 0.9 }
      : undefined;
  },
});

/**
 * Three network namespaces for the attack-tools e2e: a victim joined by one veth pair to an attacker and by
 * another to a benign client, with tcpdump recording every interface of the victim. Nothing leaves them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '#test/helpers/netns.ts';
import { stopTcpdump, tcpdumpBuffer, tcpdumpListening } from '#test/helpers/tcpdump.ts';

export const addresses = {
  /** The victim on the attacker's link, and a second victim address there (the oversized ping's target). */
  victim: '10.66.1.1',
  victimAlias: '10.66.1.3',
  attacker: '10.66.1.2',
  /** The victim on the benign client's link. */
  victimForBenign: '10.66.2.1',
  benign: '10.66.2.2',
  /** Routed by the attacker through the victim, which has no such hosts: the host sweep's targets. */
  sweep: '10.77.0.0/26',
} as const;

export type AttackLab = {
  victim: Netns;
  attacker: Netns;
  benign: Netns;
  dir: string;
  pcap: string;
  /** Stops tcpdump (flushing the capture) and removes the namespaces with everything running in them. */
  stopCapture(): Promise<void>;
  destroy(): void;
};

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** A veth pair created directly inside the two namespaces: no interface name is ever taken in the host's. */
const link = (a: Netns, aAddress: string, b: Netns, bAddress: string, name: string): void => {
  ip('-n', a.name, 'link', 'add', `${name}a`, 'type', 'veth', 'peer', 'name', `${name}b`, 'netns', b.name);
  ip('-n', a.name, 'addr', 'add', `${aAddress}/24`, 'dev', `${name}a`);
  ip('-n', b.name, 'addr', 'add', `${bAddress}/24`, 'dev', `${name}b`);
  ip('-n', a.name, 'link', 'set', `${name}a`, 'up');
  ip('-n', b.name, 'link', 'set', `${name}b`, 'up');
};

export const createAttackLab = async (): Promise<AttackLab> => {
  const dir = mkdtempSync(join(tmpdir(), 'meshward-attacks-'));
  const pcap = join(dir, 'attacks.pcap');
  const victim = createNetns('mwav');
  const attacker = createNetns('mwaa');
  const benign = createNetns('mwab');
  const all = [victim, attacker, benign];
  const destroy = () => {
    for (const ns of all) {
      try {
        ns.destroy();
      } catch {
        // already gone
      }
    }
  };
  try {
    link(victim, addresses.victim, attacker, addresses.attacker, 'at');
    link(victim, addresses.victimForBenign, benign, addresses.benign, 'bn');
    ip('-n', victim.name, 'addr', 'add', `${addresses.victimAlias}/24`, 'dev', 'ata');
    ip('-n', attacker.name, 'route', 'add', addresses.sweep, 'via', addresses.victim);
    // -i any: both veths and the victim's loopback, as Linux cooked capture v1 (the tap decodes v1 and v2; nDPI 4.2 only v1).
    const tcpdump = victim.spawn('tcpdump', [
      ...tcpdumpBuffer,
      '-i',
      'any',
      '-y',
      'LINUX_SLL',
      '-U',
      '-n',
      '-s',
      '0',
      '-w',
      pcap,
    ]);
    await tcpdumpListening(tcpdump);
    const stopCapture = () => stopTcpdump(tcpdump, 0);
    return { victim, attacker, benign, dir, pcap, stopCapture, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
};

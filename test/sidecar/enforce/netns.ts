/** A throwaway network namespace joined to the host by a veth pair, for enforcement tests (root only). */
import { execFileSync } from 'node:child_process';

export type TestNetns = { name: string; hostIp: string; podIp: string; remove: () => void };

const sh = (...argv: string[]) =>
  execFileSync(argv[0] ?? 'false', argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });

export const createTestNetns = (): TestNetns => {
  const id = Math.floor(Math.random() * 0xffff).toString(16);
  const subnet = `10.213.${1 + Math.floor(Math.random() * 250)}`;
  const name = `mw-enf-${id}`;
  const hostEnd = `mwh${id}`;
  const podEnd = `mwp${id}`;
  sh('ip', 'netns', 'add', name);
  sh('ip', 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', podEnd);
  sh('ip', 'link', 'set', podEnd, 'netns', name);
  sh('ip', 'addr', 'add', `${subnet}.1/24`, 'dev', hostEnd);
  sh('ip', 'link', 'set', hostEnd, 'up');
  sh('ip', 'netns', 'exec', name, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', podEnd);
  sh('ip', 'netns', 'exec', name, 'ip', 'link', 'set', podEnd, 'up');
  sh('ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  return {
    name,
    hostIp: `${subnet}.1`,
    podIp: `${subnet}.2`,
    remove: () => {
      try {
        sh('ip', 'netns', 'delete', name);
      } catch {
        // already gone
      }
      try {
        sh('ip', 'link', 'delete', hostEnd);
      } catch {
        // deleting the namespace removed the pair
      }
    },
  };
};

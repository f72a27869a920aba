/** Runs the iodine client against iodined in the victim, sends packets through the tunnel, then stops it. */
import { type AttackLab, addresses } from './attack-lab.ts';

/** Resolves once iodine says the tunnel is up; rejects with its output when it does not come up in time. */
const tunnelUp = (child: import('node:child_process').ChildProcess): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`iodine did not connect:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Connection setup complete')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`iodine exited (${code}):\n${output}`));
    });
  });

export const runIodine = async (lab: AttackLab): Promise<void> => {
  // -r: DNS only, no raw UDP shortcut (the two namespaces share a link); -m: skip fragment-size probing.
  const client = lab.attacker.spawn('iodine', [
    '-f',
    '-r',
    '-m',
    '1000',
    '-P',
    'meshward-e2e',
    addresses.victim,
    't.example',
  ]);
  try {
    await tunnelUp(client);
    // Data through the tunnel: ICMP echo to the server's tunnel address rides in DNS queries and answers.
    lab.attacker.exec('hping3', ['--icmp', '-c', '5', '-i', 'u100000', '-d', '400', '10.53.0.1'], {
      timeoutMs: 15_000,
    });
  } finally {
    client.removeAllListeners('exit');
    client.kill('SIGTERM');
  }
};

/**
 * A tiny BitTorrent HTTP tracker for tests, written from BEP 3 ("Trackers") and BEP 23 (compact peer lists): a GET
 * to /announce with the 20-octet info_hash and peer_id percent-encoded, the client's port, and its counters; the
 * answer a bencoded dictionary with the interval and the other peers of that torrent as 6-octet IPv4 entries. The
 * peer's address is the connection's. Run in a test's namespace: `node --import tsx bittorrent-tracker-main.ts
 * ADDRESS PORT`; prints `listening` when up, and each announce as a JSON line on stderr.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';

const [address, port] = process.argv.slice(2);
if (address === undefined || port === undefined) {
  process.stderr.write('usage: bittorrent-tracker-main.ts ADDRESS PORT\n');
  process.exit(2);
}

/** Peers of each torrent (hex info hash), as `ip:port`. */
const swarms = new Map<string, Set<string>>();

/** The raw octets of a query value (%XX decoded; other characters as they are). */
const octets = (query: string, name: string): Buffer | undefined => {
  const pair = query.split('&').find((p) => p.startsWith(`${name}=`));
  if (pair === undefined) return undefined;
  const value = pair.slice(name.length + 1);
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      out.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(value.charCodeAt(i));
  }
  return Buffer.from(out);
};

const bencodeFailure = (reason: string) => Buffer.from(`d14:failure reason${reason.length}:${reason}e`);

const compactPeer = (peer: string): Buffer => {
  const [ip = '', p = '0'] = peer.split(':');
  const out = Buffer.alloc(6);
  ip.split('.').forEach((octet, i) => {
    out[i] = Number(octet);
  });
  out.writeUInt16BE(Number(p), 4);
  return out;
};

const server = createServer((request, response) => {
  const url = request.url ?? '';
  const mark = url.indexOf('?');
  const query = mark < 0 ? '' : url.slice(mark + 1);
  const hash = octets(query, 'info_hash');
  const peerPort = Number(octets(query, 'port')?.toString('latin1'));
  const ip = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!url.startsWith('/announce') || hash?.length !== 20 || !(peerPort > 0)) {
    response.end(bencodeFailure('bad announce'));
    return;
  }
  const key = hash.toString('hex');
  const swarm = swarms.get(key) ?? new Set<string>();
  swarms.set(key, swarm);
  const self = `${ip}:${peerPort}`;
  if (octets(query, 'event')?.toString('latin1') === 'stopped') swarm.delete(self);
  else swarm.add(self);
  const others = [...swarm].filter((p) => p !== self);
  const peers = Buffer.concat(others.map(compactPeer));
  process.stderr.write(`${JSON.stringify({ ip, port: peerPort, hash: key, peers: others })}\n`);
  response.setHeader('Content-Type', 'text/plain');
  response.end(
    Buffer.concat([Buffer.from(`d8:intervali10e5:peers${peers.length}:`), peers, Buffer.from('e')]),
  );
});
server.listen(Number(port), address);
await once(server, 'listening');
process.stdout.write('listening\n');

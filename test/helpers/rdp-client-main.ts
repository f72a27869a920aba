/**
 * A small RDP client for rdp-real.test.ts, run inside the test's network namespace:
 * `bluekeep <host> <port>`: what a CVE-2019-0708 check sends with Standard RDP Security (a Connection Request asking
 * for PROTOCOL_RDP, then an MCS Connect Initial naming MS_T120), printing the server's answers' first octets;
 * `tls <host> <port>`: a Connection Request asking for SSL and CredSSP, then TLS (node:tls) over the same socket once
 * the server confirmed SSL, printing the TLS version it agreed.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { blueKeepChannels, connectInitial, connectionRequest } from './rdp-pdus.ts';

const [mode, host = '127.0.0.1', port = '3389'] = process.argv.slice(2);

/** The next TPKT the server sends (its 4-octet header gives the length), or what arrived before it closed. */
const nextTpkt = (socket: Socket): Promise<Buffer> =>
  new Promise((resolve) => {
    let held = Buffer.alloc(0);
    const done = (): void => {
      socket.off('data', onData);
      socket.off('close', done);
      resolve(held);
    };
    const onData = (chunk: Buffer): void => {
      held = Buffer.concat([held, chunk]);
      if (held.length >= 4 && held.length >= held.readUInt16BE(2)) done();
    };
    socket.on('data', onData);
    socket.on('close', done);
  });

const opened = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => resolve(socket));
    socket.on('error', reject);
  });

const blueKeep = async (): Promise<void> => {
  const socket = await opened();
  socket.write(connectionRequest('scanner', 0));
  const confirm = await nextTpkt(socket);
  socket.write(connectInitial('SCANNER', blueKeepChannels));
  const response = await nextTpkt(socket);
  console.log(JSON.stringify({ confirm: confirm.toString('hex'), response: response.toString('hex') }));
  socket.destroy();
};

const tls = async (): Promise<void> => {
  const socket = await opened();
  socket.write(connectionRequest('alice', 0x03));
  const confirm = await nextTpkt(socket);
  socket.pause();
  const secure = tlsConnect({ socket, servername: 'rdp.shop.test', rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  console.log(JSON.stringify({ confirm: confirm.toString('hex'), tls: secure.getProtocol() }));
  secure.end();
  await new Promise((resolve) => secure.once('close', resolve));
};

await (mode === 'bluekeep' ? blueKeep() : tls());

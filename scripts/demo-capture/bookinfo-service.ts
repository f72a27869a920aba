/** One Bookinfo workload (or external service) for the demo capture, run inside its pod's network namespace. */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect as h2connect, createServer as h2server } from 'node:http2';
import { get as httpsGet, createServer as httpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';

const role = process.argv[2] ?? '';
const env = (name: string, fallback = ''): string => process.env[name] ?? fallback;

/** Cluster DNS lookup of a Service name (search list from the namespace's resolv.conf), one address picked at random. */
const resolveOne = async (name: string): Promise<string> => {
  const all = await lookup(name, { all: true, family: 4 });
  const pick = all[Math.floor(Math.random() * all.length)];
  if (pick === undefined) throw new Error(`no address for ${name}`);
  return pick.address;
};

const body = (res: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });

/** One HTTP/1.1 GET on a new connection, like Bookinfo's services (no pooling across requests). */
const httpGet = async (service: string, port: number, path: string): Promise<string> => {
  const host = await resolveOne(service);
  return new Promise((resolve, reject) => {
    const req = get(
      { host, port, path, agent: false, headers: { host: `${service}:${port}`, 'user-agent': role } },
      (res) => {
        body(res).then(resolve, reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(3000, () => req.destroy(new Error('timeout')));
  });
};

const send = (res: ServerResponse, status: number, payload: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
};

const idOf = (path: string): string => path.split('/')[2] ?? '0';

/** Like common StatsD clients, the collector's address is resolved once and refreshed every 30 s, not per metric. */
const statsd = createSocket('udp4');
let statsdAddress: { ip: string; at: number } | undefined;
const count = async (metric: string): Promise<void> => {
  if (statsdAddress === undefined || Date.now() - statsdAddress.at > 30_000)
    statsdAddress = { ip: await resolveOne('statsd.example.net'), at: Date.now() };
  statsd.send(`${metric}:1|c`, 8125, statsdAddress.ip);
};

const productpage = () =>
  createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://productpage');
    const id = url.pathname.startsWith('/api/v1/products/') ? (url.pathname.split('/')[4] ?? '0') : '0';
    try {
      const details = await httpGet('details', 9080, `/details/${id}`);
      const reviews = await httpGet('reviews', 9080, `/reviews/${id}`);
      await count('productpage.requests');
      send(res, 200, { product: id, details: JSON.parse(details), reviews: JSON.parse(reviews) });
    } catch (error) {
      send(res, 503, { error: String(error) });
    }
  }).listen(9080);

let booksCalls = 0;
const booksApi = async (isbn: string): Promise<string> => {
  const host = await resolveOne('www.googleapis.com');
  return new Promise((resolve, reject) => {
    const req = httpsGet(
      {
        host,
        servername: 'www.googleapis.com',
        port: 443,
        path: `/books/v1/volumes?q=isbn:${isbn}`,
        headers: { host: 'www.googleapis.com' },
        ca: readFileSync(env('DEMO_CA')),
        agent: false,
      },
      (res) => {
        body(res).then(resolve, reject);
      },
    );
    req.on('error', reject);
  });
};

const details = () =>
  createServer(async (req, res) => {
    const id = idOf(req.url ?? '/');
    booksCalls += 1;
    const external =
      booksCalls % 4 === 0
        ? await booksApi(`048642461${id}`).catch((error: unknown) => String(error))
        : undefined;
    send(res, 200, { id, author: 'William Shakespeare', year: 1595, type: 'paperback', external });
  }).listen(9080);

const grpcFrame = (text: string): Buffer => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
};

/** reviews v3 asks ratings over gRPC (HTTP/2 cleartext, prior knowledge); the message bytes are opaque here. */
const grpcRatings = async (id: string): Promise<string> => {
  const ip = await resolveOne('ratings');
  return new Promise((resolve, reject) => {
    const session = h2connect(`http://${ip}:9090`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/bookinfo.ratings.v1.RatingsService/GetRatings',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let data = '';
    stream.on('data', (chunk: Buffer) => {
      data += chunk.subarray(5).toString();
    });
    stream.on('error', reject);
    stream.on('end', () => {
      session.close();
      resolve(data);
    });
    stream.end(grpcFrame(`\n\x01${id}`));
  });
};

const reviews = () =>
  createServer(async (req, res) => {
    const id = idOf(req.url ?? '/');
    const version = env('VERSION', 'v1');
    let ratings: unknown;
    if (version === 'v2') ratings = JSON.parse(await httpGet('ratings', 9080, `/ratings/${id}`));
    if (version === 'v3') ratings = await grpcRatings(id).catch((error: unknown) => String(error));
    send(res, 200, {
      id,
      version,
      reviews: [{ reviewer: 'Reviewer1', text: 'An extremely entertaining play' }],
      ratings,
    });
  }).listen(9080);

/** A persistent RESP connection to Redis (one request in flight at a time). */
const redisClient = async () => {
  const socket: Socket = connect(6379, await resolveOne('redis-0.redis'));
  const queue: ((line: string) => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => queue.shift()?.(chunk));
  const command = (...args: string[]) =>
    new Promise<string>((resolve) => {
      queue.push(resolve);
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    });
  for (let id = 0; id < 10; id++) await command('SET', `ratings:${id}`, String(1 + (id % 5)));
  return command;
};

const ratings = async () => {
  const redis = await redisClient();
  const stars = async (id: string) => (await redis('GET', `ratings:${id}`)).split('\r\n')[1] ?? '0';
  createServer(async (req, res) => {
    const id = idOf(req.url ?? '/');
    send(res, 200, { id, ratings: { Reviewer1: Number(await stars(id)) } });
  }).listen(9080);
  const grpc = h2server();
  grpc.on('stream', async (stream) => {
    const value = await stars('0');
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(grpcFrame(`\x08${value}`));
  });
  grpc.listen(9090);
};

const googleapis = () =>
  httpsServer({ key: readFileSync(env('DEMO_KEY')), cert: readFileSync(env('DEMO_CERT')) }, (req, res) =>
    send(res, 200, { kind: 'books#volumes', totalItems: 1, query: req.url }),
  ).listen(443);

const statsdServer = () => createSocket('udp4').bind(8125);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Browses the product page until told to stop: a user's page views and the app's own API calls. */
const loadgen = async () => {
  const until = Date.now() + Number(env('DURATION_MS', '45000'));
  let n = 0;
  while (Date.now() < until) {
    const id = String(n % 10);
    const path = n % 3 === 0 ? '/productpage?u=normal' : `/api/v1/products/${id}/reviews`;
    await httpGet('productpage', 9080, path).catch((error: unknown) => console.error(String(error)));
    n += 1;
    await sleep(Number(env('PAUSE_MS', '400')));
  }
  process.exit(0);
};

const roles: Record<string, () => unknown> = {
  productpage,
  details,
  reviews,
  ratings,
  googleapis,
  statsd: statsdServer,
  loadgen,
};
const start = roles[role];
if (start === undefined) {
  console.error(`unknown role '${role}'; one of ${Object.keys(roles).join(', ')}`);
  process.exit(2);
}
await start();

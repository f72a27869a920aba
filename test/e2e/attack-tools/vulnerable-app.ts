/**
 * A deliberately vulnerable shop for the attack-tools e2e, run inside the victim namespace only:
 * `GET /item?id=` pastes its parameter into SQL (real SQLite), so sqlmap finds a real injection.
 * `/admin` asks for HTTP Basic authentication (admin:correct-horse), for hydra to guess at.
 * Every other path answers like an ordinary small web app (pages, assets, a JSON API, a login form).
 * Usage: node --import tsx vulnerable-app.ts PORT...
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';

const db = new Database(':memory:');
db.exec(
  "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items (name) VALUES ('socks'), ('shoes'), ('hat')",
);

type Reply = [status: number, type: string, body: string];

/** The flaw on purpose: string concatenation into SQL. An error page without the SQL text keeps it a blind injection. */
const item = (id: string): Reply => {
  try {
    const rows = db.prepare(`SELECT name FROM items WHERE id = ${id}`).all() as { name: string }[];
    if (rows.length === 0) return [404, 'text/html', '<html><body><p>No such item.</p></body></html>'];
    const list = rows.map((r) => `<li>${r.name}</li>`).join('');
    return [200, 'text/html', `<html><body><h1>Item</h1><ul>${list}</ul></body></html>`];
  } catch {
    return [500, 'text/html', '<html><body><p>Something went wrong.</p></body></html>'];
  }
};

const page = (title: string): string =>
  `<!doctype html><html><head><title>${title}</title><link rel="stylesheet" href="/static/site.css">` +
  `<script src="/static/app.js"></script></head><body><h1>${title}</h1><a href="/item?id=1">socks</a></body></html>`;

const adminCredentials = `Basic ${Buffer.from('admin:correct-horse').toString('base64')}`;

const route = (req: IncomingMessage, body: string): Reply => {
  const url = new URL(req.url ?? '/', 'http://shop.local');
  if (url.pathname === '/admin' && req.headers.authorization !== adminCredentials)
    return [401, 'text/html', '<html><body><p>Who are you?</p></body></html>'];
  if (url.pathname === '/item') return item(url.searchParams.get('id') ?? '1');
  if (url.pathname.endsWith('.css')) return [200, 'text/css', 'body { font-family: sans-serif; }'];
  if (url.pathname.endsWith('.js')) return [200, 'application/javascript', 'console.log("shop");'];
  if (url.pathname.startsWith('/api/'))
    return [200, 'application/json', JSON.stringify({ ok: true, received: body.length })];
  return [200, 'text/html', page(`Shop ${url.pathname}`)];
};

const send = (res: ServerResponse, [status, type, body]: Reply): void => {
  const challenge = status === 401 ? { 'www-authenticate': 'Basic realm="shop admin"' } : {};
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...challenge });
  res.end(body);
};

/** One listener per port given (the e2e gives sqlmap and the curl payloads a port each). */
for (const port of process.argv.slice(2).map(Number)) {
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => send(res, route(req, Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () => res.destroy());
  }).listen(port, '0.0.0.0', () => console.log(`vulnerable app listening on ${port}`));
}

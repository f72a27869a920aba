/** `meshward serve`: hosts every cloud function behind one local HTTPS port, like API Gateway would. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import { cloudFunctions } from '#functions/index.ts';
import { startBackgroundWork } from '#functions/local/background-work.ts';
import { createLocalServer } from '#functions/local/server.ts';
import { ensureTlsMaterial } from '#functions/local/tls-material.ts';
import { currentConfig } from '#functions/platform/load-config.ts';
import { jsonLogger } from '#functions/platform/logger.ts';
import type { CliCommand, CommandIo } from '../command.ts';
import { startServeDemo as startDemo } from './serve-demo.ts';

const usage = `Usage: meshward serve [--port N] [--host ADDR] [--data DIR] [--no-demo]

Serves the meshward control plane (admission webhooks, ingest, API) over HTTPS on one port.
A local CA and server certificate are created under DIR/tls on first start; the CA bundle is
printed so it can be pasted into a webhook configuration's clientConfig.caBundle.

Options:
  --port N      port to listen on (default 8443; 0 picks a free port)
  --host ADDR   address to bind (default 127.0.0.1; use 0.0.0.0 inside a cluster)
  --data DIR    data directory for certificates and the store (default .meshward-data)
  --quiet       do not print the CA bundle banner
  --no-demo     do not replay the bundled Bookinfo capture (replayed only while DIR has no pods yet, the
                address is loopback and this is not a Kubernetes pod)
Environment: MESHWARD_CONFIG (YAML file), MESHWARD_WEBHOOK_PATH_SECRET, MESHWARD_* (see README).`;

const parsePort = (text: string): number => {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('bad-request', `--port must be an integer from 0 to 65535, got '${text}'`);
  }
  return port;
};

const banner = (io: CommandIo, port: number, host: string, caCert: string, secret: string) => {
  const base = `https://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const prefix = secret === '' ? '' : '/<secret>';
  io.stdout(`meshward control plane listening on ${base}`);
  io.stdout(`  mutating webhook:   POST ${base}${prefix}/admission/mutate`);
  io.stdout(`  validating webhook: POST ${base}${prefix}/admission/validate`);
  io.stdout(`  health:             GET  ${base}/healthz`);
  io.stdout(`  dashboard:          ${base}/  (API token for the CLI and the dashboard: DATA/operator.token)`);
  io.stdout(`caBundle (base64, for clientConfig.caBundle):\n${Buffer.from(caCert).toString('base64')}`);
};

const waitForSignal = () =>
  new Promise<string>((resolveSignal) => {
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
    process.once('SIGINT', () => resolveSignal('SIGINT'));
  });

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the control plane locally over HTTPS (webhooks, ingest, API)',
  usage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8443' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: '.meshward-data' },
        quiet: { type: 'boolean', default: false },
        'no-demo': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const port = parsePort(values.port);
    const dataDir = resolve(values.data);
    await mkdir(dataDir, { recursive: true });
    process.env.MESHWARD_DATA_DIR = dataDir;
    const config = currentConfig();
    const logger = jsonLogger();
    const tls = await ensureTlsMaterial(dataDir, config.namespace);
    const server = createLocalServer({ functions: cloudFunctions, tls, logger });
    const bound = await server.listen(port, values.host);
    const background = await startBackgroundWork(logger);
    logger('info', 'listening', { port: bound, host: values.host, dataDir, tlsCreated: tls.created });
    if (!values.quiet) banner(io, bound, values.host, tls.caCert, config.webhookPathSecret);
    const demo = values['no-demo'] ? undefined : await startDemo(bound, values.host, tls.caCert, logger);
    const signal = await waitForSignal();
    logger('info', 'shutting down', { signal });
    demo?.stop();
    background.stop();
    await server.close();
    logger('info', 'stopped');
    return 0;
  },
};

/** `meshward keys`: the keys an AWS deployment needs (API token issuer, command signing), their public JWKS, API tokens. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '#core/errors.ts';
import {
  createLocalIssuer,
  generateIssuerKey,
  type IssuerKey,
} from '#functions/platform/auth/local-issuer.ts';
import { apiRoles } from '#functions/platform/auth/verify-api-token.ts';
import { defaultAwsApiIssuer } from '#functions/platform/aws-env.ts';
import { generateCommandKey } from '#functions/platform/keys/command-key.ts';
import type { CliCommand } from '../command.ts';

const usage = `Usage:
  meshward keys new api|command > key.json   a private key (api: signs API tokens; command: the
                                             CommandSigningKey secret's value)
  meshward keys jwks api-key.json            the public JWKS (the stack's ApiTokenJwks parameter)
  meshward keys token api-key.json --role viewer|operator [--hours 24] [--subject NAME] [--issuer ${defaultAwsApiIssuer}]
                                             an API bearer token for the CLI and the dashboard

Keep private keys offline; the control plane on AWS holds only the public JWKS.`;

const readKey = (path: string | undefined): IssuerKey => {
  if (path === undefined) throw new AppError('bad-request', `missing the key file\n\n${usage}`);
  try {
    const key = JSON.parse(readFileSync(path, 'utf8')) as IssuerKey;
    if (typeof key.kid === 'string' && typeof key.privateJwk?.d === 'string') return key;
  } catch (error) {
    throw new AppError('bad-request', `cannot read the key ${path}: ${(error as Error).message}`);
  }
  throw new AppError('bad-request', `${path} is not a key from 'meshward keys new api'`);
};

const token = async (args: string[]): Promise<string> => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      hours: { type: 'string', default: '24' },
      subject: { type: 'string' },
      issuer: { type: 'string', default: defaultAwsApiIssuer },
    },
    allowPositionals: true,
    strict: true,
  });
  const role = apiRoles.find((candidate) => candidate === values.role);
  if (role === undefined) throw new AppError('bad-request', `--role must be viewer or operator\n\n${usage}`);
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0)
    throw new AppError('bad-request', '--hours must be a positive number');
  const issuer = await createLocalIssuer(readKey(positionals[0]), values.issuer);
  const subject = values.subject ?? `meshward:${role}`;
  return issuer.mintApiToken(role, { subject, ttlSeconds: Math.round(hours * 3600) });
};

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'make the keys and API tokens an AWS deployment needs',
  usage,
  async run(args, io) {
    const [verb, ...rest] = args;
    if (verb === 'new' && rest[0] === 'api') io.stdout(JSON.stringify(await generateIssuerKey()));
    else if (verb === 'new' && rest[0] === 'command') io.stdout(JSON.stringify(await generateCommandKey()));
    else if (verb === 'jwks') io.stdout(JSON.stringify((await createLocalIssuer(readKey(rest[0]))).jwks));
    else if (verb === 'token') io.stdout(await token(rest));
    else throw new AppError('bad-request', usage);
    return 0;
  },
};

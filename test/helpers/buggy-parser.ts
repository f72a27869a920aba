/**
 * A registered protocol whose parser throws on every call, as a parser with a bug would: what its callers do then
 * (the engine, a tunnel's reader). Its detector is the protocol's own, so it is found where the real one would be.
 */
import type { Protocol } from '#sidecar/protocols/protocol.ts';

const bug = (): never => {
  throw new Error('a bug in the parser');
};

export const withBuggyParser = (protocol: Protocol): Protocol => ({
  ...protocol,
  createParser: () => ({ parse: bug, gap: bug, end: bug }),
});

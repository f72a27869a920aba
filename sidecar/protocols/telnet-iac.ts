/**
 * Telnet's in-band commands (RFC 854, 855): IAC (0xFF) starts a command; WILL, WONT, DO and DONT take an option
 * octet; SB opens a subnegotiation that IAC SE closes; IAC IAC is a data octet 0xFF. The reader splits a direction's
 * stream into data (for the login reader) and the subnegotiations (the terminal type), across chunks.
 */

export const iac = 0xff;
const se = 240;
const sb = 250;
const will = 251;
const dont = 254;

/** Bytes of one subnegotiation kept (a terminal type or an environment is a few dozen). */
const maxSubnegotiation = 256;

type State = 'data' | 'command' | 'option' | 'sub' | 'sub-iac';

export type IacReader = {
  /** Data octets of `chunk` (commands removed) as Latin-1 text; subnegotiations go to `onSub` when they close. */
  read(chunk: Uint8Array, onSub: (option: number, body: Uint8Array) => void): string;
  reset(): void;
};

export const createIacReader = (): IacReader => {
  let state: State = 'data';
  let sub: number[] = [];
  let text = '';
  let onSub: (option: number, body: Uint8Array) => void = () => undefined;

  const keepInSub = (b: number): void => {
    if (sub.length < maxSubnegotiation) sub.push(b);
  };

  /** What each state does with the next octet, and the state after it. */
  const steps: Record<State, (b: number) => State> = {
    data: (b) => {
      if (b === iac) return 'command';
      text += String.fromCharCode(b);
      return 'data';
    },
    command: (b) => {
      if (b === iac) text += '\xff'; // IAC IAC: a data octet 0xFF
      if (b !== sb) return b >= will && b <= dont ? 'option' : 'data';
      sub = [];
      return 'sub';
    },
    option: () => 'data',
    sub: (b) => {
      if (b === iac) return 'sub-iac';
      keepInSub(b);
      return 'sub';
    },
    'sub-iac': (b) => {
      if (b !== se) {
        if (b === iac) keepInSub(b); // IAC IAC inside a subnegotiation
        return 'sub';
      }
      if (sub.length > 0) onSub(sub[0] as number, Uint8Array.from(sub.slice(1)));
      return 'data';
    },
  };

  return {
    read(chunk, handler) {
      text = '';
      onSub = handler;
      for (const b of chunk) state = steps[state](b);
      return text;
    },
    reset() {
      state = 'data';
      sub = [];
    },
  };
};

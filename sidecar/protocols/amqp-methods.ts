/** AMQP 0-9-1 class and method names by id (amqp0-9-1.xml, the protocol's machine-readable specification). */

const table: Record<number, [string, Record<number, string>]> = {
  10: [
    'connection',
    {
      10: 'start',
      11: 'start-ok',
      20: 'secure',
      21: 'secure-ok',
      30: 'tune',
      31: 'tune-ok',
      40: 'open',
      41: 'open-ok',
      50: 'close',
      51: 'close-ok',
      60: 'blocked',
      61: 'unblocked',
      70: 'update-secret',
      71: 'update-secret-ok',
    },
  ],
  20: ['channel', { 10: 'open', 11: 'open-ok', 20: 'flow', 21: 'flow-ok', 40: 'close', 41: 'close-ok' }],
  30: ['access', { 10: 'request', 11: 'request-ok' }],
  40: [
    'exchange',
    {
      10: 'declare',
      11: 'declare-ok',
      20: 'delete',
      21: 'delete-ok',
      30: 'bind',
      31: 'bind-ok',
      40: 'unbind',
      51: 'unbind-ok',
    },
  ],
  50: [
    'queue',
    {
      10: 'declare',
      11: 'declare-ok',
      20: 'bind',
      21: 'bind-ok',
      30: 'purge',
      31: 'purge-ok',
      40: 'delete',
      41: 'delete-ok',
      50: 'unbind',
      51: 'unbind-ok',
    },
  ],
  60: [
    'basic',
    {
      10: 'qos',
      11: 'qos-ok',
      20: 'consume',
      21: 'consume-ok',
      30: 'cancel',
      31: 'cancel-ok',
      40: 'publish',
      50: 'return',
      60: 'deliver',
      70: 'get',
      71: 'get-ok',
      72: 'get-empty',
      80: 'ack',
      90: 'reject',
      100: 'recover-async',
      110: 'recover',
      111: 'recover-ok',
      120: 'nack',
    },
  ],
  85: ['confirm', { 10: 'select', 11: 'select-ok' }],
  90: [
    'tx',
    { 10: 'select', 11: 'select-ok', 20: 'commit', 21: 'commit-ok', 30: 'rollback', 31: 'rollback-ok' },
  ],
};

/** "class.method" (e.g. "basic.publish"), or undefined for an unknown pair. */
export const amqpMethodName = (classId: number, methodId: number): string | undefined => {
  const entry = table[classId];
  const method = entry?.[1][methodId];
  return entry && method ? `${entry[0]}.${method}` : undefined;
};

/** True for a class id that content header frames can carry (only basic has content). */
export const amqpContentClass = (classId: number): boolean => classId === 60;

/**
 * The classes phpggc's chains start from (the object whose `__destruct`, `__wakeup` or `__toString` sets the chain
 * off) and the few it passes through that no ordinary object graph holds. A queued job is a PHP object by design
 * (Laravel's `data.command`, Symfony Messenger's envelopes hold `Illuminate\…` and `Symfony\…` classes every day), so
 * on a job body only these are told, not a framework's namespace as a request's value is (deserialization-gadgets.ts).
 */

const entries: readonly (readonly [string, string])[] = [
  ['Illuminate\\Broadcasting\\PendingBroadcast', 'Laravel PendingBroadcast (phpggc Laravel/RCE)'],
  ['Illuminate\\Foundation\\Testing\\PendingCommand', 'Laravel PendingCommand (phpggc Laravel/RCE)'],
  ['Mockery\\Loader\\EvalLoader', "Mockery's EvalLoader (phpggc Laravel/RCE)"],
  ['Faker\\Generator', 'Faker Generator (phpggc)'],
  ['GuzzleHttp\\Cookie\\FileCookieJar', 'Guzzle FileCookieJar (phpggc Guzzle/FW)'],
  ['GuzzleHttp\\Psr7\\FnStream', 'Guzzle FnStream (phpggc Guzzle/RCE)'],
  ['Monolog\\Handler\\', 'Monolog handler (phpggc Monolog/RCE)'],
  ['Symfony\\Component\\Process\\Pipes\\WindowsPipes', 'Symfony WindowsPipes (phpggc Symfony/FW)'],
  ['Symfony\\Component\\Cache\\Adapter\\', 'Symfony Cache adapter (phpggc Symfony/RCE)'],
  ['Swift_ByteStream_', 'SwiftMailer byte stream (phpggc SwiftMailer/FW)'],
  ['yii\\db\\BatchQueryResult', 'Yii BatchQueryResult (phpggc Yii/RCE, CVE-2020-15148)'],
  ['think\\process\\pipes\\Windows', 'ThinkPHP pipes (phpggc ThinkPHP)'],
  ['Requests_Utility_FilteredIterator', 'WordPress Requests (phpggc WordPress)'],
  // PHP refuses to serialize an SplFileObject: one in a serialized value was written by hand.
  ['SplFileObject', 'SplFileObject file access'],
];

const named = new Map(entries);
const pattern = new RegExp(entries.map(([name]) => name.replace(/[\\$]/g, '\\$&')).join('|'));

/** The phpggc chain a PHP serialized value's classes set off; undefined for an ordinary object graph. */
export const phpJobGadget = (text: string): string | undefined => {
  const found = pattern.exec(text);
  return found === null ? undefined : named.get(found[0]);
};

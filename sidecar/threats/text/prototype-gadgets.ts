/**
 * Properties that, once on Object.prototype, are known to give code execution or privilege to whoever set them:
 * what turns a prototype pollution from a nuisance into a takeover. Each with where it was shown.
 */

/**
 * Node's child_process reads `shell`, `env` (with `NODE_OPTIONS` in it), `execArgv`, `execPath` and `argv0` from
 * its options object, own or inherited: a polluted one runs the attacker's code in every child spawned (PortSwigger,
 * "Server-side prototype pollution", 2023; Kibana CVE-2019-7609 set `env.NODE_OPTIONS` through
 * `constructor.prototype`). EJS reads `outputFunctionName`, `escapeFunction`, `client`, `localsName` and
 * `destructuredLocals` from its options into the template function it compiles (CVE-2022-29078).
 * lodash's `template` reads `sourceURL` and `variable` into the code it compiles (CVE-2021-23337). Pug reads `block`
 * from its AST nodes (Posix's AST injection, 2020). Authorisation checks read `isAdmin`, `admin`, `role`, `roles`
 * and `permissions` from a user object that lacks them (PortSwigger's privilege escalation labs).
 */
const gadgets = new Map<string, string>([
  ['shell', 'code execution'],
  ['NODE_OPTIONS', 'code execution'],
  ['execArgv', 'code execution'],
  ['execPath', 'code execution'],
  ['env', 'code execution'],
  ['argv0', 'code execution'],
  ['outputFunctionName', 'code execution'],
  ['escapeFunction', 'code execution'],
  ['client', 'code execution'],
  ['localsName', 'code execution'],
  ['destructuredLocals', 'code execution'],
  ['sourceURL', 'code execution'],
  ['variable', 'code execution'],
  ['block', 'code execution'],
  ['isAdmin', 'privilege'],
  ['admin', 'privilege'],
  ['role', 'privilege'],
  ['roles', 'privilege'],
  ['permissions', 'privilege'],
]);

/** What a polluted property gives (`code execution`, `privilege`), or undefined when it is no known gadget. */
export const prototypeGadget = (property: string): string | undefined => gadgets.get(property);

/**
 * A JVM's debug port used (JDWP, `-agentlib:jdwp=transport=dt_socket,server=y`, left in an image or a Helm value): any
 * debugger that connects can run any code in the JVM, and jdwp-shellifier and Metasploit's java_jdwp_debugger do,
 * creating a string and invoking `Runtime.getRuntime().exec(cmd)` through JDWP commands. Reads what jdwp-parser.ts
 * tells: an invocation of a method that runs a program, loads native or new code, or stops the VM (`methods`), and
 * the commands that do (`commands`: VirtualMachine.Exit, RedefineClasses), at this severity, naming the string the
 * debugger created; and a debugger attached at all from a peer not in `allowClients`, at `sessionSeverity` (high),
 * once per flow. `allowClients` quiets only that: what any debugger runs through the listed methods is reported.
 */
import { z } from 'zod';
import type { Endpoint } from '#core/finding.ts';
import { readsEvery } from '../engine/event-read.ts';
import type { Direction } from '../events.ts';
import { allowList, isAllowedServer } from './allowed-servers.ts';
import { detectorConfig, noHits, severityOrOff, type Threat, type ThreatHit } from './threat.ts';

const method = z.string().regex(/^[\w$.]+\.[\w$<>]+$/, 'class.method, as java.lang.Runtime.exec');

const config = detectorConfig('critical', {
  /** Methods (`class.method`, `<init>` for a constructor) whose invocation through JDWP runs code. */
  methods: z
    .array(method)
    .default([
      'java.lang.Runtime.exec',
      'java.lang.ProcessBuilder.<init>',
      'java.lang.ProcessBuilder.start',
      'java.lang.ProcessImpl.start',
      'java.lang.System.load',
      'java.lang.System.loadLibrary',
      'java.lang.Runtime.load',
      'java.lang.Runtime.loadLibrary',
      'java.lang.Class.forName',
      'java.lang.ClassLoader.defineClass',
      'java.lang.invoke.MethodHandles$Lookup.defineClass',
      'java.lang.System.exit',
      'java.lang.Runtime.exit',
      'java.lang.Runtime.halt',
    ]),
  /** JDWP commands as the parser tells them: `exit` (VirtualMachine.Exit), `redefine-classes` (RedefineClasses). */
  commands: z.array(z.enum(['exit', 'redefine-classes'])).default(['exit', 'redefine-classes']),
  /** A debugger attached from a peer not in `allowClients`. */
  sessionSeverity: severityOrOff.default('high'),
  /** Debuggers expected (a developer's network): an address, address:port, CIDR or CIDR:port. */
  allowClients: allowList(),
});
type Config = z.infer<typeof config>;

/** The side the debugger writes from (its handshake's, the first told), and whether its session was judged. */
type State = { debugger: Direction | undefined; judged: boolean };

const peers = (direction: Direction, flow: { client: Endpoint; server: Endpoint } | undefined) =>
  flow === undefined
    ? undefined
    : direction === 'to-server'
      ? { debugger: flow.client, vm: flow.server }
      : { debugger: flow.server, vm: flow.client };

const where = (vm: Endpoint | undefined): string =>
  vm === undefined ? 'a JVM' : `the JVM at ${vm.ip}:${vm.port}`;

/** What an operation runs, when it is one the policy lists; `exact` false for a method whose class was never named. */
const runs = (operation: string, c: Config): { what: string; exact: boolean } | undefined => {
  if (c.commands.includes(operation as 'exit')) return { what: operation, exact: true };
  if (!operation.startsWith('invoke ')) return undefined;
  const name = operation.slice(7);
  if (c.methods.includes(name)) return { what: name, exact: true };
  // `class@<id>.exec`: the session never named the class (its names are bounded); the method's name alone says much.
  const dot = name.lastIndexOf('.');
  const unnamed = name.startsWith('class@') && dot > 0 ? name.slice(dot) : undefined;
  return unnamed !== undefined &&
    !unnamed.startsWith('.method@') &&
    c.methods.some((m) => m.endsWith(unnamed))
    ? { what: name, exact: false }
    : undefined;
};

const whatItDid = (what: string, detail: string | undefined): string => {
  if (what === 'exit') return `made the VM exit (VirtualMachine.Exit, ${detail ?? 'no code'})`;
  if (what === 'redefine-classes')
    return `redefined classes (VirtualMachine.RedefineClasses, ${detail ?? ''})`;
  return `invoked ${what}(${detail?.slice(0, 300) ?? ''})`;
};

export const jdwpAbuse: Threat<typeof config, State> = {
  id: 'jdwp-abuse',
  on: ['operation'],
  // The debugger writes from either side (a VM started with server=n connects out to it).
  reads: [{ ...readsEvery('operation'), protocols: ['jdwp'] }],
  config,
  scope: 'flow',
  initialState: () => ({ debugger: undefined, judged: false }),
  inspect(event, state, { flow, config: c }): ThreatHit[] {
    if (event.kind !== 'operation' || event.protocol !== 'jdwp') return noHits;
    state.debugger ??= event.direction;
    if (event.direction !== state.debugger) return noHits;
    const sides = peers(event.direction, flow);
    const hits: ThreatHit[] = [];
    if (!state.judged) {
      state.judged = true;
      if (c.sessionSeverity !== 'off' && !isAllowedServer(sides?.debugger, c.allowClients)) {
        const from = sides === undefined ? 'A JDWP debugger' : `A JDWP debugger at ${sides.debugger.ip}`;
        const evidence = `${from} attached to ${where(sides?.vm)}: its debug port lets whoever connects run any code in it`;
        // Below what code run says: the runner keeps one finding per flow, the surest hit's story.
        hits.push({
          threat: 'jdwp-abuse',
          severity: c.sessionSeverity,
          confidence: 0.9,
          evidence,
          ts: event.ts,
        });
      }
    }
    const found = runs(event.operation, c);
    if (found === undefined) return hits;
    const evidence = `a JDWP debugger ${whatItDid(found.what, event.detail)} in ${where(sides?.vm)} (code run through the debug port)`;
    hits.push({
      threat: 'jdwp-abuse',
      severity: c.severity,
      confidence: found.exact ? 1 : 0.95,
      evidence,
      ts: event.ts,
    });
    return hits;
  },
};

/**
 * JDWP's command sets and commands by number, and the event kinds an EventRequest names (the JDWP specification,
 * "JDWP Protocol Details", Java SE 17: docs/specs/jdwp/jdwp-protocol.html), for naming what a session does.
 */

const sets: Record<number, readonly [string, readonly string[]]> = {
  1: [
    'VirtualMachine',
    [
      'Version',
      'ClassesBySignature',
      'AllClasses',
      'AllThreads',
      'TopLevelThreadGroups',
      'Dispose',
      'IDSizes',
    ]
      .concat(['Suspend', 'Resume', 'Exit', 'CreateString', 'Capabilities', 'ClassPaths', 'DisposeObjects'])
      .concat(['HoldEvents', 'ReleaseEvents', 'CapabilitiesNew', 'RedefineClasses', 'SetDefaultStratum'])
      .concat(['AllClassesWithGeneric', 'InstanceCounts', 'AllModules']),
  ],
  2: [
    'ReferenceType',
    ['Signature', 'ClassLoader', 'Modifiers', 'Fields', 'Methods', 'GetValues', 'SourceFile', 'NestedTypes']
      .concat(['Status', 'Interfaces', 'ClassObject', 'SourceDebugExtension', 'SignatureWithGeneric'])
      .concat([
        'FieldsWithGeneric',
        'MethodsWithGeneric',
        'Instances',
        'ClassFileVersion',
        'ConstantPool',
        'Module',
      ]),
  ],
  3: ['ClassType', ['Superclass', 'SetValues', 'InvokeMethod', 'NewInstance']],
  4: ['ArrayType', ['NewInstance']],
  5: ['InterfaceType', ['InvokeMethod']],
  6: ['Method', ['LineTable', 'VariableTable', 'Bytecodes', 'IsObsolete', 'VariableTableWithGeneric']],
  9: [
    'ObjectReference',
    [
      'ReferenceType',
      'GetValues',
      'SetValues',
      '',
      'MonitorInfo',
      'InvokeMethod',
      'DisableCollection',
    ].concat(['EnableCollection', 'IsCollected', 'ReferringObjects']),
  ],
  10: ['StringReference', ['Value']],
  11: [
    'ThreadReference',
    ['Name', 'Suspend', 'Resume', 'Status', 'ThreadGroup', 'Frames', 'FrameCount', 'OwnedMonitors']
      .concat(['CurrentContendedMonitor', 'Stop', 'Interrupt', 'SuspendCount', 'OwnedMonitorsStackDepthInfo'])
      .concat(['ForceEarlyReturn']),
  ],
  12: ['ThreadGroupReference', ['Name', 'Parent', 'Children']],
  13: ['ArrayReference', ['Length', 'GetValues', 'SetValues']],
  14: ['ClassLoaderReference', ['VisibleClasses']],
  15: ['EventRequest', ['Set', 'Clear', 'ClearAllBreakpoints']],
  16: ['StackFrame', ['GetValues', 'SetValues', 'ThisObject', 'PopFrames']],
  17: ['ClassObjectReference', ['ReflectedType']],
  18: ['ModuleReference', ['Name', 'ClassLoader']],
};

/** `VirtualMachine.Version`, or `command 99/3` for a pair the specification does not name. */
export const commandName = (set: number, command: number): string => {
  if (set === 64 && command === 100) return 'Event.Composite';
  const known = sets[set];
  const name = known?.[1][command - 1];
  return known === undefined || name === undefined || name === ''
    ? `command ${set}/${command}`
    : `${known[0]}.${name}`;
};

const eventKinds: Record<number, string> = {
  1: 'single-step',
  2: 'breakpoint',
  3: 'frame-pop',
  4: 'exception',
  5: 'user-defined',
  6: 'thread-start',
  7: 'thread-death',
  8: 'class-prepare',
  9: 'class-unload',
  10: 'class-load',
  20: 'field-access',
  21: 'field-modification',
  30: 'exception-catch',
  40: 'method-entry',
  41: 'method-exit',
  42: 'method-exit-with-return-value',
  43: 'monitor-contended-enter',
  44: 'monitor-contended-entered',
  45: 'monitor-wait',
  46: 'monitor-waited',
  90: 'vm-start',
  99: 'vm-death',
};

/** An EventRequest's kind by name (`breakpoint`), or `kind 77` for one the specification does not name. */
export const eventKindName = (kind: number): string => eventKinds[kind] ?? `kind ${kind}`;

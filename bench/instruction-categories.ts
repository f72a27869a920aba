/**
 * Where a Node process's instructions went, from a cachegrind output file: V8's optimizing compiler, the garbage
 * collector, generated code (JIT-compiled JavaScript: cachegrind sees no symbols for it), builtins and native code.
 * The categories go by the C++ and builtin symbol names of the node binary, first match wins.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const categories: readonly (readonly [string, RegExp])[] = [
  ['generated code (JIT-compiled JavaScript)', /^\?\?\?:\?\?\?$/],
  [
    'TurboFan compiler',
    /compiler::|[Tt]urboshaft|RegisterAllocat|OptimizedCompilationJob|InstructionSelector|CodeGenerator|Assembler/,
  ],
  [
    'garbage collector and heap',
    /Scaveng|Mark|Sweep|Heap|Evacuat|Pretenur|BodyDescriptor|Remembered|SlotSet|Worklist|Allocat|Page|Minor|Concurrent/,
  ],
  ['typed array builtins (new Uint8Array, subarray)', /Builtins_\w*TypedArray/],
  ['inline-cache builtins (property lookups)', /Builtins_\w*IC(_|\b)|DefineNamedOwn|DefineKeyed/],
  ['other builtins', /Builtins_/],
  ['source parsing and bytecode', /Scanner|Parser|Parse|Bytecode|Interpreter|Preparse/],
  ['libc (memcpy, malloc)', /memcpy|memmove|memset|malloc|_int_free|\bfree\b/],
  ['other native code', /./],
];

export type InstructionCategories = Record<string, number>;

/** The instruction count of each category in `cg_annotate --threshold=0` output (lines `N (x%)  file:function`). */
export const tallyCategories = (annotated: string): InstructionCategories => {
  const totals: InstructionCategories = Object.fromEntries(categories.map(([name]) => [name, 0]));
  for (const line of annotated.split('\n')) {
    const row = /^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$/.exec(line);
    if (row === null || (row[2] as string).includes('PROGRAM TOTALS')) continue;
    const name = row[2] as string;
    const category = categories.find(([, pattern]) => pattern.test(name));
    if (category !== undefined)
      totals[category[0]] = (totals[category[0]] ?? 0) + Number((row[1] as string).replaceAll(',', ''));
  }
  return totals;
};

/** The instruction count of each category in a cachegrind output file (`cg_annotate` reads it). */
export const categorize = async (cachegrindOut: string): Promise<InstructionCategories> => {
  const { stdout } = await run('cg_annotate', ['--threshold=0', cachegrindOut], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return tallyCategories(stdout);
};

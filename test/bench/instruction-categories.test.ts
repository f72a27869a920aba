import { describe, expect, it } from 'vitest';
import { tallyCategories } from '#bench/instruction-categories.ts';

const annotated = `--------------------------------------------------------------------------------
Ir                      file:function
--------------------------------------------------------------------------------
10,000 (100.0%)  PROGRAM TOTALS
2,000 (20.00%)  ???:???
  300 ( 3.00%)  ???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot, v8::internal::HeapObject)
  250 ( 2.50%)  ???:v8::internal::compiler::GraphReducer::ReduceTop()
  240 ( 2.40%)  ???:Builtins_LoadIC
  230 ( 2.30%)  ???:Builtins_CreateTypedArray
  160 ( 1.60%)  ???:Builtins_TypedArrayPrototypeSubArray
   90 ( 0.90%)  ./string/../sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S:__memcpy_avx_unaligned_erms
   60 ( 0.60%)  ???:v8::internal::PretenuringHandler::UpdateAllocationSite(v8::internal::Map)
   50 ( 0.50%)  ???:Builtins_StringAdd_CheckNone
   40 ( 0.40%)  ???:v8::internal::Scanner::Next()
   30 ( 0.30%)  ???:uv_run
`;

describe('tallyCategories', () => {
  const totals = tallyCategories(annotated);

  it('puts each function in the first category whose pattern it matches', () => {
    expect(totals['generated code (JIT-compiled JavaScript)']).toBe(2000);
    expect(totals['TurboFan compiler']).toBe(250);
    // The pretenuring handler is the collector's, not an interpreter handler.
    expect(totals['garbage collector and heap']).toBe(360);
    expect(totals['typed array builtins (new Uint8Array, subarray)']).toBe(390);
    expect(totals['inline-cache builtins (property lookups)']).toBe(240);
    expect(totals['other builtins']).toBe(50);
    expect(totals['source parsing and bytecode']).toBe(40);
    expect(totals['libc (memcpy, malloc)']).toBe(90);
    expect(totals['other native code']).toBe(30);
  });

  it('leaves the program total and the headers out', () => {
    const sum = Object.values(totals).reduce((a, b) => a + b, 0);
    expect(sum).toBe(3450);
  });
});

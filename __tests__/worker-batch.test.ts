import { BATCH_CHARS, BATCH_SIZE, BatchWriter, readBatch, type CaseBatch } from '../src/workers/protocol.js'
import type { TableCase } from '../src/engine/test-table.js'

// The batches a report worker sends its mapped cases in (src/workers/protocol.ts): what goes in
// comes out, in order, field for field; and a batch's names (one string) stay under V8's
// large-object size (128 KB) however long the names, so no batch waits for a full collection.

function cases(n: number, nameOf: (i: number) => string): { tc: TableCase; controls: number[] }[] {
  return Array.from({ length: n }, (_, i) => ({
    tc: {
      name: nameOf(i),
      ...(i % 3 === 0 ? { file: `src/f${i % 5}.ts` } : {}),
      status: (['passed', 'failed', 'error', 'skipped'] as const)[i % 4] as TableCase['status'],
      rerunFailed: i % 7 === 0,
      report: 'r.xml',
      line: i + 1,
      ...(i % 4 === 1 ? { fileLine: i + 100, message: `expected ${i}` } : {}),
      ...(i % 4 === 2 ? { message: `boom ${i}` } : {})
    },
    controls: i % 2 ? [0, 3] : [1]
  }))
}

/** Writes `input` through a BatchWriter the way a worker does; returns the batches. */
function batches(input: { tc: TableCase; controls: number[] }[]): CaseBatch[] {
  const w = new BatchWriter('r.xml')
  const out: CaseBatch[] = []
  for (const c of input) {
    w.add(c.tc, c.controls)
    if (w.full) out.push(w.take() as CaseBatch)
  }
  const last = w.take()
  if (last) out.push(last)
  return out
}

describe('worker batches', () => {
  test('every case comes back in order with its name, file, status, re-run flag, line, failure and controls', () => {
    const input = cases(2500, (i) => (i % 11 === 0 ? `case ${i}` : i % 13 === 0 ? `a › b › › case ${i}` : `suite ${i % 9} › case ${i} ${'é'.repeat(i % 3)}`))
    const back: { tc: TableCase; controls: number[] }[] = []
    for (const b of batches(input)) readBatch(b, (tc, controls) => back.push({ tc, controls: [...controls] }))
    expect(back.length).toBe(input.length)
    back.forEach((got, i) => {
      const want = input[i] as { tc: TableCase; controls: number[] }
      expect(got.controls).toEqual(want.controls)
      const failed = want.tc.status === 'failed' || want.tc.status === 'error'
      expect(got.tc).toEqual({
        ...want.tc,
        file: want.tc.file,
        fileLine: failed ? want.tc.fileLine : undefined,
        message: failed ? want.tc.message : undefined
      })
    })
  })

  test('a batch sends each prefix (suite › classname ›) once, and its names string stays under 128 KB', () => {
    const prefix = 'com.example.shard12.mod3.Suite45 › com.example.shard12.mod3.Suite45 › '
    const byPrefix = batches(cases(5000, (i) => `${prefix}scenario ${i} handles payment ${i}`))
    expect(byPrefix.map((b) => b.count)).toEqual([1024, 1024, 1024, 1024, 904])
    for (const b of byPrefix) expect(b.prefixes).toEqual([prefix])
    // Long own names, two-byte (€): cut by characters before 1,024 cases.
    const long = batches(cases(5000, (i) => `s › ${'€'.repeat(100)} ${i}`))
    expect(long.length).toBeGreaterThan(5000 / BATCH_SIZE + 1)
    for (const b of long) {
      expect(b.names.length * 2).toBeLessThan(128 * 1024)
      expect(b.count).toBeLessThanOrEqual(BATCH_SIZE)
    }
    expect(long.reduce((n, b) => n + b.count, 0)).toBe(5000)
    // Short names fill a batch by count.
    const short = batches(cases(3000, (i) => `c${i}`))
    expect(short.map((b) => b.count)).toEqual([1024, 1024, 952])
    expect(BATCH_CHARS * 2).toBeLessThan(128 * 1024)
  })
})

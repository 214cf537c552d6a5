import { CompactKeys } from '../src/engine/compact-keys.js'
import type { TestRef } from '../src/engine/result.js'
import { TestTable, type TableCase } from '../src/engine/test-table.js'
import type { TestStatus } from '../src/reports/model.js'

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T

// Few distinct parts, so identities collide often: the same full name split differently, the same
// name in several files, a U+0000 (replaced), a lone surrogate, non-ASCII text.
const SEGMENTS = ['a', 'b', 'a › b', 'x', 'é', '\ud800', 'y\u0000z', '', 'b › x']
const FILES = [undefined, undefined, 'f1', 'f2', '', 'dir/é.ts']
const STATUSES: TestStatus[] = ['passed', 'passed', 'passed', 'failed', 'error', 'skipped']

interface Outcome {
  name: string
  status: 'passed' | 'failed' | 'skipped'
  flaky: boolean
  controls: number[]
  failure?: TestRef
}

/**
 * The rules of SPEC §12 written out plainly over the whole list of cases: within a report the
 * last case decides, and a pass is flaky when a failure came right before its trailing run of
 * passes or a case of that run records a failed attempt; across reports a failure anywhere wins,
 * then a pass anywhere; a test's controls are the union; its failure is its first failed case (or passing case with a failed attempt).
 */
function model(cases: { tc: TableCase; report: number; controls: number[] }[]): Outcome[] {
  const clean = (s: string): string => s.replaceAll('\u0000', '\ufffd')
  const ids: string[] = []
  const byId = new Map<string, { name: string; file?: string; rows: typeof cases }>()
  for (const c of cases) {
    const id = JSON.stringify([clean(c.tc.name), c.tc.file || null])
    if (!byId.has(id)) {
      ids.push(id)
      byId.set(id, { name: clean(c.tc.name), file: c.tc.file || undefined, rows: [] })
    }
    byId.get(id)?.rows.push(c)
  }
  const identitiesPerName = new Map<string, number>()
  for (const t of byId.values()) identitiesPerName.set(t.name, (identitiesPerName.get(t.name) ?? 0) + 1)
  return ids.map((id) => {
    const t = byId.get(id) as { name: string; file?: string; rows: typeof cases }
    const name = t.file && (identitiesPerName.get(t.name) as number) > 1 ? `${t.name} (${t.file})` : t.name
    const perReport = new Map<number, TableCase[]>()
    for (const r of t.rows) perReport.set(r.report, [...(perReport.get(r.report) ?? []), r.tc])
    const outcomes = [...perReport.values()].map((list) => {
      const last = list[list.length - 1] as TableCase
      if (last.status !== 'passed') return { status: last.status === 'skipped' ? 'skipped' : 'failed', flaky: false }
      let k = list.length - 1
      while (k > 0 && (list[k - 1] as TableCase).status === 'passed') k--
      const before = list[k - 1]
      const flaky = (before !== undefined && (before.status === 'failed' || before.status === 'error')) || list.slice(k).some((c) => c.rerunFailed)
      return { status: 'passed', flaky }
    })
    const status = outcomes.some((o) => o.status === 'failed') ? 'failed' : outcomes.some((o) => o.status === 'passed') ? 'passed' : 'skipped'
    const flaky = status === 'passed' && outcomes.some((o) => o.status === 'passed' && o.flaky)
    const controls = [...new Set(t.rows.flatMap((r) => r.controls))].sort((a, b) => a - b)
    // Its first failed case, or a passing case that records a failed attempt (a flaky test is named with where it failed).
    const first = t.rows.find((r) => r.tc.status === 'failed' || r.tc.status === 'error' || (r.tc.status === 'passed' && r.tc.rerunFailed))?.tc
    const failure: TestRef | undefined = first && {
      name,
      report: first.report,
      line: first.line,
      ...(first.file ? { file: first.file } : {}),
      ...(first.fileLine ? { fileLine: first.fileLine } : {}),
      message: first.message
    }
    return { name, status, flaky, controls, ...(failure ? { failure } : {}) } as Outcome
  })
}

function randomCases(seed: number, n: number): { tc: TableCase; report: number; controls: number[] }[] {
  const rand = prng(seed)
  let report = 0
  const out: { tc: TableCase; report: number; controls: number[] }[] = []
  for (let i = 0; i < n; i++) {
    if (rand() < 0.08) report++
    const parts = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand, SEGMENTS))
    const status = pick(rand, STATUSES)
    const controls = [0, 1, 2, 3].filter(() => rand() < 0.4)
    if (controls.length === 0) controls.push(Math.floor(rand() * 4))
    const file = pick(rand, FILES)
    out.push({
      report,
      controls,
      tc: {
        name: parts.join(' › '),
        ...(file !== undefined ? { file } : {}),
        status,
        rerunFailed: rand() < 0.1,
        report: `r${report}.xml`,
        line: i + 1,
        ...(rand() < 0.5 ? { fileLine: i + 10 } : {}),
        ...(rand() < 0.7 ? { message: `m${i}` } : {})
      }
    })
  }
  return out
}

function table(cases: { tc: TableCase; report: number; controls: number[] }[]): { t: TestTable; outcomes: Outcome[] } {
  const t = new TestTable()
  for (const c of cases) t.add(c.tc, c.report, c.controls)
  const outcomes: Outcome[] = []
  t.forEach((slot, status, flaky, controls, failure) => {
    outcomes.push({ name: t.name(slot), status, flaky, controls: [...controls], ...(failure ? { failure: { ...failure } } : {}) })
  })
  return { t, outcomes }
}

describe('the compact test table agrees with a brute-force model (seeded random inputs)', () => {
  test.each(Array.from({ length: 40 }, (_, i) => 1000 + i))('seed %i', (seed) => {
    const cases = randomCases(seed, 20 + (seed % 7) * 60)
    const { t, outcomes } = table(cases)
    const expected = model(cases)
    expect(outcomes).toEqual(expected)
    for (const c of [0, 1, 2, 3]) {
      const names = expected.filter((o) => o.controls.includes(c)).map((o) => o.name)
      expect(t.namesOf(c)).toEqual(names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
    }
  })

  test('a full name carried with a file and without one names both with their file, in either order', () => {
    const base = { status: 'passed' as const, rerunFailed: false, report: 'r.xml', line: 1 }
    for (const order of [
      [{ file: 'a.ts' }, {}, { file: 'b.ts' }],
      [{}, { file: 'a.ts' }, { file: 'b.ts' }],
      [{ file: 'a.ts' }, { file: 'b.ts' }, {}]
    ]) {
      const t = new TestTable()
      for (const extra of order) t.add({ ...base, name: 's › same', ...extra }, 0, [0])
      t.add({ ...base, name: 's › other', file: 'a.ts' }, 0, [0])
      const seen: string[] = []
      t.forEach((slot) => seen.push(t.name(slot)))
      expect(seen.sort()).toEqual(['s › other', 's › same', 's › same (a.ts)', 's › same (b.ts)'])
    }
  })

  test('one name split differently by suite and classname is one test', () => {
    const t = new TestTable()
    const base = { status: 'passed' as const, rerunFailed: false, report: 'r.xml', line: 1 }
    t.add({ ...base, name: 'a › b › c' }, 0, [0])
    t.add({ ...base, name: 'a › b › c', status: 'failed' }, 1, [1])
    const seen: string[] = []
    t.forEach((slot, status, _flaky, controls) => seen.push(`${t.name(slot)} ${status} ${controls.join(',')}`))
    expect(seen).toEqual(['a › b › c failed 0,1'])
  })
})

describe('CompactKeys', () => {
  test('gives each distinct (group, text) one id and returns the text exactly, lone surrogates included', () => {
    const keys = new CompactKeys()
    const texts = ['', 'a', '\ud800', '\ufffd', 'é', '😀', 'a\u0000b', 'x'.repeat(5000)]
    const ids = texts.map((s, i) => keys.intern(i % 2, s))
    expect(ids).toEqual(texts.map((_, i) => i))
    texts.forEach((s, i) => {
      expect(keys.intern(i % 2, s)).toBe(i)
      expect(keys.text(i)).toBe(s)
      expect(keys.group(i)).toBe(i % 2)
      expect(keys.find(1 - (i % 2), s)).toBe(-1)
    })
  })

  test('holds keys across page boundaries and keys longer than a page (4 MB)', () => {
    const keys = new CompactKeys()
    const rand = prng(7)
    const texts: string[] = []
    for (let i = 0; i < 3000; i++) texts.push(`${i}:` + 'k'.repeat(Math.floor(rand() * 3000)))
    texts.splice(1500, 0, 'L'.repeat(5 * 1024 * 1024))
    texts.forEach((s) => keys.intern(0, s))
    expect(keys.size).toBe(texts.length)
    texts.forEach((s, i) => {
      expect(keys.find(0, s)).toBe(i)
      if (i % 97 === 0 || s.length > 1e6) expect(keys.text(i)).toBe(s)
    })
  })

  test('holds more keys than one 64K page of its per-key numbers, each found again with its group and text', () => {
    const keys = new CompactKeys()
    const n = 140_000
    const wrong: number[] = []
    for (let i = 0; i < n; i++) if (keys.intern(i % 3, `case ${i}`) !== i) wrong.push(i)
    expect(wrong).toEqual([])
    expect(keys.size).toBe(n)
    for (const i of [0, 65_535, 65_536, 65_537, 131_071, 131_072, n - 1]) {
      expect(keys.find(i % 3, `case ${i}`)).toBe(i)
      expect(keys.find((i + 1) % 3, `case ${i}`)).toBe(-1)
      expect(keys.text(i)).toBe(`case ${i}`)
      expect(keys.group(i)).toBe(i % 3)
    }
    // Interning again finds, never adds.
    for (let i = 0; i < n; i += 997) expect(keys.intern(i % 3, `case ${i}`)).toBe(i)
    expect(keys.size).toBe(n)
  })
})

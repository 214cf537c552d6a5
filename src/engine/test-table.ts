import { detach, type TestCase, type TestStatus } from '../reports/model.js'
import type { TestRef } from './result.js'

export type SettledStatus = 'passed' | 'failed' | 'skipped'

/*
 * Every test identity (full name and source file, SPEC §12) that some control selects, folded across all its cases.
 * Within one report the last case wins and earlier failures make it flaky (runners write re-runs
 * as repeated cases); across reports every report must pass (a failing matrix shard fails it),
 * and a pass anywhere beats a skip elsewhere (a platform-only test).
 *
 * Stored as parallel typed arrays rather than an object per test: a million mapped tests cost
 * their names plus ~10 bytes each, which is what keeps a 1M-case run inside 256 MB.
 */

// Status bits: settled (2 bits) | current (2 bits) | flags.
const NONE = 0
const PASSED = 1
const FAILED = 2
const SKIPPED = 3
const SETTLED_FLAKY = 1 << 4
const CURRENT_FLAKY = 1 << 5

const code = (s: TestStatus): number => (s === 'passed' ? PASSED : s === 'skipped' ? SKIPPED : FAILED)

export class TestTable {
  private readonly slots = new Map<string, number>()
  private bits = new Uint8Array(1024)
  private report = new Int32Array(1024)
  /** Index into `controlSets`: tests of one suite mostly share one set, so sets are interned. */
  private controlSet = new Int32Array(1024)
  private readonly controlSets: (readonly number[])[] = []
  private readonly controlSetIds = new Map<string | number, number>()
  private readonly failures = new Map<number, TestRef>()
  private size = 0
  /** How many identities carry a source file: only then can two identities share a name. */
  private filed = 0

  /**
   * The identity of a test: its full name, and its source file where the report gives one. A
   * name never holds U+0000 (replaced), so `name\0file` can never equal another identity.
   */
  private static identity(name: string, file: string | undefined): string {
    const clean = name.includes('\u0000') ? name.replaceAll('\u0000', '\ufffd') : name
    return file ? [clean, file].join('\u0000') : clean
  }

  add(name: string, tc: TestCase, reportIndex: number, controls: readonly number[]): void {
    const key = TestTable.identity(name, tc.file)
    let slot = this.slots.get(key)
    if (slot === undefined) {
      slot = this.grow()
      if (tc.file) this.filed++
      // `name` comes from fullName(), which never shares memory with the parser's chunk; join copies the file.
      this.slots.set(key, slot)
      this.controlSet[slot] = this.internSet(controls)
      this.report[slot] = -1
    } else {
      this.addControls(slot, controls)
    }
    let bits = this.bits[slot] as number
    if (this.report[slot] !== reportIndex) {
      bits = settle(bits)
      this.report[slot] = reportIndex
    } else if (tc.status === 'passed' && (bits & 0b1100) >> 2 === FAILED) {
      bits |= CURRENT_FLAKY
    }
    bits = (bits & ~0b1100) | (code(tc.status) << 2)
    if (tc.status === 'passed' && tc.attempts.some((a) => a === 'failed' || a === 'error')) bits |= CURRENT_FLAKY
    if (tc.status !== 'passed') bits &= ~CURRENT_FLAKY
    this.bits[slot] = bits
    if ((tc.status === 'failed' || tc.status === 'error') && !this.failures.has(slot)) {
      this.failures.set(slot, {
        name,
        report: tc.report,
        line: tc.line,
        ...(tc.file ? { file: detach(tc.file) } : {}),
        ...(tc.fileLine ? { fileLine: tc.fileLine } : {}),
        message: tc.message === undefined ? undefined : detach(tc.message)
      })
    }
  }

  /**
   * Calls `visit` once per test with its final status; each test's controls ascending. The name
   * is the full name, followed by ` (file)` where another identity has the same full name.
   */
  forEach(visit: (name: string, status: SettledStatus, flaky: boolean, controls: readonly number[], failure: TestRef | undefined) => void): void {
    const shared = this.sharedNames()
    for (const [key, slot] of this.slots) {
      const cut = this.filed > 0 ? key.indexOf('\u0000') : -1
      const bare = cut < 0 ? key : key.slice(0, cut)
      const name = cut >= 0 && shared.has(bare) ? `${bare} (${key.slice(cut + 1)})` : bare
      const failure = this.failures.get(slot)
      if (failure) failure.name = name
      const bits = settle(this.bits[slot] as number)
      const settled = bits & 0b11
      const status: SettledStatus = settled === FAILED ? 'failed' : settled === PASSED ? 'passed' : 'skipped'
      const controls = this.controlSets[this.controlSet[slot] as number] as readonly number[]
      visit(name, status, status === 'passed' && (bits & SETTLED_FLAKY) !== 0, controls, failure)
    }
  }

  /** Full names that more than one identity carries (the same test name in different files). */
  private sharedNames(): Set<string> {
    const shared = new Set<string>()
    if (this.filed === 0) return shared
    const once = new Set<string>()
    for (const key of this.slots.keys()) {
      const cut = key.indexOf('\u0000')
      if (cut < 0) continue
      const bare = key.slice(0, cut)
      if (once.has(bare) || this.slots.has(bare)) shared.add(bare)
      else once.add(bare)
    }
    return shared
  }

  /** The same test may carry other tags in another report: its controls are the union. */
  private addControls(slot: number, controls: readonly number[]): void {
    const current = this.controlSets[this.controlSet[slot] as number] as readonly number[]
    // Both ascending: one merge, linear even when a test belongs to thousands of controls.
    const union: number[] = []
    let i = 0
    let j = 0
    while (i < current.length || j < controls.length) {
      const a = i < current.length ? (current[i] as number) : Infinity
      const b = j < controls.length ? (controls[j] as number) : Infinity
      union.push(a <= b ? a : b)
      if (a <= b) i++
      if (b <= a) j++
    }
    if (union.length === current.length) return
    this.controlSet[slot] = this.internSet(union)
  }

  /** `controls` is ascending, as ControlIndex.match returns it. */
  private internSet(controls: readonly number[]): number {
    const key = controls.length === 1 ? (controls[0] as number) : controls.join(',')
    let id = this.controlSetIds.get(key)
    if (id === undefined) {
      id = this.controlSets.length
      this.controlSets.push([...controls])
      this.controlSetIds.set(key, id)
    }
    return id
  }

  private grow(): number {
    if (this.size === this.bits.length) {
      const cap = this.size * 2
      this.bits = copyInto(new Uint8Array(cap), this.bits)
      this.report = copyInto(new Int32Array(cap), this.report)
      this.controlSet = copyInto(new Int32Array(cap), this.controlSet)
    }
    return this.size++
  }
}

/** Folds the current report's outcome into the settled one; a failure anywhere wins. */
function settle(bits: number): number {
  const current = (bits & 0b1100) >> 2
  if (current === NONE) return bits
  const settled = bits & 0b11
  const combined = settled === FAILED || current === FAILED ? FAILED : settled === PASSED || current === PASSED ? PASSED : SKIPPED
  let out = (bits & ~0b1111) | combined
  if (bits & CURRENT_FLAKY) out |= SETTLED_FLAKY
  return out & ~CURRENT_FLAKY
}

function copyInto<T extends Uint8Array | Int32Array>(target: T, source: T): T {
  target.set(source)
  return target
}

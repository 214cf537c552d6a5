import { detach, type TestStatus } from '../reports/model.js'
import { CompactKeys, grow } from './compact-keys.js'
import { boundMessage } from './failure-message.js'
import type { TestRef } from './result.js'

export type SettledStatus = 'passed' | 'failed' | 'skipped'

/** What the table needs of a mapped case (masked): its identity, outcome and where it was read. */
export interface TableCase {
  /** The full name, fullName(tc). */
  name: string
  file?: string
  status: TestStatus
  /** True when an earlier attempt of this case failed (a re-run the runner recorded in the case). */
  rerunFailed: boolean
  report: string
  line: number
  fileLine?: number
  message?: string
}

/*
 * Every test identity (full name and source file, SPEC §12) that some control selects, folded across all its cases.
 * Within one report the last case wins and earlier failures make it flaky (runners write re-runs
 * as repeated cases); across reports every report must pass (a failing matrix shard fails it),
 * and a pass anywhere beats a skip elsewhere (a platform-only test).
 *
 * Stored compactly, because many reports map millions of tests: a full name is split at its last
 * ` › ` into a prefix (suite › classname, shared by a whole suite, interned once) and its own
 * name; the own name (with the file) is kept as bytes in CompactKeys, and the rest as parallel
 * typed arrays. A million mapped tests cost about 60 bytes each. Full names are rebuilt only for
 * what a reason names and for the matched-test lists when they are read (the evidence manifest).
 */

// Status bits: settled (2 bits) | current (2 bits) | flags.
const NONE = 0
const PASSED = 1
const FAILED = 2
const SKIPPED = 3
const SETTLED_FLAKY = 1 << 4
const CURRENT_FLAKY = 1 << 5
/** Another identity has the same full name (the same test name in another file). */
const SHARED = 1 << 6
/** The identity carries a file: its key is cut at the U+0000. */
const FILED = 1 << 7

const SEPARATOR = ' › '
const code = (s: TestStatus): number => (s === 'passed' ? PASSED : s === 'skipped' ? SKIPPED : FAILED)

export class TestTable {
  /** Full-name prefixes (`suite › classname › `), interned: their index is a key's group. */
  private readonly prefixIds = new Map<string, number>()
  private readonly prefixes: string[] = []
  private lastPrefix = 0
  /** Identity per slot: (prefix, own name) or (prefix, own name + U+0000 + file). */
  private readonly keys = new CompactKeys()
  /** Filed identities by full name only, each with the first slot that carries it: finds shared names. */
  private readonly bare = new CompactKeys()
  /** How many identities carry no file. */
  private unfiled = 0
  private bareFirst = new Int32Array(1024)
  private bits = new Uint8Array(1024)
  private report = new Int32Array(1024)
  /** Index into `controlSets`: tests of one suite mostly share one set, so sets are interned. */
  private controlSet = new Int32Array(1024)
  private readonly controlSets: (readonly number[])[] = []
  private readonly controlSetIds = new Map<string | number, number>()
  private readonly failures = new Map<number, TestRef>()

  get size(): number {
    return this.keys.size
  }

  add(tc: TableCase, reportIndex: number, controls: readonly number[]): void {
    // A name never holds U+0000 (replaced), so `own\0file` can never equal another identity.
    const name = tc.name.includes('\u0000') ? tc.name.replaceAll('\u0000', '\ufffd') : tc.name
    const cut = name.lastIndexOf(SEPARATOR) + SEPARATOR.length
    const prefix = cut < SEPARATOR.length ? 0 : this.prefixId(name, cut)
    const own = prefix === 0 ? name : name.slice(cut)
    const before = this.keys.size
    const slot = this.keys.intern(prefix, tc.file ? [own, tc.file].join('\u0000') : own)
    if (slot === before) {
      this.grow(slot)
      this.controlSet[slot] = this.internSet(controls)
      this.report[slot] = -1
      this.findShared(slot, prefix, own, Boolean(tc.file))
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
    if (tc.status === 'passed' && tc.rerunFailed) bits |= CURRENT_FLAKY
    if (tc.status !== 'passed') bits &= ~CURRENT_FLAKY
    this.bits[slot] = bits
    // A failed attempt of a passing case (a flaky one) is kept too: a flaky test is named with where it failed.
    if ((tc.status === 'failed' || tc.status === 'error' || (tc.status === 'passed' && tc.rerunFailed)) && !this.failures.has(slot)) {
      this.failures.set(slot, {
        name: '',
        report: tc.report,
        line: tc.line,
        ...(tc.file ? { file: detach(tc.file) } : {}),
        ...(tc.fileLine ? { fileLine: tc.fileLine } : {}),
        message: detachMessage(boundMessage(tc.message))
      })
    }
  }

  /**
   * Calls `visit` once per test, in the order tests were first seen, with its final status; each
   * test's controls ascending. A failure's name is set (see `name`) before it is visited.
   */
  forEach(visit: (slot: number, status: SettledStatus, flaky: boolean, controls: readonly number[], failure: TestRef | undefined) => void): void {
    for (let slot = 0; slot < this.keys.size; slot++) {
      const failure = this.failures.get(slot)
      if (failure) failure.name = this.name(slot)
      const bits = settle(this.bits[slot] as number)
      const settled = bits & 0b11
      const status: SettledStatus = settled === FAILED ? 'failed' : settled === PASSED ? 'passed' : 'skipped'
      const controls = this.controlSets[this.controlSet[slot] as number] as readonly number[]
      visit(slot, status, status === 'passed' && (bits & SETTLED_FLAKY) !== 0, controls, failure)
    }
  }

  /** A test's name: its full name, followed by ` (file)` where another identity has the same full name. */
  name(slot: number): string {
    const key = this.keys.text(slot)
    const prefix = this.prefixes[this.keys.group(slot) - 1] ?? ''
    const cut = (this.bits[slot] as number) & FILED ? key.indexOf('\u0000') : -1
    if (cut < 0) return prefix + key
    const full = prefix + key.slice(0, cut)
    return (this.bits[slot] as number) & SHARED ? `${full} (${key.slice(cut + 1)})` : full
  }

  /** The names of every test `control` matched, sorted by UTF-16 code unit (what sort() does for strings). */
  namesOf(control: number): string[] {
    const member = this.controlSets.map((set) => set.includes(control))
    const names: string[] = []
    for (let slot = 0; slot < this.keys.size; slot++) if (member[this.controlSet[slot] as number]) names.push(this.name(slot))
    return names.sort()
  }

  /** The id (from 1) of `name`'s first `length` characters; cases come suite by suite, so the last one is tried first. */
  private prefixId(name: string, length: number): number {
    const last = this.prefixes[this.lastPrefix - 1]
    if (last !== undefined && last.length === length && name.startsWith(last)) return this.lastPrefix
    // A copy of its own: a slice would keep the whole batch of names it was cut from alive.
    const prefix = detach(name.slice(0, length))
    let id = this.prefixIds.get(prefix)
    if (id === undefined) {
      this.prefixes.push(prefix)
      id = this.prefixes.length
      this.prefixIds.set(prefix, id)
    }
    this.lastPrefix = id
    return id
  }

  /**
   * Marks `slot` and any identity with the same full name as shared. At most one identity has no
   * file (the full name is its key); filed ones are found through `bare`, which keeps the first.
   */
  private findShared(slot: number, prefix: number, own: string, filed: boolean): void {
    if (filed) {
      this.bits[slot] = FILED
      // Reports that give every case a file never add an unfiled identity: no lookup for one.
      const unfiled = this.unfiled > 0 ? this.keys.find(prefix, own) : -1
      if (unfiled >= 0) this.markShared(slot, unfiled)
      const before = this.bare.size
      const id = this.bare.intern(prefix, own)
      if (id === before) {
        if (id === this.bareFirst.length) this.bareFirst = grow(this.bareFirst)
        this.bareFirst[id] = slot
      } else this.markShared(slot, this.bareFirst[id] as number)
    } else {
      this.unfiled++
      if (this.bare.size === 0) return
      const id = this.bare.find(prefix, own)
      if (id >= 0) this.markShared(slot, this.bareFirst[id] as number)
    }
  }

  private markShared(a: number, b: number): void {
    this.bits[a] = (this.bits[a] as number) | SHARED
    this.bits[b] = (this.bits[b] as number) | SHARED
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

  /** Makes room for `slot`, the next one. */
  private grow(slot: number): void {
    if (slot === this.bits.length) {
      this.bits = grow(this.bits)
      this.report = grow(this.report)
      this.controlSet = grow(this.controlSet)
    }
  }
}

function detachMessage(message: string | undefined): string | undefined {
  return message === undefined ? undefined : detach(message)
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

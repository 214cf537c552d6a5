/**
 * What a report worker and the main thread say to each other (src/workers/pool.ts). A worker
 * reads one report at a time and sends its mapped cases in batches, column by column: the names
 * of a batch as one string with their lengths, and numbers in typed arrays moved, not copied.
 * Cloning one string and a few buffers costs far less than cloning thousands of small objects.
 */
import type { ReportFile } from '../pipeline/discover.js'
import type { ReportResult, Totals } from '../engine/result.js'
import type { TableCase } from '../engine/test-table.js'
import type { InputProblem } from '../errors.js'
import type { MaskedCopy } from '../evidence/spool.js'
import type { TestStatus } from '../reports/model.js'

/** Main → worker: read this report. */
export interface ReadTask {
  index: number
  file: ReportFile
  /** Where to keep the report's masked text for the evidence bundle (MaskedSpool.fileOf), if anywhere. */
  spoolFile?: string
}

/** Worker → main, for the report `index`: some mapped cases, then exactly one of done / problems / failed. */
export type WorkerMessage =
  | { kind: 'batch'; index: number; batch: CaseBatch }
  | { kind: 'done'; index: number; report: ReportResult; totals: Totals; copy?: MaskedCopy }
  | { kind: 'problems'; index: number; problems: InputProblem[] }
  | { kind: 'failed'; index: number; message: string }

export interface CaseBatch {
  report: string
  count: number
  /** Each case's name is prefixes[prefixIds[i]] + its part of `names` (the part after the last ` › `). */
  names: string
  nameLengths: Int32Array
  prefixIds: Int32Array
  /** Name prefixes (`suite › classname › `), interned: they hold ` › ` and so are two-byte strings. */
  prefixes: string[]
  /** Per case: status code (STATUSES) | 4 when an earlier attempt failed. */
  flags: Uint8Array
  lines: Int32Array
  /** Index into `files`, or -1. */
  fileIds: Int32Array
  files: string[]
  /** Index into `sets`: a control set as its ids joined by commas. */
  setIds: Int32Array
  sets: string[]
  /** For failed cases only: where the failure is and what it says. */
  failures: { at: number; fileLine?: number; message?: string }[]
}

const STATUSES: readonly TestStatus[] = ['passed', 'failed', 'error', 'skipped']
const SEPARATOR = ' › '
const RERUN_FAILED = 4
export const BATCH_SIZE = 1024
/**
 * Characters of names per batch at most (a little over, by one name): the batch's names, one
 * string, must stay out of V8's large-object space (objects over 128 KB), which only a full
 * collection frees. Full names hold ` › `, so they are two-byte strings: 1,024 names of 100
 * characters made 200 KB strings, and up to 40 MB of them waited for a collection on the main
 * thread of a 1 GB run. 48K characters are 96 KB at two bytes each. The prefix before the last
 * ` › ` (suite › classname) is sent once per batch, so `names` is mostly one-byte and short.
 */
export const BATCH_CHARS = 48 * 1024

/** Collects one report's mapped cases into batches (worker side). */
export class BatchWriter {
  private names: string[] = []
  private nameLengths = new Int32Array(BATCH_SIZE)
  private prefixIds = new Int32Array(BATCH_SIZE)
  private prefixes = new Map<string, number>()
  private flags = new Uint8Array(BATCH_SIZE)
  private lines = new Int32Array(BATCH_SIZE)
  private fileIds = new Int32Array(BATCH_SIZE)
  private setIds = new Int32Array(BATCH_SIZE)
  private files = new Map<string, number>()
  private sets = new Map<string, number>()
  private failures: CaseBatch['failures'] = []
  private count = 0
  private chars = 0

  constructor(private readonly report: string) {}

  get full(): boolean {
    return this.count === BATCH_SIZE || this.chars >= BATCH_CHARS
  }

  add(tc: TableCase, controls: readonly number[]): void {
    const i = this.count++
    const at = tc.name.lastIndexOf(SEPARATOR)
    const cut = at < 0 ? 0 : at + SEPARATOR.length
    const own = tc.name.slice(cut)
    const known = this.prefixes.size
    this.prefixIds[i] = intern(this.prefixes, tc.name.slice(0, cut))
    this.names.push(own)
    this.chars += own.length + (this.prefixes.size > known ? cut : 0)
    this.nameLengths[i] = own.length
    this.flags[i] = STATUSES.indexOf(tc.status) | (tc.rerunFailed ? RERUN_FAILED : 0)
    this.lines[i] = tc.line
    this.fileIds[i] = tc.file === undefined ? -1 : intern(this.files, tc.file)
    this.setIds[i] = intern(this.sets, controls.join(','))
    // What the test table keeps of a case (test-table.ts): a failing one's, and a flaky one's (it is listed with why it failed).
    if (tc.status === 'failed' || tc.status === 'error' || (tc.status === 'passed' && tc.rerunFailed)) {
      const failure: CaseBatch['failures'][number] = { at: i }
      if (tc.fileLine !== undefined) failure.fileLine = tc.fileLine
      if (tc.message !== undefined) failure.message = tc.message
      this.failures.push(failure)
    }
  }

  /** The batch so far (undefined when empty), and a fresh start; its buffers go in the transfer list. */
  take(): CaseBatch | undefined {
    if (this.count === 0) return undefined
    const n = this.count
    const batch: CaseBatch = {
      report: this.report,
      count: n,
      names: this.names.join(''),
      nameLengths: this.nameLengths.slice(0, n),
      prefixIds: this.prefixIds.slice(0, n),
      prefixes: [...this.prefixes.keys()],
      flags: this.flags.slice(0, n),
      lines: this.lines.slice(0, n),
      fileIds: this.fileIds.slice(0, n),
      files: [...this.files.keys()],
      setIds: this.setIds.slice(0, n),
      sets: [...this.sets.keys()],
      failures: this.failures
    }
    this.names = []
    this.prefixes = new Map()
    this.files = new Map()
    this.sets = new Map()
    this.failures = []
    this.count = 0
    this.chars = 0
    return batch
  }
}

export const transferList = (b: CaseBatch): ArrayBuffer[] => [b.nameLengths, b.prefixIds, b.flags, b.lines, b.fileIds, b.setIds].map((a) => a.buffer as ArrayBuffer)

/** Calls `visit` for each case of a batch (main side), in the order the worker added them. */
export function readBatch(b: CaseBatch, visit: (tc: TableCase, controls: readonly number[]) => void): void {
  const sets = b.sets.map((s) => s.split(',').map(Number))
  const failures = new Map(b.failures.map((f) => [f.at, f]))
  let at = 0
  for (let i = 0; i < b.count; i++) {
    const end = at + (b.nameLengths[i] as number)
    const flags = b.flags[i] as number
    const fileId = b.fileIds[i] as number
    const failure = failures.get(i)
    const tc: TableCase = {
      name: (b.prefixes[b.prefixIds[i] as number] as string) + b.names.slice(at, end),
      file: fileId < 0 ? undefined : b.files[fileId],
      status: STATUSES[flags & 3] as TestStatus,
      rerunFailed: (flags & RERUN_FAILED) !== 0,
      report: b.report,
      line: b.lines[i] as number,
      fileLine: failure?.fileLine,
      message: failure?.message
    }
    at = end
    visit(tc, sets[b.setIds[i] as number] as number[])
  }
}

function intern(map: Map<string, number>, key: string): number {
  let id = map.get(key)
  if (id === undefined) {
    id = map.size
    map.set(key, id)
  }
  return id
}

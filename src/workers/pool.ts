/**
 * Reads many reports on worker threads (src/workers/report-worker.ts): each worker reads whole
 * reports — decode, mask, parse, map — and the main thread folds their mapped cases into the
 * evaluation strictly in file order, as the one-thread loop does. Within a report the last case
 * wins, across reports every report must pass, and only the order of folding can change that:
 * it does not change here.
 *
 * Fail closed: a worker that dies (crash, kill, out of memory) ends the run with exit code 2,
 * naming the report it was reading (WorkerStopped) — never a decision from what was read before.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Control } from '../controls/model.js'
import type { ReportFile } from '../pipeline/discover.js'
import type { Evaluation } from '../engine/evaluate.js'
import type { ReportResult } from '../engine/result.js'
import { ConfigError } from '../errors.js'
import { CaseMapper } from '../engine/case-mapper.js'
import type { MaskedCopy } from '../evidence/spool.js'
import type { ReadProgress } from '../pipeline/progress.js'
import { readAndFold } from '../pipeline/read-report-file.js'
import { readBatch, type ReadTask, type WorkerMessage } from './protocol.js'
import { readTask } from './read-task.js'

/**
 * Below this much report text in all, or with one report, everything stays on the main thread:
 * starting a worker (about 40 ms) costs more than it saves on a few MB.
 */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024

/** Reports a worker is given ahead: the one it reads and the next, so it never waits for the main thread. */
const IN_FLIGHT = 2

/** A run that must end now: a worker stopped while reading a report. */
export class WorkerStopped extends ConfigError {}

/**
 * How many worker threads to read reports of `sizes` bytes with, beside the main thread: 0 means
 * the main thread alone. `setting` is SOX_GATE_THREADS: `1` keeps one thread; `N` reads with N
 * threads (the main one and N - 1 workers) whenever there are two reports or more, whatever their
 * size (the equivalence tests use it); unset, one thread per core once the reports hold
 * PARALLEL_MIN_BYTES in all.
 */
export function workerCount(sizes: readonly number[], setting: string | undefined): number {
  const given = setting !== undefined && setting.trim() !== ''
  if (given && (!/^\d+$/.test(setting.trim()) || Number(setting) < 1)) {
    throw ConfigError.at('SOX_GATE_THREADS', `must be a whole number of threads, 1 or more (got ${JSON.stringify(setting)})`)
  }
  const limit = given ? Number(setting) : availableParallelism()
  const total = sizes.reduce((a, b) => a + b, 0)
  if (limit < 2 || sizes.length < 2 || (!given && total < PARALLEL_MIN_BYTES) || !workerEntry()) return 0
  // The main thread reads reports too: N threads are the main one and N - 1 workers.
  return Math.min(limit, sizes.length) - 1
}

/** dist/report-worker.js, beside the bundle this code runs in; absent when run from source (tests). */
function workerEntry(): URL | undefined {
  const url = new URL('./report-worker.js', import.meta.url)
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : undefined
}

interface Pending {
  messages: WorkerMessage[]
  wake?: () => void
}

export class ReportPool {
  private readonly workers: Worker[] = []
  /** Maps the reports the main thread reads ahead of the one it folds. */
  private readonly mapper: CaseMapper
  private readonly pending = new Map<number, Pending>()
  /** The reports each worker was given and has not finished, oldest first. */
  private readonly reading = new Map<Worker, number[]>()
  private next = 0
  /** The report being folded: workers run at most `window` reports ahead of it. */
  private folding = 0
  private readonly window: number
  private stopped: WorkerStopped | undefined

  constructor(
    private readonly files: readonly ReportFile[],
    controls: readonly Control[],
    workers: number,
    /** Where each report's masked text is spooled for the evidence bundle, when it is. */
    private readonly spoolFileOf?: (index: number) => string,
    env: NodeJS.ProcessEnv = process.env
  ) {
    const entry = workerEntry()
    if (!entry) throw new Error('the report worker (report-worker.js) is missing beside the bundle')
    this.mapper = new CaseMapper(controls)
    this.window = (workers + 1) * (IN_FLIGHT + 1)
    const crashOn = env.SOX_GATE_TEST_WORKER_CRASH
    for (let i = 0; i < workers; i++) {
      // A small young generation: a worker's garbage is short-lived parser text, and each MB of it is
      // resident memory on every core. The old generation is left unlimited: a report the main
      // thread can read must not fail in a worker for want of heap.
      const worker = new Worker(entry, { workerData: { controls, ...(crashOn ? { crashOn } : {}) }, resourceLimits: { maxYoungGenerationSizeMb: 4 } })
      worker.on('message', (m: WorkerMessage) => this.receive(worker, m))
      worker.on('error', (e) => this.stop(worker, e.message))
      worker.on('exit', (code) => this.stop(worker, `exit code ${code}`))
      this.workers.push(worker)
    }
  }

  /** Each worker holds up to IN_FLIGHT reports: it starts the next without waiting for the main thread. */
  private fill(): void {
    for (const w of this.workers) while (this.dispatch(w));
  }

  /**
   * Folds report `index` into `evaluation`; resolves with what its reader counted. A report no
   * worker has taken the main thread reads itself, folding as it goes, exactly as one thread
   * would; while a worker still reads this one, the main thread reads the next free report ahead
   * (kept as batches until its turn) rather than wait.
   */
  async read(index: number, evaluation: Evaluation, progress?: ReadProgress): Promise<{ report: ReportResult; copy?: MaskedCopy }> {
    this.folding = index
    if (index >= this.next) {
      this.next = index + 1
      this.fill()
      const read = await readAndFold(this.files[index] as ReportFile, evaluation, this.spoolFileOf?.(index), progress)
      if (this.stopped) throw this.stopped
      return read
    }
    this.fill()
    const state = this.state(index)
    for (;;) {
      if (this.stopped) throw this.stopped
      const m = state.messages.shift()
      if (!m) {
        if (this.next < this.files.length && this.next < index + this.window) {
          const ahead = this.next++
          await readTask(this.task(ahead), this.mapper, (message) => this.receive(undefined, message))
        } else await new Promise<void>((resolve) => (state.wake = resolve))
        continue
      }
      if (m.kind === 'batch') readBatch(m.batch, (tc, controls) => evaluation.addMapped(tc, controls))
      else {
        this.pending.delete(index)
        if (m.kind === 'done') {
          evaluation.addCounts(m.totals)
          return { report: m.report, copy: m.copy }
        }
        if (m.kind === 'problems') throw new ConfigError(m.problems)
        throw new Error(m.message)
      }
    }
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0)
    await Promise.all(workers.map((w) => w.terminate()))
  }

  /** Gives `worker` the next report, when it has room and the window allows; says whether it did. */
  private dispatch(worker: Worker): boolean {
    const queued = this.reading.get(worker) ?? []
    if (this.stopped || queued.length >= IN_FLIGHT || this.next >= this.files.length || this.next >= this.folding + this.window) return false
    const index = this.next++
    this.reading.set(worker, [...queued, index])
    worker.postMessage(this.task(index))
    return true
  }

  /** A message about report `m.index`, from `worker` or (undefined) from the main thread reading ahead. */
  private receive(worker: Worker | undefined, m: WorkerMessage): void {
    const state = this.state(m.index)
    state.messages.push(m)
    if (worker && m.kind !== 'batch') {
      this.reading.set(worker, (this.reading.get(worker) ?? []).filter((i) => i !== m.index))
      this.fill()
    }
    state.wake?.()
  }

  /** A worker ended on its own: the report it was reading (if any) cannot be trusted, nor the run. */
  private stop(worker: Worker, why: string): void {
    if (!this.workers.includes(worker)) return
    const index = this.reading.get(worker)?.[0]
    if (this.stopped || index === undefined) {
      if (!this.stopped) this.stopped = new WorkerStopped([{ file: 'reports', message: `a report worker thread stopped (${why}); the run cannot be evaluated` }])
    } else {
      const file = this.files[index] as ReportFile
      this.stopped = new WorkerStopped([{ file: file.path, message: `the report could not be read: the worker thread reading it stopped (${why}), so nothing it read is used` }])
    }
    for (const state of this.pending.values()) state.wake?.()
  }

  private task(index: number): ReadTask {
    const spoolFile = this.spoolFileOf?.(index)
    return { index, file: this.files[index] as ReportFile, ...(spoolFile === undefined ? {} : { spoolFile }) }
  }

  private state(index: number): Pending {
    let state = this.pending.get(index)
    if (!state) {
      state = { messages: [] }
      this.pending.set(index, state)
    }
    return state
  }
}

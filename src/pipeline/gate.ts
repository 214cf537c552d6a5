import { readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { loadChangeRecord } from '../change/load.js'
import type { ChangeRecord } from '../change/model.js'
import { loadControlMap } from '../controls/load.js'
import type { ControlMap } from '../controls/model.js'
import { Evaluation } from '../engine/evaluate.js'
import type { TrustDecision } from '../engine/trust.js'
import type { GateResult, ReportResult } from '../engine/result.js'
import { ConfigError, type InputProblem } from '../errors.js'
import { discoverReports, type ReportFile } from './discover.js'
import { trackedAtHead } from './git-tracked.js'
import type { MaskedCopy, MaskedSpool } from '../evidence/spool.js'
import { maskText } from '../reports/mask.js'
import { describeFsError } from '../fs-errors.js'
import { readAndFold } from './read-report-file.js'
import { ReportPool, workerCount, WorkerStopped } from '../workers/pool.js'
import { ReadProgress } from './progress.js'

export interface GateOptions {
  /** The map that judges: `trust.judging`. */
  map: ControlMap
  trust: TrustDecision
  /** Report globs; when empty the control map's `reports:` are used. */
  reportGlobs: readonly string[]
  now: Date
  cwd: string
  /** The change record, when the shell has one (read from GitHub, or a --change file). */
  change?: ChangeRecord
  /** Where to keep each report's masked text as it is read, for the evidence bundle (see `copies`). */
  spool?: MaskedSpool
  /**
   * SOX_GATE_THREADS as the shell read it: `1` reads every report on the main thread, `N` on up
   * to N worker threads; unset, many reports (16 MB or more in all) use one worker per core.
   */
  threads?: string
  /** Counts to fill as the reports are read, for the shell's progress lines. */
  progress?: ReadProgress
}

/** Reads the control map from disk; the same loader the gate uses, for `validate`. */
export async function loadControlMapFile(controlsPath: string, cwd: string): Promise<ControlMap> {
  return loadControlMap(await readInput(controlsPath, cwd, 'the control map'), controlsPath)
}

/** An input file's text; a missing or unreadable one is a configuration error naming it. */
async function readInput(file: string, cwd: string, what: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, file), 'utf8')
  } catch (e) {
    throw ConfigError.at(file, `cannot read ${what}: ${describeFsError(e)}`)
  }
}

export interface GateRun {
  result: GateResult
  /** The real file each of result.reports was read from, in the same order (for the evidence copy). */
  sources: string[]
  /** With a spool: each report's masked text as read, same order; undefined where none was kept. */
  copies?: (MaskedCopy | undefined)[]
}

/** The pipeline both shells call: discover → read (streaming) → evaluate, for a loaded control map. */
export async function runGate(options: GateOptions): Promise<GateRun> {
  const { map } = options
  const globs = options.reportGlobs.length > 0 ? options.reportGlobs : map.reports
  const found = await discoverReports(globs, options.cwd, options.reportGlobs.length > 0 ? '' : map.file)
  // committed-reports comes from the judging map: the trusted one, or one a control owner approved.
  if (map.committedReports !== 'allow') await refuseCommitted(found, options.cwd)
  // A report's own name can carry a value to mask (SPEC §7): it is shown masked everywhere.
  const files = found.map((f) => ({ ...f, path: maskText(f.path) }))
  const evaluation = new Evaluation({ map, now: options.now, change: options.change, trust: options.trust })
  const reports: ReportResult[] = []
  const problems: InputProblem[] = []
  const copies: (MaskedCopy | undefined)[] = []
  const spoolFileOf = options.spool ? (i: number) => (options.spool as MaskedSpool).fileOf(i) : undefined
  const sizes = await Promise.all(files.map((f) => sizeOf(f.source)))
  const progress = options.progress ?? new ReadProgress()
  progress.filesTotal = files.length
  progress.bytesTotal = sizes.reduce((a, b) => a + b, 0)
  const threads = workerCount(sizes, options.threads)
  const pool = threads > 0 ? new ReportPool(files, map.controls, threads, spoolFileOf) : undefined
  try {
    // Reports are folded in file order whichever thread read them: the result is the same.
    for (const [i, file] of files.entries()) {
      evaluation.beginReport()
      try {
        const { report, copy } = pool ? await pool.read(i, evaluation, progress) : await readAndFold(file, evaluation, spoolFileOf?.(i), progress)
        progress.finished(report.size, report.cases)
        reports.push(report)
        copies.push(copy)
        evaluation.endReport(file.path, report.crashes)
      } catch (e) {
        // Cut off mid-read: what it matched so far proves nothing (the run ends on the problem anyway).
        evaluation.endReport(file.path, [{ what: 'the report could not be read to its end' }])
        if (!(e instanceof ConfigError) || e instanceof WorkerStopped) throw e
        problems.push(...e.problems)
      }
    }
  } finally {
    await pool?.close()
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const result = evaluation.finish(reports)
  if (result.totals.cases === 0) {
    throw ConfigError.at(
      files.length === 1 ? (files[0] as ReportFile).path : 'reports',
      `the reports hold no test case at all (${files.length} file${files.length === 1 ? '' : 's'} read): nothing could prove any control`
    )
  }
  return { result, sources: files.map((f) => f.source), ...(options.spool ? { copies } : {}) }
}

/**
 * A report that git tracks at the evaluated commit was not produced by this run: its passes
 * prove nothing about the change (SPEC §11). Refused, naming each, unless the map allows it —
 * whichever repository holds it: the workspace's, or one checked out into a folder of it.
 */
async function refuseCommitted(files: readonly ReportFile[], cwd: string): Promise<void> {
  const realRoot = await realpath(cwd)
  // Both the path as found (it may pass through a link) and the real file: either committed is refused.
  const seen = (f: ReportFile): string[] => [path.resolve(realRoot, f.path), f.source]
  const tracked = await trackedAtHead(realRoot, [...new Set(files.flatMap(seen))])
  const committed = files.filter((f) => seen(f).some((p) => tracked.has(p)))
  if (committed.length === 0) return
  throw new ConfigError(
    committed.map((f) => ({
      file: maskText(f.path),
      message: 'refused: this report is committed to the repository (tracked by git at the evaluated commit), so it proves nothing about this run; set `committed-reports: allow` in the control map to read committed reports'
    }))
  )
}

/** A report's size, to decide on worker threads; one that cannot be read counts 0 (reading it names the problem). */
async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0
  )
}

/** Reads a change record file for offline evaluation (`--change`). */
export async function loadChangeRecordFile(file: string, cwd: string): Promise<ChangeRecord> {
  return loadChangeRecord(await readInput(file, cwd, 'the change record'), file)
}

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { loadChangeRecord } from './change/load.js'
import type { ChangeRecord } from './change/model.js'
import { loadControlMap } from './controls/load.js'
import type { ControlMap } from './controls/model.js'
import { Evaluation } from './engine/evaluate.js'
import type { TrustDecision } from './engine/trust.js'
import type { GateResult, ReportResult } from './engine/result.js'
import { ConfigError, type InputProblem } from './errors.js'
import { decodeChunks, REPORT_CHUNK } from './reports/decode.js'
import { discoverReports, type ReportFile } from './discover.js'
import { trackedAtHead } from './git-tracked.js'
import { maskReportChunks } from './evidence/mask-stream.js'
import type { MaskedCopy, MaskedSpool, SpoolWriter } from './evidence/spool.js'
import { emptyCounts, maskText } from './reports/mask.js'
import { readReport } from './reports/read.js'

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
  for (const file of files) {
    evaluation.beginReport()
    const spooled = options.spool?.open()
    try {
      const report = await readReportFile(file, (tc) => evaluation.addCase(tc), spooled)
      reports.push(report)
      copies.push(spooled?.finish())
      evaluation.endReport(file.path, report.crashes)
    } catch (e) {
      spooled?.finish()
      // Cut off mid-read: what it matched so far proves nothing (the run ends on the problem anyway).
      evaluation.endReport(file.path, [{ what: 'the report could not be read to its end' }])
      if (!(e instanceof ConfigError)) throw e
      problems.push(...e.problems)
    }
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
 * prove nothing about the change (SPEC §11). Refused, naming each, unless the map allows it.
 */
async function refuseCommitted(files: readonly ReportFile[], cwd: string): Promise<void> {
  const realRoot = await realpath(cwd)
  const asReal = (f: ReportFile): string => path.relative(realRoot, f.source).split(path.sep).join('/')
  const tracked = await trackedAtHead(cwd, [...new Set(files.flatMap((f) => [f.path, asReal(f)]))])
  if (!tracked) return
  const committed = files.filter((f) => tracked.has(f.path) || tracked.has(asReal(f)))
  if (committed.length === 0) return
  throw new ConfigError(
    committed.map((f) => ({
      file: maskText(f.path),
      message: 'refused: this report is committed to the repository (tracked by git at the evaluated commit), so it proves nothing about this run; set `committed-reports: allow` in the control map to read committed reports'
    }))
  )
}

/** Reads a change record file for offline evaluation (`--change`). */
export async function loadChangeRecordFile(file: string, cwd: string): Promise<ChangeRecord> {
  return loadChangeRecord(await readInput(file, cwd, 'the change record'), file)
}

/** Streams one report through hashing, decoding and its reader; the hash is of the raw bytes. */
async function readReportFile(report: ReportFile, sink: Parameters<typeof readReport>[2], spooled?: SpoolWriter): Promise<ReportResult> {
  const { path: file, source: full } = report
  let size: number
  try {
    size = (await stat(full)).size
  } catch (e) {
    throw ConfigError.at(file, `cannot read the report: ${describeFsError(e)}`)
  }
  if (size === 0) throw ConfigError.at(file, 'empty report (0 bytes)')
  const hash = createHash('sha256')
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(full, { highWaterMark: REPORT_CHUNK })) {
      hash.update(chunk as Buffer)
      yield chunk as Buffer
    }
  }
  // The reader sees the text masked exactly as the evidence bundle keeps it (SPEC §7), so
  // re-performing from the bundle reads what this run read.
  const masked = maskReportChunks(decodeChunks(hashed()), spooled?.counts ?? emptyCounts())
  const stats = await readReport(spooled ? spooled.tee(masked) : masked, file, sink)
  return { path: file, sha256: hash.digest('hex'), size, ...stats }
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'ENOENT') return 'no such file'
  if (err.code === 'EISDIR') return 'is a directory'
  if (err.code === 'EACCES') return 'permission denied'
  return err.message
}

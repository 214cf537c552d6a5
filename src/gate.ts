import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { loadChangeRecord } from './change/load.js'
import type { ChangeRecord } from './change/model.js'
import { loadControlMap } from './controls/load.js'
import type { ControlMap } from './controls/model.js'
import { Evaluation } from './engine/evaluate.js'
import type { TrustDecision } from './engine/trust.js'
import type { GateResult, ReportResult } from './engine/result.js'
import { ConfigError, type InputProblem } from './errors.js'
import { decodeChunks } from './reports/decode.js'
import { discoverReports } from './discover.js'
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

/** The pipeline both shells call: discover → read (streaming) → evaluate, for a loaded control map. */
export async function runGate(options: GateOptions): Promise<GateResult> {
  const { map } = options
  const globs = options.reportGlobs.length > 0 ? options.reportGlobs : map.reports
  const files = await discoverReports(globs, options.cwd, options.reportGlobs.length > 0 ? 'reports' : map.file)
  const evaluation = new Evaluation({ map, now: options.now, change: options.change, trust: options.trust })
  const reports: ReportResult[] = []
  const problems: InputProblem[] = []
  for (const file of files) {
    evaluation.beginReport()
    try {
      const report = await readReportFile(file, options.cwd, (tc) => evaluation.addCase(tc))
      reports.push(report)
      evaluation.endReport(file, report.crashes)
    } catch (e) {
      // Cut off mid-read: what it matched so far proves nothing (the run ends on the problem anyway).
      evaluation.endReport(file, [{ what: 'the report could not be read to its end' }])
      if (!(e instanceof ConfigError)) throw e
      problems.push(...e.problems)
    }
  }
  if (problems.length > 0) throw new ConfigError(problems)
  const result = evaluation.finish(reports)
  if (result.totals.cases === 0) {
    throw ConfigError.at(
      files.length === 1 ? (files[0] as string) : 'reports',
      `the reports hold no test case at all (${files.length} file${files.length === 1 ? '' : 's'} read): nothing could prove any control`
    )
  }
  return result
}

/** Reads a change record file for offline evaluation (`--change`). */
export async function loadChangeRecordFile(file: string, cwd: string): Promise<ChangeRecord> {
  return loadChangeRecord(await readInput(file, cwd, 'the change record'), file)
}

/** Streams one report through hashing, decoding and its reader; the hash is of the raw bytes. */
async function readReportFile(file: string, cwd: string, sink: Parameters<typeof readReport>[2]): Promise<ReportResult> {
  const full = path.resolve(cwd, file)
  let size: number
  try {
    size = (await stat(full)).size
  } catch (e) {
    throw ConfigError.at(file, `cannot read the report: ${describeFsError(e)}`)
  }
  if (size === 0) throw ConfigError.at(file, 'empty report (0 bytes)')
  const hash = createHash('sha256')
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(full, { highWaterMark: 256 * 1024 })) {
      hash.update(chunk as Buffer)
      yield chunk as Buffer
    }
  }
  const stats = await readReport(decodeChunks(hashed()), file, sink)
  return { path: file, sha256: hash.digest('hex'), size, ...stats }
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'ENOENT') return 'no such file'
  if (err.code === 'EISDIR') return 'is a directory'
  if (err.code === 'EACCES') return 'permission denied'
  return err.message
}

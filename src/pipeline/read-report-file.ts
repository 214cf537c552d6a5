import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ReportFile } from './discover.js'
import type { ReportResult } from '../engine/result.js'
import { ConfigError } from '../errors.js'
import { describeFsError, fsProblem } from '../fs-errors.js'
import { maskReportChunks } from '../evidence/mask-stream.js'
import type { Evaluation } from '../engine/evaluate.js'
import { SpoolWriter, type MaskedCopy } from '../evidence/spool.js'
import type { ReadProgress } from './progress.js'
import { decodeChunks, REPORT_CHUNK } from '../reports/decode.js'
import { emptyCounts } from '../reports/mask.js'
import type { CaseSink } from '../reports/model.js'
import { readReport } from '../reports/read.js'

/**
 * Streams one report through hashing, decoding and its reader; the hash is of the raw bytes.
 * The same code on the main thread and in a worker thread (src/workers/), so both read alike.
 */
/** `onBytes` hears of each raw piece read (progress lines). */
export async function readReportFile(report: ReportFile, sink: CaseSink, spooled?: SpoolWriter, onBytes?: (bytes: number) => void): Promise<ReportResult> {
  const { path: file, source: full } = report
  let size: number
  try {
    size = (await stat(full)).size
  } catch (e) {
    throw ConfigError.at(file, `cannot read the report: ${describeFsError(e)}`)
  }
  if (size === 0) throw ConfigError.at(file, 'empty report (0 bytes)')
  const hash = createHash('sha256')
  // 64 KB pieces: each decoded piece stays a young, short-lived string (V8 keeps strings over
  // 128 KB in its large-object space, freed only by a full collection).
  async function* hashed(): AsyncGenerator<Uint8Array> {
    const stream = createReadStream(full, { highWaterMark: REPORT_CHUNK })
    const chunks = stream[Symbol.asyncIterator]()
    try {
      for (;;) {
        let next: IteratorResult<Buffer>
        try {
          next = (await chunks.next()) as IteratorResult<Buffer>
        } catch (e) {
          // EACCES, EISDIR, EIO…: the runner's disk or the user's path, said in one line naming the report.
          throw fsProblem(e, file, 'cannot read the report')
        }
        if (next.done) return
        hash.update(next.value)
        onBytes?.(next.value.length)
        yield next.value
      }
    } finally {
      // A reader that stops early (a refused report) closes the file.
      stream.destroy()
    }
  }
  // The reader sees the text masked exactly as the evidence bundle keeps it (SPEC §7), so
  // re-performing from the bundle reads what this run read; with a spool, that text is kept as it passes.
  const masked = maskReportChunks(decodeChunks(hashed()), spooled?.counts ?? emptyCounts())
  const stats = await readReport(spooled ? spooled.tee(masked) : masked, file, sink)
  return { path: file, sha256: hash.digest('hex'), size, ...stats }
}

/**
 * One report read on this thread and folded into `evaluation` as it goes: its masked text
 * spooled to `spoolFile` when given (the copy only when read to its end), its bytes and cases
 * counted in `progress`. The one-thread loop and the worker pool's main thread both read so.
 */
export async function readAndFold(file: ReportFile, evaluation: Evaluation, spoolFile?: string, progress?: ReadProgress): Promise<{ report: ReportResult; copy?: MaskedCopy }> {
  const spooled = spoolFile === undefined ? undefined : new SpoolWriter(spoolFile)
  const sink: CaseSink = (tc) => {
    if (progress) progress.casesLive++
    evaluation.addCase(tc)
  }
  try {
    const report = await readReportFile(file, sink, spooled, progress && ((bytes) => (progress.bytesLive += bytes)))
    return { report, copy: spooled?.finish() }
  } finally {
    // Closes the spool file when the read failed (a second finish after success does nothing).
    spooled?.finish()
  }
}

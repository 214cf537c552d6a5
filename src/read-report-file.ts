import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { ReportFile } from './discover.js'
import type { ReportResult } from './engine/result.js'
import { ConfigError } from './errors.js'
import { maskReportChunks } from './evidence/mask-stream.js'
import { decodeChunks } from './reports/decode.js'
import { emptyCounts } from './reports/mask.js'
import type { CaseSink } from './reports/model.js'
import { readReport } from './reports/read.js'

/**
 * Streams one report through hashing, decoding and its reader; the hash is of the raw bytes.
 * The same code on the main thread and in a worker thread (src/workers/), so both read alike.
 */
export async function readReportFile(report: ReportFile, sink: CaseSink): Promise<ReportResult> {
  const { path: file, source: full } = report
  let size: number
  try {
    size = (await stat(full)).size
  } catch (e) {
    throw ConfigError.at(file, `cannot read the report: ${describeFsError(e)}`)
  }
  if (size === 0) throw ConfigError.at(file, 'empty report (0 bytes)')
  const hash = createHash('sha256')
  // XML is read 64 KB at a time: each decoded piece then stays a young, short-lived string (V8
  // keeps strings over 128 KB in its large-object space, freed only by a full collection), which
  // measured about 70 MB smaller on many reports. Other text goes on in 256 KB pieces: the mask
  // stream rescans what it holds on every piece while a JSON string or a line stays open (up to
  // 16 MiB), and 64 KB pieces made that 3x the CPU.
  async function* hashed(): AsyncGenerator<Uint8Array> {
    let xml: boolean | undefined
    let held: Buffer[] = []
    let heldBytes = 0
    for await (const chunk of createReadStream(full, { highWaterMark: 64 * 1024 })) {
      hash.update(chunk as Buffer)
      xml ??= startsLikeXml(chunk as Buffer)
      if (xml) {
        yield chunk as Buffer
        continue
      }
      held.push(chunk as Buffer)
      heldBytes += (chunk as Buffer).length
      if (heldBytes >= 256 * 1024) {
        yield Buffer.concat(held)
        held = []
        heldBytes = 0
      }
    }
    if (held.length > 0) yield Buffer.concat(held)
  }
  // The reader sees the text masked exactly as the evidence bundle keeps it (SPEC §7), so
  // re-performing from the bundle reads what this run read.
  const stats = await readReport(maskReportChunks(decodeChunks(hashed()), emptyCounts()), file, sink)
  return { path: file, sha256: hash.digest('hex'), size, ...stats }
}

/** True when the first byte that is not a byte-order mark, blank or NUL (UTF-16) is `<`: only the piece size depends on it. */
function startsLikeXml(chunk: Buffer): boolean {
  for (const b of chunk) {
    if (b === 0x3c) return true
    if (!(b === 0xef || b === 0xbb || b === 0xbf || b === 0xfe || b === 0xff || b === 0 || b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)) return false
  }
  return false
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'ENOENT') return 'no such file'
  if (err.code === 'EISDIR') return 'is a directory'
  if (err.code === 'EACCES') return 'permission denied'
  return err.message
}

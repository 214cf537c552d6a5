import { createHash, type Hash } from 'node:crypto'
import { closeSync, constants, openSync, writeSync } from 'node:fs'
import { copyFile, link, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fsProblem } from '../fs-errors.js'
import { addCounts, emptyCounts, type RedactionCounts } from '../reports/mask.js'

const SPOOL_WORDS = 'cannot keep the masked copy of a report for the evidence bundle in the temporary folder (TMPDIR)'

/** A report's masked text as the gate read it, kept for the evidence bundle. */
export interface MaskedCopy {
  /** The spooled file (removed with the spool). */
  file: string
  sha256: string
  size: number
  /** What masking replaced in this report. */
  redactions: RedactionCounts
}

/**
 * Keeps the masked text of each report as the gate reads it, so the evidence bundle copies those
 * bytes instead of reading, decoding and masking every report a second time (issue 13). The
 * bundle's copy of a report is by definition the text the gate evaluated (SPEC §6, §7); spooling
 * it during the one read makes that true by construction. Lives in a private temporary folder,
 * removed by `dispose`.
 */
export class MaskedSpool {
  private constructor(readonly dir: string) {}

  static async create(): Promise<MaskedSpool> {
    const prefix = path.join(os.tmpdir(), 'sox-gate-spool-')
    try {
      return new MaskedSpool(await mkdtemp(prefix))
    } catch (e) {
      throw fsProblem(e, os.tmpdir(), 'cannot make a temporary folder for the masked copies of the reports (set TMPDIR to a writable folder)')
    }
  }

  /** The spool file of the report at `index` (a worker thread opens its own SpoolWriter on it). */
  fileOf(index: number): string {
    return path.join(this.dir, String(index + 1).padStart(4, '0'))
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true })
  }
}

export class SpoolWriter {
  private readonly fd: number
  private readonly hash: Hash = createHash('sha256')
  private size = 0
  private complete = false
  private failed = false
  private closed = false
  /** The counts the report's masking stream adds to. */
  readonly counts: RedactionCounts = emptyCounts()

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'wx')
    } catch (e) {
      throw fsProblem(e, file, SPOOL_WORDS)
    }
  }

  /** Passes `chunks` through unchanged, writing each one's UTF-8 bytes to the spool as it goes. */
  async *tee(chunks: AsyncIterable<string>): AsyncGenerator<string> {
    try {
      for await (const text of chunks) {
        // The same encoding, chunk by chunk, that the bundle's own copy has always used.
        const bytes = Buffer.from(text, 'utf8')
        try {
          for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at)
        } catch (e) {
          // A full temporary disk (ENOSPC) is the runner's problem: one line naming where, not an internal error.
          throw fsProblem(e, this.file, SPOOL_WORDS)
        }
        this.hash.update(bytes)
        this.size += bytes.length
        yield text
      }
      this.complete = true
    } catch (e) {
      this.failed = true
      throw e
    }
  }

  /**
   * Closes the spool file. Returns the copy only when every chunk passed through (a reader that
   * stopped early leaves an incomplete copy: the bundle then reads the report itself).
   */
  finish(): MaskedCopy | undefined {
    if (this.closed) return undefined
    this.closed = true
    closeSync(this.fd)
    if (!this.complete || this.failed) return undefined
    const redactions = emptyCounts()
    addCounts(redactions, this.counts)
    return { file: this.file, sha256: this.hash.digest('hex'), size: this.size, redactions }
  }
}

/**
 * Puts a spooled copy at `full` (its folder exists) without ever writing over a file or through a
 * link: a hard link where the spool and the bundle share a file system, a copy otherwise (created
 * O_EXCL). Throws EEXIST when anything, a link included, is at `full`.
 */
export async function placeCopy(copy: MaskedCopy, full: string): Promise<void> {
  try {
    await link(copy.file, full)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw e
    await copyFile(copy.file, full, constants.COPYFILE_EXCL)
  }
}

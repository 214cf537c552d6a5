import { createHash, type Hash } from 'node:crypto'
import { open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import { cell } from '../evidence/csv.js'
import type { ManifestFile } from '../evidence/manifest.js'
import { stableJsonPieces } from '../evidence/stable-json.js'

/** The files of an audit folder, in manifest order; manifest.json seals them. */
export const AUDIT_FILES = ['population.csv', 'exceptions.csv', 'sample.csv', 'audit.json', 'audit.html'] as const

/** manifest.json of an audit folder: what `sox-gate verify DIR` recognises it by. */
export interface AuditManifest {
  auditVersion: 1
  tool: { name: string; version: string }
  generatedAt: string
  period: { from: string; to: string }
  repositories: string[]
  environment: string
  files: ManifestFile[]
}

/**
 * A file written and hashed as it is written, CSV rows one at a time (RFC 4180, CRLF, the
 * spreadsheet formula guard of controls.csv): 18,250 rows never sit in memory at once.
 */
export class SealedFile {
  private readonly hash: Hash = createHash('sha256')
  private size = 0
  private pending: Buffer[] = []
  private pendingBytes = 0

  private constructor(
    readonly rel: string,
    private readonly handle: FileHandle
  ) {}

  static async create(dir: string, rel: string): Promise<SealedFile> {
    return new SealedFile(rel, await open(path.join(dir, rel), 'wx'))
  }

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8')
    this.hash.update(bytes)
    this.size += bytes.length
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    if (this.pendingBytes >= 256 * 1024) await this.flush()
  }

  async csvRow(values: readonly (string | number)[]): Promise<void> {
    await this.write(values.map(cell).join(',') + '\r\n')
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return
    await this.handle.write(Buffer.concat(this.pending))
    this.pending = []
    this.pendingBytes = 0
  }

  async close(): Promise<ManifestFile> {
    await this.flush()
    await this.handle.close()
    return { path: this.rel, sha256: this.hash.digest('hex'), size: this.size }
  }
}

/** stableJson's bytes, written and hashed piece by piece (as a bundle's manifest.json). */
export async function writeStableJson(dir: string, rel: string, value: unknown): Promise<ManifestFile> {
  const f = await SealedFile.create(dir, rel)
  for (const piece of stableJsonPieces(value)) await f.write(piece)
  return f.close()
}

/**
 * The output folder, made ready: created if absent; an earlier audit folder's own files
 * removed (nothing else is ever deleted); any other non-empty folder refused.
 */
export async function prepareOut(dir: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      const { mkdir } = await import('node:fs/promises')
      await mkdir(dir, { recursive: true })
      return
    }
    throw ConfigError.at(dir, `cannot use the output folder: ${(e as Error).message}`)
  }
  if (names.length === 0) return
  const earlier = await readFile(path.join(dir, 'manifest.json'), 'utf8').then((t) => JSON.parse(t) as Partial<AuditManifest>).catch(() => undefined)
  const ours = new Set(['manifest.json', ...AUDIT_FILES])
  const strangers = names.filter((n) => !ours.has(n))
  if (earlier?.auditVersion !== 1 || strangers.length > 0) {
    throw ConfigError.at(dir, `the output folder is not empty and is not an earlier audit folder${strangers.length ? ` (it holds ${strangers.slice(0, 3).join(', ')}${strangers.length > 3 ? ', …' : ''})` : ''}: choose an empty or new --out DIR`)
  }
  for (const n of names) await rm(path.join(dir, n), { force: true })
}

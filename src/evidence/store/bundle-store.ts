import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ObjectStore } from './object-store.js'
import { inPool } from './pool.js'

export const sha256Base64 = (data: Buffer): string => createHash('sha256').update(data).digest('base64')

export interface StoredBundle {
  objects: number
  bytes: number
  /** One line per object that was not stored, not confirmed or not locked; empty when all are. */
  problems: string[]
}

/** Parallel requests: enough to hide latency, few enough to stay polite to the endpoint. */
const PARALLEL = 8

/**
 * Copies every file of the bundle directory (the manifest, the files it lists, and any file
 * beside them such as the Sigstore bundle) to `prefix`, each object locked in COMPLIANCE mode
 * until `lockUntil` and sent with its sha256, which S3 checks against the bytes it received.
 * Then reads every object's retention back: the request asking for a lock proves nothing, only
 * what the store says it holds does. Never overwrites: a key that exists is a problem.
 */
export async function storeBundle(store: ObjectStore, dir: string, prefix: string, lockUntil: Date): Promise<StoredBundle> {
  const files = await bundleFiles(dir)
  const problems: string[] = []
  let bytes = 0
  const stored = await inPool(files, PARALLEL, async (rel) => {
    const key = prefix + rel
    const body = await readFile(path.join(dir, ...rel.split('/')))
    const checksum = sha256Base64(body)
    try {
      const put = await store.put(key, body, { lockUntil, checksumSha256: checksum, ifAbsent: true })
      bytes += body.length
      if (put.checksumSha256 !== checksum) problems.push(`${key}: the store did not confirm its sha256 (sent ${checksum}, confirmed ${put.checksumSha256 ?? 'none'})`)
      return key
    } catch (e) {
      problems.push(`${key}: not stored: ${(e as Error).message}`)
      return undefined
    }
  })
  await inPool(
    stored.filter((k): k is string => k !== undefined),
    PARALLEL,
    async (key) => {
      const problem = await lockProblem(store, key, lockUntil)
      if (problem) problems.push(problem)
    }
  )
  return { objects: files.length, bytes, problems: problems.sort() }
}

/** Why the object is not locked in COMPLIANCE mode until at least `until`; undefined when it is. */
export async function lockProblem(store: ObjectStore, key: string, until: Date): Promise<string | undefined> {
  try {
    const r = await store.retention(key)
    if (r.mode !== 'COMPLIANCE') return `${key}: not locked in COMPLIANCE mode (the store reports ${r.mode ? `mode ${r.mode}` : 'no retention'})`
    if (!r.until || r.until.getTime() < until.getTime()) return `${key}: locked only until ${r.until?.toISOString() ?? 'an unknown date'}, not ${until.toISOString()}`
    return undefined
  } catch (e) {
    return `${key}: its retention cannot be read back: ${(e as Error).message}`
  }
}

/** Every file under dir, relative, `/`-separated, sorted; anything but files and folders is refused. */
async function bundleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const rel = (e: { parentPath: string; name: string }): string => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/')
  const odd = entries.filter((e) => !e.isFile() && !e.isDirectory())
  if (odd.length > 0) throw new Error(`the bundle holds what is not a regular file: ${odd.map(rel).join(', ')}`)
  return entries.filter((e) => e.isFile()).map(rel).sort()
}

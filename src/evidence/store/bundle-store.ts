import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { bundleFiles } from '../bundle-files.js'
import type { ObjectStore } from './object-store.js'
import { inPool } from './pool.js'

export const sha256Base64 = (data: Buffer): string => createHash('sha256').update(data).digest('base64')

export interface StoredBundle {
  objects: number
  bytes: number
  /** One line per reason an object was not stored, not confirmed or not locked, naming the objects; empty when all are. */
  problems: string[]
}

/** Parallel requests: enough to hide latency, few enough to stay polite to the endpoint. */
const PARALLEL = 8

/**
 * Copies every file of the bundle (the manifest, the files it lists, and the Sigstore bundle
 * when there is one; never other files of evidence-dir: bundle-files.ts) to `prefix`, each object locked in COMPLIANCE mode
 * until `lockUntil` and sent with its sha256, which S3 checks against the bytes it received.
 * Then reads every object's retention back: the request asking for a lock proves nothing, only
 * what the store says it holds does. Never overwrites: a key that exists is a problem.
 */
export async function storeBundle(store: ObjectStore, dir: string, prefix: string, lockUntil: Date): Promise<StoredBundle> {
  const files = await bundleFiles(dir)
  const failed = new Map<string, string[]>()
  const fail = (reason: string, rel: string): void => void failed.set(reason, [...(failed.get(reason) ?? []), rel])
  let bytes = 0
  const stored = await inPool(files, PARALLEL, async (rel) => {
    const body = await readFile(path.join(dir, ...rel.split('/')))
    const checksum = sha256Base64(body)
    try {
      const put = await store.put(prefix + rel, body, { lockUntil, checksumSha256: checksum, ifAbsent: true })
      bytes += body.length
      if (put.checksumSha256 !== checksum) fail(`the store did not confirm the sha256 it was sent (confirmed ${put.checksumSha256 ?? 'none'})`, rel)
      return rel
    } catch (e) {
      fail(`not stored: ${(e as Error).message.replace(prefix + rel, '…')}`, rel)
      return undefined
    }
  })
  await inPool(
    stored.filter((r): r is string => r !== undefined),
    PARALLEL,
    async (rel) => {
      const problem = await lockProblem(store, prefix + rel, lockUntil)
      if (problem) fail(problem, rel)
    }
  )
  // One line per distinct reason, naming its files: a store that ignores locks fails every object alike.
  const problems = [...failed].map(([reason, rels]) => `${reason}: ${rels.sort().slice(0, 5).join(', ')}${rels.length > 5 ? ` and ${rels.length - 5} more` : ''}`)
  return { objects: files.length, bytes, problems: problems.sort() }
}

/** Why the object is not locked in COMPLIANCE mode until at least `until`; undefined when it is. */
export async function lockProblem(store: ObjectStore, key: string, until: Date): Promise<string | undefined> {
  try {
    const r = await store.retention(key)
    if (r.mode !== 'COMPLIANCE') return `not locked in COMPLIANCE mode (the store reports ${r.mode ? `mode ${r.mode}` : 'no retention'})`
    if (!r.until || r.until.getTime() < until.getTime()) return `locked only until ${r.until?.toISOString() ?? 'an unknown date'}, not ${until.toISOString()}`
    return undefined
  } catch (e) {
    return `its retention cannot be read back: ${(e as Error).message}`
  }
}

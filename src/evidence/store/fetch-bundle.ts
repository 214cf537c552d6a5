import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sha256Base64 } from './bundle-store.js'
import { laterWrites, type ObjectStore } from './object-store.js'
import { inPool } from './pool.js'

/**
 * Downloads every object under `prefix` into `dir` — each key's first version, the one written
 * under its lock — checking each against the sha256 the store kept with it. A later version or a
 * delete marker is a finding. A key that would land outside `dir` is refused, not written.
 */
export async function fetchBundle(store: ObjectStore, prefix: string, dir: string): Promise<{ files: number; findings: string[] }> {
  const keys = await store.history(prefix)
  const findings: string[] = []
  if (keys.length === 0) return { files: 0, findings: [`nothing is stored under ${prefix}`] }
  await inPool(keys, 8, async (h) => {
    const rel = h.key.slice(prefix.length)
    const parts = rel.split('/')
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
      findings.push(`${h.key}: not a bundle file name, not downloaded`)
      return
    }
    const later = laterWrites(h)
    if (later) findings.push(`${rel}: ${later}`)
    const original = h.versions[0]
    if (original === undefined) return
    const got = await store.get(h.key, original)
    if (!got) {
      findings.push(`${rel}: listed but cannot be read`)
      return
    }
    if (got.checksumSha256 === undefined) findings.push(`${rel}: the store keeps no sha256 checksum for it`)
    else if (got.checksumSha256 !== sha256Base64(got.body)) findings.push(`${rel}: its bytes do not match the checksum the store kept`)
    const full = path.join(dir, ...parts)
    await mkdir(path.dirname(full), { recursive: true })
    await writeFile(full, got.body)
  })
  return { files: keys.length, findings: findings.sort() }
}

import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ConfigError } from '../errors.js'
import { fetchBundle } from '../evidence/store/fetch-bundle.js'
import { entriesFor, entryName, walkLedger } from '../evidence/store/ledger.js'
import { ledgerPrefix, parseStoreUrl, storeUrlText } from '../evidence/store/location.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import { S3ObjectStore } from '../evidence/store/s3.js'
import { UsageError } from './args.js'

function open(url: string, env: NodeJS.ProcessEnv): { store: ObjectStore; prefix: string; bucket: string } {
  const parsed = parseStoreUrl(url)
  if (typeof parsed === 'string') throw new UsageError([`${url}: ${parsed}`])
  return { store: new S3ObjectStore(parsed.bucket, env), prefix: parsed.prefix, bucket: parsed.bucket }
}

/** The store cannot be read (credentials, network, permissions): nothing was checked, exit 2. */
async function reading<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (e) {
    throw ConfigError.at(url, `cannot read the evidence store: ${(e as Error).message}`)
  }
}

/**
 * `verify s3://BUCKET/PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/`: the stored bundle, downloaded to a
 * temporary directory with each object checked against its stored sha256 and its manifest
 * against the ledger entry of its run, for the local verify. undefined for a local DIR.
 */
export async function fetchStoredBundle(target: string, env: NodeJS.ProcessEnv): Promise<{ dir: string; findings: string[]; cleanup: () => Promise<void> } | undefined> {
  if (!target.startsWith('s3://')) return undefined
  const { store, prefix } = open(target, env)
  const dir = await mkdtemp(path.join(tmpdir(), 'sox-gate-stored-'))
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    const fetched = await reading(target, () => fetchBundle(store, prefix === '' ? '' : `${prefix}/`, dir))
    const recorded = await reading(target, () => ledgerFindings(store, prefix, dir))
    return { dir, findings: [...fetched.findings, ...recorded].map((f) => `stored: ${f}`), cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}

/** The stored bundle against the ledger: exactly one entry records its run, with its manifest's sha256. */
async function ledgerFindings(store: ObjectStore, prefix: string, dir: string): Promise<string[]> {
  const entries = await entriesFor(store, prefix)
  const manifest = await readFile(path.join(dir, 'manifest.json')).catch(() => undefined)
  if (!manifest) return []
  const hash = createHash('sha256').update(manifest).digest('hex')
  if (entries.length === 0) return [`no ledger entry records this run (${prefix.split('/').slice(-1)[0]} of ${prefix.split('/').slice(-2)[0]})`]
  return entries.filter((e) => e.manifestSha256 !== hash).map((e) => `ledger entry ${entryName(e.sequence)} records manifest sha256 ${e.manifestSha256}, but the stored manifest.json hashes to ${hash}`)
}

/** `ledger s3://BUCKET/PREFIX/OWNER/REPO`: walks the chain; 0 intact, 1 on any gap or break. */
export async function runLedger(url: string, io: { stdout: (s: string) => void; env: NodeJS.ProcessEnv }): Promise<number> {
  const { store, prefix, bucket } = open(url, io.env)
  const where = storeUrlText({ bucket, prefix: '' }, ledgerPrefix(prefix)) + '/'
  const walk = await reading(url, () => walkLedger(store, prefix))
  const entries = `${walk.entries} entr${walk.entries === 1 ? 'y' : 'ies'}`
  if (walk.entries === 0 && walk.findings.length === 0) walk.findings.push(`no ledger entries under ${where}`)
  for (const f of walk.findings) io.stdout(`${f}\n`)
  if (walk.findings.length > 0) {
    io.stdout(`BROKEN: ${walk.findings.length} finding${walk.findings.length === 1 ? '' : 's'} in the ledger ${where} (${entries})\n`)
    return 1
  }
  const h = walk.head
  const e = h?.entry
  io.stdout(`intact: ledger ${where}: ${entries}, head ${entryName(h?.sequence ?? 0)} sha256 ${h?.sha256}${e ? ` (${e.decision}, sha ${e.sha}, run ${e.run.id}-${e.run.attempt}, manifest sha256 ${e.manifestSha256})` : ''}\n`)
  return 0
}

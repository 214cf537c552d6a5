import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadChangeRecord } from '../change/load.js'
import type { ChangeRecord } from '../change/model.js'
import type { Manifest } from '../evidence/manifest.js'
import { ATTESTATION_FILE } from '../evidence/signature.js'
import { fetchBundle } from '../evidence/store/fetch-bundle.js'
import { laterWrites, type KeyHistory, type ObjectStore } from '../evidence/store/object-store.js'
import { verifyBundle } from '../evidence/verify.js'
import { validateChangeRecord, validateManifest } from '../schemas.js'
import type { EvidenceFact } from './model.js'
import { pullRequestFacts } from './pull-requests.js'
import type { QueryLog } from './query-log.js'

/** The objects stored under one bundle's key prefix PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/, by path within it. */
export interface BundleListing {
  prefix: string
  sha: string
  run: string
  objects: Map<string, KeyHistory>
}

/** Below this many bundles, each bundle's folder is listed on its own; above, the repository's folder is streamed once. */
const LIST_ONE_BY_ONE = 300
/** Bundles inspected at a time. */
const PARALLEL = 4

export type Level = 'full' | 'store'

/**
 * Inspects each bundle asked for (key prefix `PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT/` → the manifest
 * sha256 expected), at `level`, as the listing of its objects (every version) arrives: nothing
 * but the bundles asked for is kept, and of those only what the rows show. A bundle the store
 * does not hold is `missing`.
 */
export async function inspectBundles(store: ObjectStore, repoPrefix: string, needed: ReadonlyMap<string, string | null>, level: Level, where: (prefix: string) => string, log: QueryLog, progress?: (done: number) => void): Promise<Map<string, Inspected>> {
  const root = `${repoPrefix}/`
  const oneByOne = needed.size <= LIST_ONE_BY_ONE
  const record = log.start(`S3 ListObjectVersions${level === 'full' ? ', then every object' : ' + GetObject manifest.json and change.json'}: the bundles the deployments relied on`, { store: where(root), listing: oneByOne ? "each bundle's folder" : "the repository's folder, streamed", level })
  const results = new Map<string, Inspected>()
  const running = new Set<Promise<void>>()
  // The first store failure ends the audit (exit 2): a bundle that could not be read is no row.
  let failure: unknown
  const inspect = async (b: BundleListing): Promise<void> => {
    if (failure !== undefined) throw failure
    const p = inspectBundle(store, b, needed.get(b.prefix) ?? null, level, where(b.prefix)).then(
      (got) => {
        results.set(b.prefix, got)
        record.kept += 1
        progress?.(results.size)
      },
      (e: unknown) => {
        failure ??= e
      }
    )
    running.add(p)
    void p.then(() => running.delete(p))
    if (running.size >= PARALLEL) await Promise.race(running)
  }
  let current: BundleListing | undefined
  const take = async (h: KeyHistory): Promise<void> => {
    record.received += 1
    const [sha, run, ...rest] = h.key.slice(root.length).split('/')
    if (!sha || !run || rest.length === 0) return
    const prefix = `${root}${sha}/${run}/`
    if (current?.prefix !== prefix) {
      if (current && needed.has(current.prefix)) await inspect(current)
      current = { prefix, sha, run, objects: new Map() }
    }
    if (needed.has(prefix)) current.objects.set(rest.join('/'), h)
  }
  if (oneByOne) {
    for (const prefix of [...needed.keys()].sort()) {
      for await (const h of store.historyStream(prefix)) await take(h)
      record.pages += 1
    }
  } else {
    for await (const h of store.historyStream(root)) await take(h)
    record.pages = Math.ceil(record.received / 1000)
  }
  if (current && needed.has(current.prefix)) await inspect(current)
  await Promise.all(running)
  if (failure !== undefined) throw failure
  for (const prefix of needed.keys()) if (!results.has(prefix)) results.set(prefix, { fact: missing(where(prefix), 'nothing is stored under it'), manifestSha256: null, findings: [] })
  return results
}

function inspectBundle(store: ObjectStore, b: BundleListing, expected: string | null, level: Level, location: string): Promise<Inspected> {
  return level === 'full' ? inspectFull(store, b, expected, location) : inspectStored(store, b, expected, location)
}

export interface Inspected {
  fact: EvidenceFact
  /** sha256 of the stored manifest.json (first version), when it could be read. */
  manifestSha256: string | null
  findings: string[]
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')

/**
 * The store's checks of one bundle, for every row of the population: every object has exactly
 * the version its run wrote (no later version, no delete marker); manifest.json's sha256 is the
 * one the ledger entry (or check run) recorded; every file it lists is stored with its size, and
 * nothing else is; the manifest names the run its key names. change.json and manifest.json are
 * read for what the row shows. What this does not do — recompute every file's hash and
 * re-perform the decision — is `full`.
 */
export async function inspectStored(store: ObjectStore, b: BundleListing, expected: string | null, location: string): Promise<Inspected> {
  const findings: string[] = []
  for (const [rel, h] of b.objects) {
    const later = laterWrites(h)
    if (later) findings.push(`${rel}: ${later}`)
  }
  const manifestObject = b.objects.get('manifest.json')
  const firstVersion = manifestObject?.versions[0]
  const bytes = firstVersion === undefined ? undefined : await store.read(manifestObject?.key as string, firstVersion)
  if (!bytes) return { fact: missing(location, 'no manifest.json is stored under it'), manifestSha256: null, findings }
  const manifestSha256 = sha256(bytes)
  if (expected !== null && manifestSha256 !== expected) findings.push(`manifest.json: sha256 ${manifestSha256} is not the recorded ${expected}`)
  const manifest = parseManifest(bytes, findings)
  let change: ChangeRecord | undefined
  if (manifest) {
    const listed = new Map(manifest.files.map((f) => [f.path, f]))
    for (const f of manifest.files) {
      const h = b.objects.get(f.path)
      if (!h || h.versions.length === 0) findings.push(`missing: ${f.path}`)
      else if (h.firstSize !== undefined && h.firstSize !== f.size) findings.push(`changed: ${f.path} (stored ${h.firstSize} bytes, recorded ${f.size})`)
    }
    for (const rel of b.objects.keys()) if (rel !== 'manifest.json' && rel !== ATTESTATION_FILE && !listed.has(rel)) findings.push(`added: ${rel} (not in manifest.json)`)
    findings.push(...runFindings(manifest, b))
    const changeFile = manifest.change?.bundlePath
    const changeObject = changeFile ? b.objects.get(changeFile) : undefined
    if (changeFile && changeObject?.versions[0] !== undefined) {
      const text = await store.read(changeObject.key, changeObject.versions[0])
      const recorded = listed.get(changeFile)?.sha256
      if (text && recorded && sha256(text) !== recorded) findings.push(`changed: ${changeFile} (its sha256 is not the one manifest.json records)`)
      else if (text) change = parseChange(text, changeFile, findings)
    }
    findings.push(...keyFindings(change, b))
  }
  return { fact: describe(location, manifest, change, findings, 'store-checked', b.objects.has(ATTESTATION_FILE)), manifestSha256, findings }
}

/**
 * Every level of `sox-gate verify` on the stored bundle, as `verify s3://…` runs it: downloaded
 * object by object (each checked against the sha256 the store kept, later writes named), then
 * every file's hash, re-performance, re-rendering, the manifest's records, the run against the
 * change record, and the attestation's presence — with the manifest sha256 expected.
 */
export async function inspectFull(store: ObjectStore, b: BundleListing, expected: string | null, location: string): Promise<Inspected> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sox-gate-audit-'))
  try {
    const fetched = await fetchBundle(store, b.prefix, dir)
    const findings = fetched.findings.map((f) => `stored: ${f}`)
    const v = await verifyBundle(dir, expected === null ? {} : { expectSha256: expected })
    findings.push(...v.findings)
    const manifest = v.manifest
    if (!v.manifestSha256) return { fact: missing(location, 'no manifest.json is stored under it'), manifestSha256: null, findings }
    let change: ChangeRecord | undefined
    if (manifest) {
      findings.push(...runFindings(manifest, b))
      const changeFile = manifest.change?.bundlePath
      if (changeFile) change = parseChange(await readFile(path.join(dir, ...changeFile.split('/'))).catch(() => Buffer.alloc(0)), changeFile, [])
      findings.push(...keyFindings(change, b))
    }
    const unchecked = v.levels.filter((l) => l.status === 'not checked').map((l) => l.name)
    const fact = describe(location, manifest, change, findings, 'verified', b.objects.has(ATTESTATION_FILE))
    if (findings.length === 0) fact.detail = `every level of verify holds${unchecked.length ? ` (not checked: ${unchecked.join(', ')})` : ''}`
    return { fact, manifestSha256: v.manifestSha256, findings }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The manifest must name the run its key names: a bundle copied under another run's key is not that run's evidence. */
function runFindings(manifest: Manifest, b: BundleListing): string[] {
  const named = `${manifest.run.runId ?? '?'}-${manifest.run.runAttempt ?? '?'}`
  return named === b.run ? [] : [`manifest.json names run ${named}, but the bundle is stored under ${b.run}`]
}

/** The change record must be about the commit the key names: a bundle copied under another commit's key is not its evidence. */
function keyFindings(change: ChangeRecord | undefined, b: BundleListing): string[] {
  return change && change.sha !== b.sha ? [`change.json is about ${change.sha.slice(0, 7)}, but the bundle is stored under ${b.sha.slice(0, 7)}`] : []
}

function parseManifest(bytes: Buffer, findings: string[]): Manifest | undefined {
  try {
    const m = JSON.parse(bytes.toString('utf8')) as Manifest
    if (validateManifest(m)) return m
    findings.push(`manifest.json: not a sox-gate manifest (${(validateManifest.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')})`)
  } catch (e) {
    findings.push(`manifest.json: not JSON: ${(e as Error).message}`)
  }
  return undefined
}

/**
 * The bundle's change record: JSON and the schema, checked directly (a year of them is read);
 * only one that fails is read again by loadChangeRecord, for its positioned message.
 */
function parseChange(bytes: Buffer, file: string, findings: string[]): ChangeRecord | undefined {
  const text = bytes.toString('utf8')
  try {
    const data: unknown = JSON.parse(text)
    if (validateChangeRecord(data)) return data as unknown as ChangeRecord
  } catch {
    // told below, in loadChangeRecord's words
  }
  try {
    return loadChangeRecord(text, file)
  } catch (e) {
    findings.push(`${file}: not a change record: ${(e as Error).message.split('\n')[0]}`)
    return undefined
  }
}

export function missing(location: string, detail: string): EvidenceFact {
  return { location, status: 'missing', detail, attestation: '', emergency: null, pullRequests: [], evaluatedAt: null }
}

function describe(location: string, manifest: Manifest | undefined, change: ChangeRecord | undefined, findings: string[], ok: 'verified' | 'store-checked', attested: boolean): EvidenceFact {
  const detail = findings.length ? `${findings.length} finding${findings.length === 1 ? '' : 's'}: ${findings.slice(0, 3).join('; ')}${findings.length > 3 ? '; …' : ''}` : ok === 'store-checked' ? 'stored as written; manifest sha256 as recorded; files listed and sized as the manifest says (re-performed only with --verify all, or in the sample)' : ''
  return {
    location,
    status: findings.length ? 'not-intact' : ok,
    detail,
    attestation: attested ? 'yes' : 'no',
    emergency: manifest ? manifest.emergency === true : null,
    pullRequests: change ? pullRequestFacts(change) : [],
    evaluatedAt: manifest?.evaluatedAt ?? null
  }
}

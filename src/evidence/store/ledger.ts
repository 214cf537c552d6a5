import { createHash } from 'node:crypto'
import { stableJson } from '../stable-json.js'
import { ledgerKey, ledgerPrefix, sequenceOf } from './location.js'
import { KeyTaken, laterWrites, WriteConflict, type KeyHistory, type ObjectStore, type StoredObject } from './object-store.js'
import { inPool } from './pool.js'
import { lockProblem, sha256Base64 } from './bundle-store.js'

/** One run's line in the ledger (SPEC §11). `previous` chains it to the entry before. */
export interface LedgerEntry {
  sequence: number
  /** sha256 (hex) of the previous entry's bytes; null for the first entry. */
  previous: string | null
  manifestSha256: string
  decision: 'allow' | 'block'
  /** The evaluated commit: what the decision is about. */
  sha: string
  /** The deployment environment the decision was for; absent when the run named none (SPEC §13). */
  environment?: string
  /**
   * What the decision judged: `deployment`, what a push, dispatch or deployment ships (so an allow
   * may start the next range); `pull-request`, one pull request's head, which is not on the
   * branch it deploys from and vouches for no history. Absent in entries written before it was kept.
   */
  judged?: 'deployment' | 'pull-request'
  run: { id: string; attempt: string }
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
export const entryName = (sequence: number): string => String(sequence).padStart(12, '0')

/** Entries read ahead at a time by the walk. */
const WINDOW = 64

/** Losing the race this many times in a row means something other than a race. */
const MAX_ATTEMPTS = 100

/**
 * Appends one entry with a conditional write (`If-None-Match: *`): of two runs that take the same
 * number, S3 lets one win and answers the other 412, which then reads the winner's entry, chains
 * to it and tries the next number. So concurrent runs land with consecutive numbers, each
 * `previous` naming the bytes of the entry before it. The entry is locked like the bundle.
 */
export async function appendLedger(
  store: ObjectStore,
  repoPrefix: string,
  entry: Omit<LedgerEntry, 'sequence' | 'previous'>,
  lockUntil: Date
): Promise<{ sequence: number; key: string; problem?: string }> {
  const head = (await store.list(ledgerPrefix(repoPrefix))).reduce((max, k) => Math.max(max, sequenceOf(repoPrefix, k) ?? 0), 0)
  let sequence = head + 1
  let previous = head === 0 ? null : await entryHash(store, repoPrefix, head)
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const key = ledgerKey(repoPrefix, sequence)
    const body = Buffer.from(stableJson({ ...entry, sequence, previous } satisfies LedgerEntry))
    try {
      const put = await store.put(key, body, { lockUntil, checksumSha256: sha256Base64(body), ifAbsent: true })
      if (put.checksumSha256 !== sha256Base64(body)) return { sequence, key, problem: `the store did not confirm the sha256 it was sent (confirmed ${put.checksumSha256 ?? 'none'})` }
      return { sequence, key, problem: await lockProblem(store, key, lockUntil) }
    } catch (e) {
      if (e instanceof KeyTaken) {
        previous = await entryHash(store, repoPrefix, sequence)
        sequence += 1
      } else if (e instanceof WriteConflict) {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 200))
      } else throw e
    }
  }
  throw new Error(`could not append to the ledger at ${ledgerPrefix(repoPrefix)} after ${MAX_ATTEMPTS} attempts`)
}

async function entryHash(store: ObjectStore, repoPrefix: string, sequence: number): Promise<string> {
  const got = await store.get(ledgerKey(repoPrefix, sequence))
  if (!got) throw new Error(`ledger entry ${ledgerKey(repoPrefix, sequence)} is listed but cannot be read`)
  return sha256Hex(got.body)
}

export interface LedgerWalk {
  entries: number
  head?: { sequence: number; key: string; sha256: string; entry?: LedgerEntry }
  /** One line per gap, break or unreadable entry, naming it; empty when the chain is intact. */
  findings: string[]
}

/**
 * Walks the whole chain from entry 1, reading each entry's first version (the one written under
 * its lock): every number present, nothing written over or hidden, each entry's stored checksum
 * right, each entry well-formed with its own number, and each `previous` equal to the sha256 of
 * the entry before. Anything else is named as a finding.
 */
export async function walkLedger(store: ObjectStore, repoPrefix: string, onEntry?: (entry: LedgerEntry, stored: KeyHistory) => void): Promise<LedgerWalk> {
  const findings: string[] = []
  const bySequence = new Map<number, KeyHistory>()
  for (const h of await store.history(ledgerPrefix(repoPrefix))) {
    const seq = sequenceOf(repoPrefix, h.key)
    if (seq === undefined || seq === 0) findings.push(`${h.key}: not a ledger entry name (12 digits from 000000000001, then .json)`)
    else bySequence.set(seq, h)
  }
  const sequences = [...bySequence.keys()].sort((a, b) => a - b)
  let previousHash: string | undefined
  let expected = 1
  let head: LedgerWalk['head']
  // Read ahead in windows, in parallel; walk in order.
  const fetched = new Map<number, StoredObject | undefined>()
  for (const [i, seq] of sequences.entries()) {
    if (i % WINDOW === 0) {
      fetched.clear()
      const window = sequences.slice(i, i + WINDOW)
      const got = await inPool(window, 8, (n) => {
        const v = (bySequence.get(n) as KeyHistory).versions[0]
        return v === undefined ? Promise.resolve(undefined) : store.get((bySequence.get(n) as KeyHistory).key, v)
      })
      window.forEach((n, j) => fetched.set(n, got[j]))
    }
    const h = bySequence.get(seq) as KeyHistory
    const key = h.key
    const later = laterWrites(h)
    if (later) findings.push(`${entryName(seq)}: ${later}`)
    if (seq !== expected) {
      findings.push(`gap: ${expected === seq - 1 ? `entry ${entryName(expected)} is` : `entries ${entryName(expected)} to ${entryName(seq - 1)} are`} missing before ${entryName(seq)}`)
      previousHash = undefined
    }
    expected = seq + 1
    const got = fetched.get(seq)
    if (!got) {
      if (h.versions.length > 0) findings.push(`${entryName(seq)}: listed but cannot be read`)
      previousHash = undefined
      continue
    }
    const hash = sha256Hex(got.body)
    if (got.checksumSha256 === undefined) findings.push(`${entryName(seq)}: the store keeps no sha256 checksum for it`)
    else if (got.checksumSha256 !== sha256Base64(got.body)) findings.push(`${entryName(seq)}: its bytes do not match the checksum the store kept`)
    const entry = parseEntry(got.body)
    if (typeof entry === 'string') findings.push(`${entryName(seq)}: ${entry}`)
    else {
      onEntry?.(entry, h)
      if (entry.sequence !== seq) findings.push(`${entryName(seq)}: says it is entry ${entry.sequence}`)
      if (seq === 1 && entry.previous !== null) findings.push(`${entryName(seq)}: the first entry names a previous one (${entry.previous})`)
      if (seq > 1 && previousHash !== undefined && entry.previous !== previousHash) {
        findings.push(`break: ${entryName(seq)}: previous is ${entry.previous ?? 'null'}, but entry ${entryName(seq - 1)} hashes to ${previousHash}`)
      }
    }
    previousHash = hash
    head = { sequence: seq, key, sha256: hash, entry: typeof entry === 'string' ? undefined : entry }
  }
  return { entries: sequences.length, head, findings }
}

/** A ledger entry's bytes as an entry, or what is wrong with them. */
export function parseEntry(body: Buffer): LedgerEntry | string {
  let v: unknown
  try {
    v = JSON.parse(body.toString('utf8'))
  } catch (e) {
    return `not JSON: ${(e as Error).message}`
  }
  const o = v as Record<string, unknown>
  if (typeof o !== 'object' || o === null) return 'not a JSON object'
  const run = o.run as Record<string, unknown> | undefined
  if (!Number.isInteger(o.sequence)) return 'sequence is not a whole number'
  if (o.previous !== null && !(typeof o.previous === 'string' && /^[0-9a-f]{64}$/.test(o.previous))) return 'previous is neither null nor a sha256'
  if (!(typeof o.manifestSha256 === 'string' && /^[0-9a-f]{64}$/.test(o.manifestSha256))) return 'manifestSha256 is not a sha256'
  if (o.decision !== 'allow' && o.decision !== 'block') return 'decision is neither allow nor block'
  if (typeof o.sha !== 'string' || typeof run !== 'object' || run === null || typeof run.id !== 'string' || typeof run.attempt !== 'string') return 'sha or run is missing'
  if (o.environment !== undefined && (typeof o.environment !== 'string' || o.environment === '')) return 'environment is not a name'
  if (o.judged !== undefined && o.judged !== 'deployment' && o.judged !== 'pull-request') return 'judged is neither deployment nor pull-request'
  return o as unknown as LedgerEntry
}

/**
 * Which ledger entries record the bundle stored at `PREFIX/OWNER/REPO/SHA/RUN-ATTEMPT` (given as
 * its key prefix without the trailing `/`): the entries whose `sha` and run match, read from
 * their locked first versions. A bundle that no entry records, or whose manifest hashes
 * differently from its entry, was not stored the way a run stores it.
 */
export async function entriesFor(store: ObjectStore, bundleKeyPrefix: string): Promise<LedgerEntry[]> {
  const parts = bundleKeyPrefix.split('/')
  const [sha, run] = parts.slice(-2)
  const repoPrefix = parts.slice(0, -2).join('/')
  const found: LedgerEntry[] = []
  if (!sha || !run) return found
  await walkLedger(store, repoPrefix, (e) => {
    if (e.sha === sha && `${e.run.id}-${e.run.attempt}` === run) found.push(e)
  })
  return found
}

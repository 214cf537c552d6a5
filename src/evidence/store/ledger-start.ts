import type { LedgerStart } from '../../change/model.js'
import { sha256Base64 } from './bundle-store.js'
import { entryName, parseEntry, sha256Hex } from './ledger.js'
import { ledgerKey, ledgerPrefix, sequenceOf } from './location.js'
import { laterWrites, type KeyHistory, type ObjectStore } from './object-store.js'
import { inPool } from './pool.js'

/** Entries read back from the head, at most, before the search gives up (the deployments are read then). */
export const LEDGER_START_READS = 1000
/** Entries read at a time, walking back. */
const WINDOW = 16

export interface LedgerSearch {
  /** PREFIX/OWNER/REPO/ledger/ */
  prefix: string
  entriesRead: number
  entry?: LedgerStart
  /** What was found, in words, for the reasons. */
  note: string
}

/** The ledger cannot vouch for any start: a gap, a break, a rewrite or an unreadable entry between its head and the start. */
export class LedgerUnsound extends Error {}

/**
 * The range start the gate itself wrote (SPEC §13): walking back from the ledger's head, the
 * newest entry that allowed a deployment to `environment` (`decision: allow`, `judged:
 * deployment`). Every entry from the head down to it is read as first written (its locked
 * version) and checked: its number is there, nothing was written over it or hidden, its bytes
 * match the checksum the store kept, it is well formed, and the next entry's `previous` is its
 * sha256. Any finding throws LedgerUnsound, naming it: a start behind a broken chain is not a
 * fact the gate can be shown to have written. Entries older than the start are not read here
 * (`sox-gate ledger` walks the whole chain).
 */
export async function newestAllowed(store: ObjectStore, repoPrefix: string, environment: string, limit = LEDGER_START_READS): Promise<LedgerSearch> {
  const prefix = ledgerPrefix(repoPrefix)
  const bySequence = new Map<number, KeyHistory>()
  for (const h of await store.history(prefix)) {
    const seq = sequenceOf(repoPrefix, h.key)
    if (seq !== undefined && seq > 0) bySequence.set(seq, h)
  }
  const head = Math.max(0, ...bySequence.keys())
  const unsound = (finding: string): LedgerUnsound => new LedgerUnsound(`the ledger ${prefix} cannot show where the last allowed deployment to ${environment} was: ${finding}`)
  let read = 0
  let nextPrevious: string | null | undefined
  const passedOver: string[] = []
  /** An entry's first version, after the checks that need no other entry. */
  const readChecked = async (seq: number): Promise<Buffer> => {
    const h = bySequence.get(seq)
    if (!h) throw unsound(`entry ${entryName(seq)} is missing (a gap below the head ${entryName(head)})`)
    const later = laterWrites(h)
    if (later) throw unsound(`entry ${entryName(seq)} was ${later}`)
    const first = h.versions[0]
    const stored = first === undefined ? undefined : await store.get(h.key, first)
    if (!stored) throw unsound(`entry ${entryName(seq)} is listed but cannot be read`)
    if (stored.checksumSha256 === undefined) throw unsound(`the store keeps no sha256 checksum for entry ${entryName(seq)}`)
    if (stored.checksumSha256 !== sha256Base64(stored.body)) throw unsound(`entry ${entryName(seq)}'s bytes do not match the sha256 checksum the store kept`)
    return stored.body
  }
  const linkBroken = (seq: number, previous: string | null, hash: string): LedgerUnsound => unsound(`break: entry ${entryName(seq + 1)} names previous ${previous ?? 'null'}, but entry ${entryName(seq)} hashes to ${hash}`)
  for (let top = head; top >= 1 && read < limit; top -= WINDOW) {
    const window = Array.from({ length: Math.min(WINDOW, top, limit - read) }, (_, i) => top - i)
    const bodies = await inPool(window, 8, readChecked)
    for (const [i, seq] of window.entries()) {
      const body = bodies[i] as Buffer
      read++
      const entry = parseEntry(body)
      if (typeof entry === 'string') throw unsound(`entry ${entryName(seq)}: ${entry}`)
      if (entry.sequence !== seq) throw unsound(`entry ${entryName(seq)} says it is entry ${entry.sequence}`)
      const hash = sha256Hex(body)
      if (nextPrevious !== undefined && nextPrevious !== hash) throw linkBroken(seq, nextPrevious, hash)
      if (seq === 1 && entry.previous !== null) throw unsound(`the first entry names a previous one (${entry.previous})`)
      nextPrevious = entry.previous
      if (entry.decision !== 'allow' || entry.environment?.toLowerCase() !== environment.toLowerCase()) continue
      if (entry.judged !== 'deployment') {
        passedOver.push(`${entryName(seq)} (${entry.judged === 'pull-request' ? 'a pull request\'s head, not a deployment' : 'written before the ledger said what a decision judged'})`)
        continue
      }
      if (!/^[0-9a-f]{40}$/.test(entry.sha)) throw unsound(`entry ${entryName(seq)} names no commit sha (${entry.sha})`)
      // Its own link too: an entry that does not chain to the one below it was not appended the way a run appends.
      if (seq > 1) {
        const below = sha256Hex(await readChecked(seq - 1))
        if (entry.previous !== below) throw linkBroken(seq - 1, entry.previous, below)
      }
      const start: LedgerStart = { key: ledgerKey(repoPrefix, seq), sequence: seq, sha256: hash, sha: entry.sha, environment: entry.environment, decision: 'allow', judged: 'deployment', manifestSha256: entry.manifestSha256, run: entry.run }
      const chained = seq === head ? 'the head' : `chained to the head ${entryName(head)} (${head - seq + 1} entries checked)`
      return { prefix, entriesRead: read, entry: start, note: `ledger entry ${entryName(seq)}, ${chained}, allowed run ${entry.run.id}-${entry.run.attempt} to deploy ${entry.sha.slice(0, 7)} to ${entry.environment}${passed(passedOver)}` }
    }
  }
  const where = head === 0 ? `the ledger ${prefix} has no entries yet` : read >= limit && read < head ? `none of the latest ${read} entries of the ledger ${prefix} allowed a deployment to ${environment}` : `no entry of the ledger ${prefix} (${head}) allowed a deployment to ${environment}`
  return { prefix, entriesRead: read, note: `${where}${passed(passedOver)}` }
}

const passed = (list: string[]): string => (list.length ? `; passed over: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}` : '')

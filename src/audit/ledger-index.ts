import { walkLedger } from '../evidence/store/ledger.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import type { LedgerFact } from './model.js'
import { count, type QueryLog } from './query-log.js'

export interface LedgerIndex {
  /** Every readable entry, by the commit it decided on, in sequence order. */
  bySha: Map<string, LedgerFact[]>
  entries: number
  /** The walk's findings (gaps, breaks, entries written over or hidden): each is a `ledger-gap` exception. */
  findings: string[]
  /** Entries the store wrote within [from, to), by decision and environment: what the population must reconcile with. */
  inPeriod: { allow: number; block: number; forEnvironment: number }
}

/**
 * The whole hash chain of one repository's ledger, walked from entry 1 exactly as `sox-gate
 * ledger` walks it, indexed by commit. Each entry's time is the store's LastModified of its first
 * version: S3 sets it, the writer cannot.
 */
export async function readLedger(store: ObjectStore, repoPrefix: string, where: string, period: { from: Date; to: Date; environment: string }, log: QueryLog): Promise<LedgerIndex> {
  const record = log.start('S3 ListObjectVersions + GetObject: the ledger, walked from entry 1', { ledger: where })
  const bySha = new Map<string, LedgerFact[]>()
  const from = period.from.toISOString()
  const to = period.to.toISOString()
  const inPeriod = { allow: 0, block: 0, forEnvironment: 0 }
  const walk = await walkLedger(store, repoPrefix, (e, stored) => {
    const at = stored.firstWritten ? new Date(stored.firstWritten).toISOString() : null
    const fact: LedgerFact = { sequence: e.sequence, decision: e.decision, sha: e.sha, ...(e.environment ? { environment: e.environment } : {}), manifestSha256: e.manifestSha256, run: { id: e.run.id, attempt: e.run.attempt }, at }
    const list = bySha.get(e.sha) ?? []
    list.push(fact)
    bySha.set(e.sha, list)
    count(record, e.decision)
    record.received += 1
    if (at !== null && at >= from && at < to) {
      inPeriod[e.decision] += 1
      if (e.environment === period.environment) inPeriod.forEnvironment += 1
    }
  })
  record.pages = Math.ceil(walk.entries / 1000)
  record.kept = record.received
  return { bySha, entries: walk.entries, findings: walk.findings.map((f) => `${where}: ${f}`), inPeriod }
}

/**
 * Every query the audit made, for audit.json (SPEC §14, completeness and accuracy): what was asked
 * (endpoint and parameters), how many pages it took, and what came back, counted by status.
 * Recorded in the order the queries were made, which the same answers always repeat.
 */
export interface QueryRecord {
  endpoint: string
  parameters: Record<string, string | number | boolean | null>
  pages: number
  /** Items received, by status (deployment state, check run conclusion, ledger decision…). */
  counts: Record<string, number>
  /** Items received in all, and how many of them the audit kept (e.g. in the period). */
  received: number
  kept: number
}

export class QueryLog {
  readonly queries: QueryRecord[] = []

  /** A query about to be paged through: the record is filled as pages arrive. */
  start(endpoint: string, parameters: QueryRecord['parameters']): QueryRecord {
    const r: QueryRecord = { endpoint, parameters, pages: 0, counts: {}, received: 0, kept: 0 }
    this.queries.push(r)
    return r
  }
}

export function count(r: QueryRecord, status: string, n = 1): void {
  r.counts[status] = (r.counts[status] ?? 0) + n
}

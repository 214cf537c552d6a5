/**
 * Where things live in the write-once store (SPEC §11): one layout, used by the action that
 * writes and by the CLI that reads, so the two can never disagree about a key.
 *
 *   PREFIX/OWNER/REPO/SHA/RUN_ID-ATTEMPT/<bundle file>   the bundle, file by file
 *   PREFIX/OWNER/REPO/ledger/<sequence, 12 digits>.json  the hash-chained ledger
 */

export interface StoreUrl {
  bucket: string
  /** Key prefix without leading or trailing `/`; empty for the bucket's root. */
  prefix: string
}

/** S3's bucket naming rules (general purpose buckets): 3–63 of a-z 0-9 . -, starting and ending alphanumeric. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** `s3://BUCKET[/PREFIX][/]` → bucket and prefix; a message saying what is wrong otherwise. */
export function parseStoreUrl(url: string): StoreUrl | string {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url)
  if (!m) return `must be s3://BUCKET/PREFIX, not "${url}"`
  const bucket = m[1] as string
  if (!BUCKET.test(bucket) || bucket.includes('..')) return `"${bucket}" is not an S3 bucket name (3-63 characters: a-z, 0-9, dots and dashes)`
  const prefix = (m[2] ?? '').replace(/\/+$/, '')
  if (prefix !== '' && prefix.split('/').some((part) => part === '' || part === '.' || part === '..')) return `the prefix "${prefix}" has an empty, "." or ".." part`
  return { bucket, prefix }
}

export function storeUrlText(s: StoreUrl, ...parts: string[]): string {
  return `s3://${[s.bucket, ...joinKey(s.prefix, ...parts).split('/')].filter(Boolean).join('/')}`
}

/** Joins key parts with single `/`, skipping empty ones. */
export function joinKey(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/')
}

export interface RunLocation {
  owner: string
  repo: string
  sha: string
  runId: string
  attempt: string
}

/** `PREFIX/OWNER/REPO/SHA/RUN_ID-ATTEMPT/` (with the trailing `/`). */
export function bundlePrefix(store: StoreUrl, run: RunLocation): string {
  return joinKey(store.prefix, run.owner, run.repo, run.sha, `${run.runId}-${run.attempt}`) + '/'
}

/** `PREFIX/OWNER/REPO/ledger/` (with the trailing `/`); `repoPrefix` is PREFIX/OWNER/REPO. */
export function ledgerPrefix(repoPrefix: string): string {
  return joinKey(repoPrefix, 'ledger') + '/'
}

export const SEQUENCE_DIGITS = 12

export function ledgerKey(repoPrefix: string, sequence: number): string {
  return `${ledgerPrefix(repoPrefix)}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}.json`
}

/** The sequence number a ledger key names, or undefined when the key is not a ledger entry. */
export function sequenceOf(repoPrefix: string, key: string): number | undefined {
  const name = key.startsWith(ledgerPrefix(repoPrefix)) ? key.slice(ledgerPrefix(repoPrefix).length) : ''
  const m = /^(\d{12})\.json$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/**
 * The little of S3 that the evidence store uses, as an interface: the bundle and ledger code
 * talk to this, and `s3.ts` is its one real implementation (tests serve it a local S3).
 */
export interface PutOptions {
  /** S3 Object Lock in COMPLIANCE mode until this instant. */
  lockUntil: Date
  /** The body's sha256, base64 (`ChecksumSHA256`): the store refuses a body that does not match. */
  checksumSha256: string
  /** Write only if no object has this key (`If-None-Match: *`). */
  ifAbsent: boolean
}

export interface Retention {
  mode?: string
  until?: Date
}

export interface StoredObject {
  body: Buffer
  /** The checksum the store kept with the object (base64 sha256), when it has one. */
  checksumSha256?: string
}

/** What the store holds under one key: an honest writer leaves exactly one version and no delete marker. */
export interface KeyHistory {
  key: string
  /** Version ids, oldest first: the first is the one written with its lock, which nothing can remove. */
  versions: string[]
  deleteMarkers: number
  /** When the store wrote the first version (its LastModified, ISO-8601), and its size: the store's word, not the writer's. */
  firstWritten?: string
  firstSize?: number
}

export interface ObjectStore {
  /** Returns the checksum the store confirmed (base64 sha256), if it confirmed one. */
  put(key: string, body: Buffer, options: PutOptions): Promise<{ checksumSha256?: string }>
  /** The current version, or the given one; undefined when there is no such object. */
  get(key: string, versionId?: string): Promise<StoredObject | undefined>
  retention(key: string): Promise<Retention>
  /** Every key under the prefix, in the store's (lexicographic) order. */
  list(prefix: string): Promise<string[]>
  /** Every key under the prefix with all its versions (ListObjectVersions), sorted by key. */
  history(prefix: string): Promise<KeyHistory[]>
  /** The same, key by key as the listing's pages arrive, so a large prefix is never held whole. */
  historyStream(prefix: string): AsyncGenerator<KeyHistory>
  /** One version's bytes (a GET, no HEAD): for readers that bind the bytes by a hash of their own. */
  read(key: string, versionId: string): Promise<Buffer | undefined>
}

/** Another writer holds the key (`412 PreconditionFailed` on a conditional write). */
export class KeyTaken extends Error {}

/** A concurrent conditional write on the same key (`409 ConditionalRequestConflict`): try again. */
export class WriteConflict extends Error {}

/**
 * Object Lock protects versions, not keys: anyone allowed s3:PutObject can still put a new
 * version over a locked one, or hide it under a delete marker. Readers therefore read the first
 * version (the locked original) and report anything written after it.
 */
export function laterWrites(h: KeyHistory): string | undefined {
  const parts: string[] = []
  if (h.versions.length > 1) parts.push(`written over ${h.versions.length - 1} time${h.versions.length === 2 ? '' : 's'} after it was stored`)
  if (h.deleteMarkers > 0) parts.push(`hidden by ${h.deleteMarkers} delete marker${h.deleteMarkers === 1 ? '' : 's'}`)
  if (parts.length === 0) return undefined
  return `${parts.join(' and ')}${h.versions.length > 0 ? '; its first version is the one checked' : ''}`
}

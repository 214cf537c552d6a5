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

export interface ObjectStore {
  /** Returns the checksum the store confirmed (base64 sha256), if it confirmed one. */
  put(key: string, body: Buffer, options: PutOptions): Promise<{ checksumSha256?: string }>
  /** undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>
  retention(key: string): Promise<Retention>
  /** Every key under the prefix, in the store's (lexicographic) order. */
  list(prefix: string): Promise<string[]>
}

/** Another writer holds the key (`412 PreconditionFailed` on a conditional write). */
export class KeyTaken extends Error {}

/** A concurrent conditional write on the same key (`409 ConditionalRequestConflict`): try again. */
export class WriteConflict extends Error {}

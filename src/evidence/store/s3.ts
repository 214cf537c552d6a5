import { GetObjectCommand, GetObjectRetentionCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { KeyTaken, WriteConflict, type KeyHistory, type ObjectStore, type PutOptions, type Retention, type StoredObject } from './object-store.js'

/**
 * The evidence store on S3 (or an S3-compatible service) through the AWS SDK, which itself reads
 * the standard credential chain (environment, shared config and SSO, web identity as
 * aws-actions/configure-aws-credentials leaves it, container and instance roles), the region
 * (AWS_REGION, else the profile's; not AWS_DEFAULT_REGION) and an endpoint override (AWS_ENDPOINT_URL_S3,
 * then AWS_ENDPOINT_URL). Only path-style addressing is ours to decide: S3-compatible servers
 * reached through an endpoint override rarely answer virtual-hosted bucket names.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client

  constructor(
    private readonly bucket: string,
    env: NodeJS.ProcessEnv = process.env
  ) {
    const overridden = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
    // Response checksums are checked here, not by the SDK: a mismatch is a finding to report, not an exception.
    this.client = new S3Client({ forcePathStyle: overridden, maxAttempts: 5, responseChecksumValidation: 'WHEN_REQUIRED' })
  }

  async put(key: string, body: Buffer, o: PutOptions): Promise<{ checksumSha256?: string }> {
    try {
      const res = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: o.checksumSha256,
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: o.lockUntil,
          ...(o.ifAbsent ? { IfNoneMatch: '*' } : {})
        })
      )
      return { checksumSha256: res.ChecksumSHA256 }
    } catch (e) {
      if (status(e) === 412) throw new KeyTaken(`s3://${this.bucket}/${key} exists already`)
      if (status(e) === 409) throw new WriteConflict(`s3://${this.bucket}/${key}: a concurrent write, try again`)
      throw described(e, `PutObject s3://${this.bucket}/${key}`)
    }
  }

  /** HEAD for the checksum S3 kept, then GET for the bytes; the caller compares the two. */
  async get(key: string, versionId?: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }))
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }))
      const body = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array())
      return { body, checksumSha256: head.ChecksumSHA256 }
    } catch (e) {
      if (status(e) === 404) return undefined
      throw described(e, `GetObject s3://${this.bucket}/${key}`)
    }
  }

  async retention(key: string): Promise<Retention> {
    try {
      const res = await this.client.send(new GetObjectRetentionCommand({ Bucket: this.bucket, Key: key }))
      return { mode: res.Retention?.Mode, until: res.Retention?.RetainUntilDate }
    } catch (e) {
      // S3's answer for an object that has no retention: it is simply not locked.
      if (e instanceof S3ServiceException && e.name === 'NoSuchObjectLockConfiguration') return {}
      throw described(e, `GetObjectRetention s3://${this.bucket}/${key}`)
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let token: string | undefined
    try {
      do {
        const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }))
        for (const o of res.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key)
        token = res.IsTruncated ? res.NextContinuationToken : undefined
        if (res.IsTruncated && !token) throw new Error('the listing is truncated but gives no continuation token')
      } while (token)
    } catch (e) {
      throw described(e, `ListObjectsV2 s3://${this.bucket}/${prefix}`)
    }
    return keys
  }

  async history(prefix: string): Promise<KeyHistory[]> {
    const byKey = new Map<string, KeyHistory>()
    const of = (key: string): KeyHistory => byKey.get(key) ?? (byKey.set(key, { key, versions: [], deleteMarkers: 0 }).get(key) as KeyHistory)
    let keyMarker: string | undefined
    let versionMarker: string | undefined
    try {
      do {
        const res = await this.client.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }))
        // S3 lists each key's versions newest first; kept here oldest first.
        for (const v of res.Versions ?? []) if (v.Key !== undefined && v.VersionId !== undefined) of(v.Key).versions.unshift(v.VersionId)
        for (const m of res.DeleteMarkers ?? []) if (m.Key !== undefined) of(m.Key).deleteMarkers += 1
        keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined
        versionMarker = res.IsTruncated ? res.NextVersionIdMarker : undefined
        if (res.IsTruncated && !keyMarker) throw new Error('the listing is truncated but gives no next marker')
      } while (keyMarker)
    } catch (e) {
      throw described(e, `ListObjectVersions s3://${this.bucket}/${prefix}`)
    }
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }
}

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
}

/** One line naming the operation, the S3 error code and its message (no stack, no XML). */
function described(e: unknown, what: string): Error {
  if (e instanceof S3ServiceException) return new Error(`${what}: ${e.name}${status(e) ? ` (HTTP ${status(e)})` : ''}: ${e.message}`)
  return new Error(`${what}: ${(e as Error).message}`)
}

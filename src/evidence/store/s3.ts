import type { S3Client } from '@aws-sdk/client-s3'
import { cjsExports } from '../../lazy-import.js'
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
  private readonly overridden: boolean
  private connected: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined

  constructor(
    private readonly bucket: string,
    env: NodeJS.ProcessEnv = process.env
  ) {
    this.overridden = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
  }

  /** The SDK and a client, made on the first request. */
  private connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    this.connected ??= s3Sdk().then((sdk) => ({
      sdk,
      // Response checksums are checked here, not by the SDK: a mismatch is a finding to report, not an exception.
      client: new sdk.S3Client({ forcePathStyle: this.overridden, maxAttempts: 5, responseChecksumValidation: 'WHEN_REQUIRED' })
    }))
    return this.connected
  }

  async put(key: string, body: Buffer, o: PutOptions): Promise<{ checksumSha256?: string }> {
    try {
      const { sdk, client } = await this.connect()
      const res = await client.send(
        new sdk.PutObjectCommand({
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

  /**
   * The bytes and the checksum S3 kept, for the caller to compare. One GET in checksum mode gives
   * both; when the SDK finds they differ it throws instead of handing the bytes over, so the
   * object is read again as HEAD (the checksum) and a plain GET (the bytes): the caller then
   * names the mismatch as a finding, as it would for any other.
   */
  async get(key: string, versionId?: string): Promise<StoredObject | undefined> {
    try {
      const { sdk, client } = await this.connect()
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }))
        const body = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array())
        return { body, checksumSha256: res.ChecksumSHA256 }
      } catch (e) {
        if (!/^Checksum mismatch/.test((e as Error).message ?? '')) throw e
      }
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }))
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }))
      const body = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array())
      return { body, checksumSha256: head.ChecksumSHA256 }
    } catch (e) {
      if (status(e) === 404) return undefined
      throw described(e, `GetObject s3://${this.bucket}/${key}`)
    }
  }

  async retention(key: string): Promise<Retention> {
    try {
      const { sdk, client } = await this.connect()
      const res = await client.send(new sdk.GetObjectRetentionCommand({ Bucket: this.bucket, Key: key }))
      return { mode: res.Retention?.Mode, until: res.Retention?.RetainUntilDate }
    } catch (e) {
      // S3's answer for an object that has no retention: it is simply not locked.
      if (isServiceException(e) && e.name === 'NoSuchObjectLockConfiguration') return {}
      throw described(e, `GetObjectRetention s3://${this.bucket}/${key}`)
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let token: string | undefined
    try {
      const { sdk, client } = await this.connect()
      do {
        const res = await client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }))
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
    const all: KeyHistory[] = []
    for await (const h of this.historyStream(prefix)) all.push(h)
    return all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  /**
   * ListObjectVersions page by page. S3 lists keys in order and each key's versions newest first,
   * and a key's versions may run on into the next page: a key is handed on only once a later key
   * (or the end) shows it is complete.
   */
  async *historyStream(prefix: string): AsyncGenerator<KeyHistory> {
    let keyMarker: string | undefined
    let versionMarker: string | undefined
    let open: KeyHistory | undefined
    const of = (key: string): { h: KeyHistory; done?: KeyHistory } => {
      if (open?.key === key) return { h: open }
      const done = open
      open = { key, versions: [], deleteMarkers: 0 }
      return { h: open, done }
    }
    let connected: { sdk: S3Sdk; client: S3Client }
    try {
      connected = await this.connect()
    } catch (e) {
      throw described(e, `ListObjectVersions s3://${this.bucket}/${prefix}`)
    }
    const { sdk, client } = connected
    do {
      let res
      try {
        res = await client.send(new sdk.ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }))
      } catch (e) {
        throw described(e, `ListObjectVersions s3://${this.bucket}/${prefix}`)
      }
      // Versions and delete markers come in two lists; merged back into key order here.
      const items = [...(res.Versions ?? []).map((v) => ({ key: v.Key, v })), ...(res.DeleteMarkers ?? []).map((m) => ({ key: m.Key, m }))]
        .filter((x): x is typeof x & { key: string } => x.key !== undefined)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      for (const item of items) {
        const { h, done } = of(item.key)
        if (done) yield done
        if ('m' in item) h.deleteMarkers += 1
        else if (item.v.VersionId !== undefined) {
          // S3 lists each key's versions newest first; kept here oldest first.
          h.versions.unshift(item.v.VersionId)
          h.firstWritten = item.v.LastModified?.toISOString()
          h.firstSize = item.v.Size
        }
      }
      keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined
      versionMarker = res.IsTruncated ? res.NextVersionIdMarker : undefined
      if (res.IsTruncated && !keyMarker) throw new Error(`ListObjectVersions s3://${this.bucket}/${prefix}: the listing is truncated but gives no next marker`)
    } while (keyMarker)
    if (open) yield open
  }

  async read(key: string, versionId: string): Promise<Buffer | undefined> {
    try {
      const { sdk, client } = await this.connect()
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }))
      return Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array())
    } catch (e) {
      if (status(e) === 404) return undefined
      throw described(e, `GetObject s3://${this.bucket}/${key}`)
    }
  }
}

type S3Sdk = typeof import('@aws-sdk/client-s3')
let sdkLoaded: S3Sdk | undefined

/** The AWS SDK is large: loaded on the first request, so a run that stores nothing never pays for it. */
async function s3Sdk(): Promise<S3Sdk> {
  sdkLoaded ??= cjsExports(await import('@aws-sdk/client-s3'), 'S3Client')
  return sdkLoaded
}

/** An error S3 answered with; only an SDK that was loaded can have raised one. */
function isServiceException(e: unknown): e is Error {
  return sdkLoaded !== undefined && e instanceof sdkLoaded.S3ServiceException
}

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
}

/** One line naming the operation, the S3 error code and its message (no stack, no XML). */
function described(e: unknown, what: string): Error {
  if (isServiceException(e)) return new Error(`${what}: ${e.name}${status(e) ? ` (HTTP ${status(e)})` : ''}: ${e.message}`)
  return new Error(`${what}: ${(e as Error).message}`)
}

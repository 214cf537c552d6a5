import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * How a bucket treats Object Lock:
 * - `enabled`: as S3 with Object Lock (and so versioning) enabled.
 * - `disabled`: a bucket created without Object Lock: a PUT asking for a lock is refused
 *   (400 InvalidRequest), as S3 refuses it.
 * - `ignored`: a store that says yes and does nothing (some S3-compatible services): the PUT
 *   succeeds, no retention is kept; only reading it back shows it.
 * - `shortened`: keeps a COMPLIANCE lock, but only until one day after the server started.
 * - `governance`: keeps the date but in GOVERNANCE mode, which a privileged user can lift.
 */
export type LockBehaviour = 'enabled' | 'disabled' | 'ignored' | 'shortened' | 'governance'

export interface FakeS3Options {
  buckets: Record<string, LockBehaviour>
  /** ListObjectsV2 pages at most this many keys (S3: 1000), so clients must follow continuation tokens. */
  pageSize?: number
  /**
   * Hold the first `n` listings of a ledger folder until all `n` have arrived, then answer them
   * together: every run sees the same head, so their conditional writes really collide.
   */
  ledgerListBarrier?: number
}

export interface Version {
  versionId: string
  body: Buffer
  /** x-amz-checksum-sha256 as received and verified (base64). */
  checksumSha256?: string
  mode?: string
  until?: Date
  deleteMarker: boolean
  lastModified: Date
  etag: string
}

export interface FakeS3Call {
  method: string
  bucket: string
  key: string
  query: string
  status: number
  code?: string
  headers: Record<string, string | string[] | undefined>
}

export interface FakeS3 {
  /** The endpoint for AWS_ENDPOINT_URL_S3. */
  url: string
  calls: FakeS3Call[]
  /** The current version of each key that is not deleted, by key. */
  objects(bucket: string): Map<string, Version>
  /** Every version of a key, oldest first. */
  versions(bucket: string, key: string): Version[]
  /** Storage-level tampering, under the API: the current version's bytes change, its stored checksum does not. */
  corrupt(bucket: string, key: string, body: Buffer): void
  /** An object put in place without a request, as a PutObject with a COMPLIANCE lock and its sha256 would leave it (benchmarks: a year of evidence). */
  seed(bucket: string, key: string, body: Buffer, options: { lockUntil: Date; lastModified: Date }): void
  close(): Promise<void>
}

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/'
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
const sha256b64 = (b: Buffer): string => createHash('sha256').update(b).digest('base64')

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

/**
 * A small S3 on 127.0.0.1 speaking the REST API the way the S3 API reference documents it, for
 * exactly the operations sox-gate uses: PutObject (Object Lock headers, x-amz-checksum-sha256 and
 * Content-MD5 verified, If-None-Match: *), GetObject and HeadObject (checksum mode, versionId),
 * GetObjectRetention, ListObjectsV2 (prefix, continuation), ListObjectVersions (key and version
 * markers), DeleteObject (delete markers; a locked version cannot be deleted). Path-style addressing; requests must carry a SigV4
 * Authorization header (its signature is not checked). Buckets are versioned when lock-enabled.
 */
export async function startFakeS3(options: FakeS3Options): Promise<FakeS3> {
  const buckets = new Map<string, { lock: LockBehaviour; keys: Map<string, Version[]> }>()
  for (const [name, lock] of Object.entries(options.buckets)) buckets.set(name, { lock, keys: new Map() })
  const calls: FakeS3Call[] = []
  const shortUntil = new Date(Math.ceil(Date.now() / 1000) * 1000 + 86_400_000)
  let waiting: (() => void)[] = []
  let barrierLeft = options.ledgerListBarrier ?? 0

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500)
      res.end(String(e))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const [, bucketName = '', ...rest] = url.pathname.split('/')
    const key = decodeURIComponent(rest.join('/'))
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const call: FakeS3Call = { method: req.method ?? '', bucket: bucketName, key, query: url.search, status: 200, headers: req.headers }
    calls.push(call)
    const send = (status: number, headers: Record<string, string>, payload?: string | Buffer): void => {
      call.status = status
      res.writeHead(status, { 'x-amz-request-id': randomUUID(), ...headers })
      res.end(req.method === 'HEAD' ? undefined : payload)
    }
    try {
      if (!/^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? '')) throw new S3Error(403, 'AccessDenied', 'Access Denied')
      const bucket = buckets.get(bucketName)
      if (!bucket) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist')
      const q = url.searchParams
      if (key === '') {
        if (req.method === 'GET' && q.get('list-type') === '2') return await list(bucketName, bucket.keys, q, send)
        if (req.method === 'GET' && q.has('versions')) return listVersions(bucketName, bucket.keys, q, send)
        throw new S3Error(501, 'NotImplemented', 'A header or query you provided implies functionality that is not implemented')
      }
      const history = bucket.keys.get(key) ?? []
      if (req.method === 'PUT' && !q.has('retention') && !q.has('tagging') && !q.has('acl')) return put(req, bucket, key, history, body, send)
      if ((req.method === 'GET' || req.method === 'HEAD') && q.has('retention')) {
        if (bucket.lock === 'disabled') throw new S3Error(400, 'InvalidRequest', 'Bucket is missing Object Lock Configuration')
        const v = pick(history, q.get('versionId'))
        if (!v.mode || !v.until) throw new S3Error(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration')
        return send(200, { 'content-type': 'application/xml' }, `<?xml version="1.0" encoding="UTF-8"?>\n<Retention xmlns="${XMLNS}"><Mode>${v.mode}</Mode><RetainUntilDate>${v.until.toISOString()}</RetainUntilDate></Retention>`)
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const v = pick(history, q.get('versionId'))
        const headers: Record<string, string> = {
          'content-type': 'application/octet-stream',
          'content-length': String(v.body.length),
          etag: v.etag,
          'last-modified': v.lastModified.toUTCString(),
          'x-amz-version-id': v.versionId
        }
        if (v.mode && v.until) Object.assign(headers, { 'x-amz-object-lock-mode': v.mode, 'x-amz-object-lock-retain-until-date': v.until.toISOString() })
        if (req.headers['x-amz-checksum-mode'] === 'ENABLED' && v.checksumSha256) Object.assign(headers, { 'x-amz-checksum-sha256': v.checksumSha256, 'x-amz-checksum-type': 'FULL_OBJECT' })
        return send(200, headers, v.body)
      }
      if (req.method === 'DELETE') {
        const versionId = q.get('versionId')
        if (versionId === null) {
          if (bucket.lock === 'disabled') {
            bucket.keys.delete(key)
            sortedCache.delete(bucket.keys)
            return send(204, {})
          }
          // Versioned: a delete marker hides the object; every locked version stays.
          const marker = version(Buffer.alloc(0), { deleteMarker: true })
          bucket.keys.set(key, [...history, marker])
          return send(204, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId })
        }
        const v = history.find((h) => h.versionId === versionId)
        if (!v) throw new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.')
        if (v.until && v.until.getTime() > Date.now()) throw new S3Error(403, 'AccessDenied', 'Access Denied because object protected by object lock.')
        bucket.keys.set(key, history.filter((h) => h !== v))
        return send(204, { 'x-amz-version-id': versionId })
      }
      throw new S3Error(501, 'NotImplemented', 'A header or query you provided implies functionality that is not implemented')
    } catch (e) {
      if (!(e instanceof S3Error)) throw e
      call.code = e.code
      send(e.status, { 'content-type': 'application/xml' }, `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${esc(e.message)}</Message><Resource>${esc(url.pathname)}</Resource><RequestId>${randomUUID()}</RequestId></Error>`)
    }
  }

  function pick(history: Version[], versionId: string | null): Version {
    if (versionId !== null) {
      const v = history.find((h) => h.versionId === versionId)
      if (!v) throw new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.')
      return v
    }
    const v = history.at(-1)
    if (!v || v.deleteMarker) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.')
    return v
  }

  function put(req: IncomingMessage, bucket: { lock: LockBehaviour; keys: Map<string, Version[]> }, key: string, history: Version[], body: Buffer, send: (s: number, h: Record<string, string>, p?: string) => void): void {
    const h = req.headers
    if (String(h['content-encoding'] ?? '').includes('aws-chunked')) throw new S3Error(501, 'NotImplemented', 'aws-chunked uploads are not implemented by this server')
    const sent = h['x-amz-checksum-sha256'] as string | undefined
    if (sent !== undefined && sent !== sha256b64(body)) throw new S3Error(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.')
    const md5 = h['content-md5'] as string | undefined
    if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
    const mode = h['x-amz-object-lock-mode'] as string | undefined
    const untilText = h['x-amz-object-lock-retain-until-date'] as string | undefined
    let lock: { mode?: string; until?: Date } = {}
    if (mode !== undefined || untilText !== undefined) {
      if (bucket.lock === 'disabled') throw new S3Error(400, 'InvalidRequest', 'Bucket is missing Object Lock Configuration')
      if (mode === undefined || untilText === undefined) throw new S3Error(400, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied')
      if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new S3Error(400, 'InvalidArgument', 'Unknown wormMode directive.')
      const until = new Date(untilText)
      if (Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) throw new S3Error(400, 'InvalidArgument', 'The retain until date must be in the future!')
      if (md5 === undefined && !Object.keys(h).some((n) => n.startsWith('x-amz-checksum-'))) {
        throw new S3Error(400, 'InvalidRequest', 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters')
      }
      if (bucket.lock === 'enabled') lock = { mode, until }
      if (bucket.lock === 'shortened') lock = { mode, until: shortUntil }
      if (bucket.lock === 'governance') lock = { mode: 'GOVERNANCE', until }
    }
    const ifNoneMatch = h['if-none-match']
    if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new S3Error(501, 'NotImplemented', 'If-None-Match supports only *')
    const current = history.at(-1)
    if (ifNoneMatch === '*' && current && !current.deleteMarker) throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold')
    const v = version(body, { ...lock, checksumSha256: sent })
    // A bucket without versioning keeps one version per key.
    bucket.keys.set(key, bucket.lock === 'disabled' ? [v] : [...history, v])
    send(200, { etag: v.etag, 'x-amz-version-id': v.versionId, 'x-amz-server-side-encryption': 'AES256', ...(sent ? { 'x-amz-checksum-sha256': sent, 'x-amz-checksum-type': 'FULL_OBJECT' } : {}) })
  }

  async function list(name: string, keys: Map<string, Version[]>, q: URLSearchParams, send: (s: number, h: Record<string, string>, p?: string) => void): Promise<void> {
    const prefix = q.get('prefix') ?? ''
    if (barrierLeft > 0 && prefix.endsWith('/ledger/')) {
      barrierLeft -= 1
      await new Promise<void>((resolve) => {
        // Released together when the last one arrives; a lone one after 15 s, so nothing hangs.
        const timer = setTimeout(resolve, 15_000)
        waiting.push(() => {
          clearTimeout(timer)
          resolve()
        })
        if (barrierLeft === 0) {
          for (const w of waiting) w()
          waiting = []
        }
      })
    }
    const maxKeys = Math.min(Number(q.get('max-keys') ?? 1000), options.pageSize ?? 1000)
    const token = q.get('continuation-token')
    const after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '')
    const live = [...keys.entries()]
      .filter(([k, h]) => k.startsWith(prefix) && k > after && h.length > 0 && !h.at(-1)?.deleteMarker)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const page = live.slice(0, maxKeys)
    const truncated = live.length > page.length
    const urlEncoded = q.get('encoding-type') === 'url'
    const k = (s: string): string => esc(urlEncoded ? encodeURIComponent(s).replace(/%2F/g, '/') : s)
    const contents = page.map(([key, h]) => {
      const v = h.at(-1) as Version
      return `<Contents><Key>${k(key)}</Key><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${esc(v.etag)}</ETag><Size>${v.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
    })
    const next = truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)?.[0] ?? '').toString('base64url')}</NextContinuationToken>` : ''
    send(
      200,
      { 'content-type': 'application/xml' },
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${XMLNS}"><Name>${esc(name)}</Name><Prefix>${k(prefix)}</Prefix>${token !== null ? `<ContinuationToken>${esc(token)}</ContinuationToken>` : ''}<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>${urlEncoded ? '<EncodingType>url</EncodingType>' : ''}<IsTruncated>${truncated}</IsTruncated>${next}${contents.join('')}</ListBucketResult>`
    )
  }

  /** ListObjectVersions: keys ascending, each key's versions and delete markers newest first, paged by key and version markers. */
  function listVersions(name: string, keys: Map<string, Version[]>, q: URLSearchParams, send: (s: number, h: Record<string, string>, p?: string) => void): void {
    const prefix = q.get('prefix') ?? ''
    const keyMarker = q.get('key-marker') ?? ''
    const versionMarker = q.get('version-id-marker')
    // Walked from the first key at or after the prefix (or the marker), not the whole bucket: the
    // audit benchmark lists a quarter of a million keys a thousand at a time.
    const sorted = sortedKeys(keys)
    const first = lowerBound(sorted, keyMarker > prefix ? keyMarker : prefix)
    const all: { key: string; v: Version; latest: boolean }[] = []
    const maxKeysWanted = Math.min(Number(q.get('max-keys') ?? 1000), options.pageSize ?? 1000)
    let passedMarker = keyMarker === ''
    for (let i = first; i < sorted.length && all.length <= maxKeysWanted + 1; i++) {
      const k = sorted[i] as string
      if (!k.startsWith(prefix)) break
      const versions = [...(keys.get(k) ?? [])].reverse()
      versions.forEach((v, j) => {
        if (!passedMarker) {
          if (k === keyMarker && versionMarker) {
            if (v.versionId === versionMarker) passedMarker = true
            return
          }
          if (k <= keyMarker) return
          passedMarker = true
        }
        all.push({ key: k, v, latest: j === 0 })
      })
    }
    const start = 0
    const maxKeys = maxKeysWanted
    const page = all.slice(start, start + maxKeys)
    const truncated = start + page.length < all.length
    const last = page.at(-1)
    const body = page.map(({ key, v, latest }) =>
      v.deleteMarker
        ? `<DeleteMarker><Key>${esc(key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified></DeleteMarker>`
        : `<Version><Key>${esc(key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${latest}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${esc(v.etag)}</ETag><Size>${v.body.length}</Size><StorageClass>STANDARD</StorageClass></Version>`
    )
    const next = truncated && last ? `<NextKeyMarker>${esc(last.key)}</NextKeyMarker><NextVersionIdMarker>${last.v.versionId}</NextVersionIdMarker>` : ''
    send(
      200,
      { 'content-type': 'application/xml' },
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="${XMLNS}"><Name>${esc(name)}</Name><Prefix>${esc(prefix)}</Prefix><KeyMarker>${esc(keyMarker)}</KeyMarker><VersionIdMarker>${esc(versionMarker ?? '')}</VersionIdMarker><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${body.join('')}</ListVersionsResult>`
    )
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const bucketOf = (name: string): Map<string, Version[]> => {
    const b = buckets.get(name)
    if (!b) throw new Error(`fake S3 has no bucket ${name}`)
    return b.keys
  }
  return {
    url,
    calls,
    objects: (name) => new Map([...bucketOf(name).entries()].flatMap(([k, h]) => (h.length > 0 && !h.at(-1)?.deleteMarker ? [[k, h.at(-1) as Version] as const] : []))),
    versions: (name, key) => bucketOf(name).get(key) ?? [],
    seed: (name, key, body, o) => {
      const keys = bucketOf(name)
      keys.set(key, [...(keys.get(key) ?? []), version(body, { mode: 'COMPLIANCE', until: o.lockUntil, checksumSha256: sha256b64(body), lastModified: o.lastModified })])
    },
    corrupt: (name, key, body) => {
      const v = bucketOf(name).get(key)?.at(-1)
      if (!v) throw new Error(`fake S3 has no ${key}`)
      v.body = body
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of waiting) w()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** A bucket's keys in S3's (byte) order, sorted once per set of keys rather than once per request. */
const sortedCache = new WeakMap<Map<string, Version[]>, { size: number; sorted: string[] }>()
function sortedKeys(keys: Map<string, Version[]>): string[] {
  const cached = sortedCache.get(keys)
  if (cached && cached.size === keys.size) return cached.sorted
  const sorted = [...keys.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  sortedCache.set(keys, { size: keys.size, sorted })
  return sorted
}

/** The index of the first key not below `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as string) < key) lo = mid + 1
    else hi = mid
  }
  return lo
}

function version(body: Buffer, extra: Partial<Version>): Version {
  return {
    versionId: randomUUID().replace(/-/g, ''),
    body,
    deleteMarker: false,
    lastModified: new Date(),
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    ...extra
  }
}

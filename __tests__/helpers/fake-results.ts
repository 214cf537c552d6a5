import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inflateRawSync } from 'node:zlib'

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'

export interface FakeResults {
  url: string
  /** An unsigned JWT as the runner gives it: its `scp` claim names the run and job. */
  token: string
  calls: { method: string; path: string; body?: Record<string, unknown> }[]
  /** The artifact's bytes as the blob store assembled them from the committed block list. */
  blob(): Buffer
  /** The signed blob URL an artifact downloads from (what GetSignedArtifactURL and the REST zip redirect give). */
  downloadUrl(id: number): string
  close(): Promise<void>
}

/** An artifact another job of the run uploaded: its zip as the blob store keeps it. */
export interface StoredArtifact {
  id: number
  name: string
  zip: Buffer
  /** What the service recorded at upload (FinalizeArtifact's hash); default the zip's own sha256; null: none. */
  digest?: string | null
  /** The job that uploaded it (its workflow_job_run_backend_id); default a job of its own. */
  job?: string
  /** Listed, but deleted or expired since: no signed URL is given for it. */
  gone?: boolean
}

const RUN_BACKEND = 'run-backend-7'

/**
 * The Actions results service as @actions/artifact talks to it: Twirp JSON calls to create and
 * finalize the artifact, and an Azure-blob-style signed URL taking blocks and a block list.
 */
export async function startFakeResults(options: { failCreate?: boolean; artifacts?: StoredArtifact[] } = {}): Promise<FakeResults> {
  const stored = (options.artifacts ?? []).map((a) => ({ ...a, digest: a.digest === undefined ? `sha256:${createHash('sha256').update(a.zip).digest('hex')}` : a.digest, job: a.job ?? `job-backend-${a.id}` }))
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.ExampleScope Actions.Results:${RUN_BACKEND}:job-backend-9`, iat: 0 })}.`
  const calls: FakeResults['calls'] = []
  const blocks = new Map<string, Buffer>()
  let committed: string[] = []
  let base = ''
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks)
    const isTwirp = url.pathname.startsWith(SERVICE)
    calls.push({ method: req.method ?? '', path: url.pathname + (isTwirp ? '' : url.search.replace(/blockid=[^&]+/, 'blockid=…')), body: isTwirp ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined })
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method === 'POST' && url.pathname === `${SERVICE}CreateArtifact`) {
      if (options.failCreate) return json(403, { code: 'permission_denied', msg: 'token has no Actions.Results scope for this run' })
      // Signed for the host the client asked by (a name, when the test reaches it through a proxy).
      return json(200, { ok: true, signedUploadUrl: `http://${req.headers.host ?? new URL(base).host}/blob/container/artifact.zip?sig=fake` })
    }
    if (req.method === 'POST' && url.pathname === `${SERVICE}FinalizeArtifact`) return json(200, { ok: true, artifactId: '424242' })
    if (req.method === 'PUT' && url.pathname === '/blob/container/artifact.zip') {
      const headers = { 'x-ms-request-id': 'req-1', 'x-ms-version': '2024-11-04', date: new Date(0).toUTCString(), etag: '"0x1"', 'last-modified': new Date(0).toUTCString() }
      if (url.searchParams.get('comp') === 'block') {
        blocks.set(url.searchParams.get('blockid') ?? '', raw)
        res.writeHead(201, { ...headers, 'x-ms-request-server-encrypted': 'true' })
        return res.end()
      }
      if (url.searchParams.get('comp') === 'blocklist') {
        committed = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((m) => m[1] as string)
        res.writeHead(201, headers)
        return res.end()
      }
      blocks.set('', raw)
      committed = ['']
      res.writeHead(201, headers)
      return res.end()
    }
    // --- Download (what @actions/artifact's listArtifacts and downloadArtifact send): Twirp JSON in
    // proto field names, as a Twirp server writes them; int64 as strings, wrappers as their value. ---
    if (isTwirp && req.headers.authorization !== `Bearer ${token}`) return json(401, { code: 'unauthenticated', msg: 'invalid runtime token' })
    const body = isTwirp ? (JSON.parse(raw.toString('utf8')) as Record<string, string | undefined>) : {}
    if (req.method === 'POST' && url.pathname === `${SERVICE}ListArtifacts`) {
      if (body.workflow_run_backend_id !== RUN_BACKEND) return json(200, { artifacts: [] })
      const listed = stored.filter((a) => (body.name_filter === undefined || a.name === body.name_filter) && (body.id_filter === undefined || String(a.id) === body.id_filter))
      return json(200, {
        artifacts: listed.map((a) => ({ workflow_run_backend_id: RUN_BACKEND, workflow_job_run_backend_id: a.job, database_id: String(a.id), name: a.name, size: String(a.zip.length), created_at: '2026-11-20T10:00:00Z', ...(a.digest ? { digest: a.digest } : {}) }))
      })
    }
    if (req.method === 'POST' && url.pathname === `${SERVICE}GetSignedArtifactURL`) {
      const a = stored.find((x) => body.workflow_run_backend_id === RUN_BACKEND && x.job === body.workflow_job_run_backend_id && x.name === body.name)
      if (!a || a.gone) return json(404, { code: 'not_found', msg: `no artifact ${String(body.name)} in job ${String(body.workflow_job_run_backend_id)}` })
      return json(200, { signed_url: `${base}/blob/download/${a.id}.zip?sig=fake-read` })
    }
    const download = /^\/blob\/download\/(\d+)\.zip$/.exec(url.pathname)
    if (req.method === 'GET' && download) {
      const a = stored.find((x) => x.id === Number(download[1]))
      if (!a || url.searchParams.get('sig') !== 'fake-read') {
        res.writeHead(403, { 'content-type': 'application/xml' })
        return res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code></Error>')
      }
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(a.zip.length), 'x-ms-blob-type': 'BlockBlob' })
      return res.end(a.zip)
    }
    // --- end download ---
    json(404, { msg: `fake results service has no ${req.method} ${url.pathname}` })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    token,
    calls,
    blob: () => Buffer.concat(committed.map((id) => blocks.get(id) ?? Buffer.alloc(0))),
    downloadUrl: (id: number) => `${base}/blob/download/${id}.zip?sig=fake-read`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** The files of a zip archive (stored or deflated), read through its central directory. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('not a zip: no end of central directory')
  let at = zip.readUInt32LE(eocd + 16)
  const count = zip.readUInt16LE(eocd + 10)
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = zip.readUInt16LE(at + 10)
    const compressed = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const local = zip.readUInt32LE(at + 42)
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = zip.subarray(dataStart, dataStart + compressed)
    if (!name.endsWith('/')) files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data))
    at += 46 + nameLength + extraLength + commentLength
  }
  return files
}

import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ghArtifact, type RunArtifacts } from './fake-github.js'

// The Actions results service for every run of a simulation: the artifacts each job uploads (the
// gate's evidence through @actions/artifact's Twirp calls and blob upload; actions/upload-artifact
// in process), listed and downloaded by the same run (Twirp, with the job's runtime token) and by
// other runs through the REST API (the fake GitHub's runArtifacts, which this keeps current). A
// job's runtime token names its run and job, as the runner's does (`scp` Actions.Results:RUN:JOB).

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/'

export interface StoredArtifact {
  id: number
  name: string
  runId: number
  /** The job that uploaded it (its backend id: `a<attempt>-<job>`). */
  job: string
  zip: Buffer
  digest: string
  createdAt: string
}

export interface ArtifactService {
  url: string
  /** The runtime token of one job (ACTIONS_RUNTIME_TOKEN); `job` is its backend id, `a<attempt>-<key>`. */
  runtimeToken(runId: number, job: string): string
  /** Stores an artifact as actions/upload-artifact does; throws GitHub's conflict when the run attempt already has that name. */
  store(runId: number, job: string, name: string, zip: Buffer): StoredArtifact
  /** Deletes the run attempt's artifact of that name, if any (upload-artifact's overwrite: true). */
  remove(runId: number, job: string, name: string): void
  /** A run's artifacts, oldest first. */
  list(runId: number): StoredArtifact[]
  /** What the fake GitHub serves for GET …/actions/runs/{id}/artifacts and the zip redirect. */
  rest: RunArtifacts
  /** A run (with the commit it ran on) whose artifact list REST serves, empty until it uploads. */
  registerRun(runId: number, headSha: string, headBranch: string): void
  close(): Promise<void>
}

export class ArtifactConflict extends Error {}

let artifactIds = 5_100_000

export async function startArtifactService(): Promise<ArtifactService> {
  const artifacts: StoredArtifact[] = []
  const uploads = new Map<string, { runId: number; job: string; name: string; blocks: Map<string, Buffer>; committed: string[] }>()
  const runs = new Map<number, { headSha: string; headBranch: string }>()
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const rest: RunArtifacts = { runs: {}, zipUrl: (id) => `${base}/blob/download/${id}.zip?sig=fake-read` }
  let base = ''

  const attemptOf = (job: string) => job.split('-')[0]
  /** Within one attempt a name is taken once; a re-run may upload it again (readers take the latest). */
  const taken = (runId: number, job: string, name: string) => artifacts.some((a) => a.runId === runId && attemptOf(a.job) === attemptOf(job) && a.name === name)

  function store(runId: number, job: string, name: string, zip: Buffer): StoredArtifact {
    if (taken(runId, job, name)) throw new ArtifactConflict(`Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run`)
    const a: StoredArtifact = { id: artifactIds++, name, runId, job, zip, digest: `sha256:${createHash('sha256').update(zip).digest('hex')}`, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }
    artifacts.push(a)
    const run = runs.get(runId)
    const listed = ghArtifact(a.id, name, zip.length, a.digest, runId)
    listed.created_at = listed.updated_at = a.createdAt
    if (run) listed.workflow_run = { ...listed.workflow_run, head_sha: run.headSha, head_branch: run.headBranch }
    ;(rest.runs[runId] ??= []).push(listed)
    return a
  }

  /** The run and job a runtime token names; undefined for a token no job was given. */
  function scope(authorization: string | undefined): { runId: number; job: string } | undefined {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    const claims = token ? (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { scp?: string }) : {}
    const m = /Actions\.Results:sim-run-(\d+):(\S+)/.exec(claims.scp ?? '')
    return m ? { runId: Number(m[1]), job: m[2] as string } : undefined
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks)
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (url.pathname.startsWith(SERVICE)) {
      const who = scope(req.headers.authorization)
      if (!who) return json(401, { code: 'unauthenticated', msg: 'invalid runtime token' })
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, string | undefined>
      const field = (snake: string, camel: string) => body[snake] ?? body[camel]
      const method = url.pathname.slice(SERVICE.length)
      // A token may only touch its own run (the backend ids it names).
      if (field('workflow_run_backend_id', 'workflowRunBackendId') !== `sim-run-${who.runId}`) return json(403, { code: 'permission_denied', msg: 'the runtime token is for another workflow run' })
      if (method === 'CreateArtifact') {
        const name = String(field('name', 'name'))
        if (taken(who.runId, who.job, name)) return json(409, { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' })
        const id = createHash('sha1').update(`${who.runId}/${name}/${uploads.size}`).digest('hex')
        uploads.set(id, { runId: who.runId, job: who.job, name, blocks: new Map(), committed: [] })
        return json(200, { ok: true, signed_upload_url: `http://${req.headers.host ?? new URL(base).host}/blob/upload/${id}?sig=fake-write` })
      }
      if (method === 'FinalizeArtifact') {
        const [key, upload] = [...uploads.entries()].find(([, u]) => u.runId === who.runId && u.job === who.job && u.name === field('name', 'name')) ?? []
        if (!key || !upload) return json(404, { code: 'not_found', msg: 'no upload of that name was created' })
        uploads.delete(key)
        const zip = Buffer.concat(upload.committed.map((id) => upload.blocks.get(id) ?? Buffer.alloc(0)))
        try {
          return json(200, { ok: true, artifact_id: String(store(upload.runId, upload.job, upload.name, zip).id) })
        } catch (e) {
          return json(409, { code: 'already_exists', msg: (e as Error).message })
        }
      }
      if (method === 'ListArtifacts') {
        const nameFilter = field('name_filter', 'nameFilter')
        const idFilter = field('id_filter', 'idFilter')
        const listed = artifacts.filter((a) => a.runId === who.runId && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === String(idFilter)))
        return json(200, { artifacts: listed.map((a) => ({ workflow_run_backend_id: `sim-run-${a.runId}`, workflow_job_run_backend_id: a.job, database_id: String(a.id), name: a.name, size: String(a.zip.length), created_at: a.createdAt, digest: a.digest })) })
      }
      if (method === 'GetSignedArtifactURL') {
        const a = artifacts.find((x) => x.runId === who.runId && x.job === field('workflow_job_run_backend_id', 'workflowJobRunBackendId') && x.name === field('name', 'name'))
        if (!a) return json(404, { code: 'not_found', msg: 'artifact not found' })
        return json(200, { signed_url: rest.zipUrl(a.id) })
      }
      return json(404, { msg: `no ${method}` })
    }
    const upload = /^\/blob\/upload\/([0-9a-f]+)$/.exec(url.pathname)
    if (req.method === 'PUT' && upload && url.searchParams.get('sig') === 'fake-write') {
      const u = uploads.get(upload[1] as string)
      if (!u) return json(404, {})
      const headers = { 'x-ms-request-id': 'req', 'x-ms-version': '2024-11-04', date: new Date(0).toUTCString(), etag: '"0x1"', 'last-modified': new Date(0).toUTCString() }
      const comp = url.searchParams.get('comp')
      if (comp === 'block') u.blocks.set(url.searchParams.get('blockid') ?? '', raw)
      else if (comp === 'blocklist') u.committed = [...raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((m) => m[1] as string)
      else {
        u.blocks.set('', raw)
        u.committed = ['']
      }
      res.writeHead(201, headers)
      return res.end()
    }
    const download = /^\/blob\/download\/(\d+)\.zip$/.exec(url.pathname)
    if (req.method === 'GET' && download && url.searchParams.get('sig') === 'fake-read') {
      const a = artifacts.find((x) => x.id === Number(download[1]))
      if (!a) return json(404, {})
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(a.zip.length), 'x-ms-blob-type': 'BlockBlob' })
      return res.end(a.zip)
    }
    json(404, { msg: `the artifact service has no ${req.method} ${url.pathname}` })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    runtimeToken: (runId, job) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.ExampleScope Actions.Results:sim-run-${runId}:${job}`, iat: Math.floor(Date.now() / 1000) })}.`,
    store,
    remove: (runId, job, name) => {
      const i = artifacts.findIndex((a) => a.runId === runId && attemptOf(a.job) === attemptOf(job) && a.name === name)
      if (i < 0) return
      const [gone] = artifacts.splice(i, 1)
      rest.runs[runId] = (rest.runs[runId] ?? []).filter((x) => x.id !== gone?.id)
    },
    list: (runId) => artifacts.filter((a) => a.runId === runId),
    rest,
    registerRun: (runId, headSha, headBranch) => {
      runs.set(runId, { headSha, headBranch })
      rest.runs[runId] ??= []
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

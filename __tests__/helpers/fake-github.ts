import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { components } from '@octokit/openapi-types'
import { executeGraphQL } from './fake-graphql.js'
import { checkRunApp, serveLifecycle, type LifecycleScenario, type TokenIdentities } from './fake-github-lifecycle.js'
import { refusePermission, type TokenRegistry } from './fake-github-permissions.js'
import { auditGraphQL, type AuditScenario } from './fake-audit-github.js'

type Schemas = components['schemas']
type SimpleUser = Schemas['simple-user']
type Review = Schemas['pull-request-review']
type Commit = Schemas['commit']
type PullRequest = Pick<Schemas['pull-request'], 'id' | 'number' | 'html_url' | 'title' | 'state' | 'user' | 'merged_at' | 'merge_commit_sha' | 'commits' | 'changed_files'> & {
  head: Pick<Schemas['pull-request']['head'], 'sha' | 'ref' | 'label'>
  base: Pick<Schemas['pull-request']['base'], 'sha' | 'ref' | 'label'>
}
type DiffEntry = Schemas['diff-entry']
type ContentFile = Schemas['content-file']
type Comparison = Pick<Schemas['commit-comparison'], 'url' | 'html_url' | 'status' | 'ahead_by' | 'behind_by' | 'total_commits' | 'commits' | 'files' | 'base_commit' | 'merge_base_commit'>
type CheckRun = Pick<Schemas['check-run'], 'id' | 'html_url' | 'name' | 'head_sha' | 'status' | 'conclusion'>
type EnvironmentApproval = Schemas['environment-approvals']
type Deployment = Schemas['deployment']
type DeploymentStatus = Schemas['deployment-status']

/** A full GitHub `simple-user`, as every endpoint returns it. */
export function ghUser(login: string, type: 'User' | 'Bot' = 'User', id = login.length * 1000 + login.charCodeAt(0)): SimpleUser {
  const api = `https://api.github.com/users/${login}`
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false
  }
}

let reviewIds = 80_000_000
export function ghReview(login: string, state: Review['state'], commitId: string, submittedAt: string, type: 'User' | 'Bot' = 'User', association: Review['author_association'] = 'MEMBER'): Review {
  const id = reviewIds++
  return {
    id,
    node_id: `PRR_${id}`,
    user: ghUser(login, type),
    body: '',
    state,
    html_url: `https://github.com/acme/ledger/pull/42#pullrequestreview-${id}`,
    pull_request_url: 'https://api.github.com/repos/acme/ledger/pulls/42',
    _links: { html: { href: `https://github.com/acme/ledger/pull/42#pullrequestreview-${id}` }, pull_request: { href: 'https://api.github.com/repos/acme/ledger/pulls/42' } },
    submitted_at: submittedAt,
    commit_id: commitId,
    author_association: association
  }
}

export interface GitPerson {
  name: string
  email: string
  /** The linked account's login, or null for an e-mail GitHub links to no account. */
  login: string | null
}

/**
 * A commit as GitHub lists it. GitHub signs the commits its web-flow makes (web merges and
 * edits), so those are verified unless told otherwise; others are unsigned unless `verified`.
 */
export function ghCommit(sha: string, author: GitPerson, committer: GitPerson, message: string, options: { parents?: string[]; files?: DiffEntry[]; verified?: boolean } = {}): Commit {
  const verified = options.verified ?? committer === WEB_FLOW
  const url = `https://api.github.com/repos/acme/ledger/commits/${sha}`
  const linked = (p: GitPerson) => (p.login ? ghUser(p.login) : null)
  return {
    url,
    sha,
    node_id: `C_${sha.slice(0, 8)}`,
    html_url: `https://github.com/acme/ledger/commit/${sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `https://api.github.com/repos/acme/ledger/git/commits/${sha}`,
      author: { name: author.name, email: author.email, date: '2026-11-20T09:00:00Z' },
      committer: { name: committer.name, email: committer.email, date: '2026-11-20T09:00:00Z' },
      message,
      comment_count: 0,
      verification: verified
        ? { verified: true, reason: 'valid', signature: '-----BEGIN PGP SIGNATURE-----\n…\n-----END PGP SIGNATURE-----', payload: `tree ${'ab'.repeat(20)}`, verified_at: '2026-11-20T09:00:01Z' }
        : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      tree: { sha: 'ab'.repeat(20), url: 'https://api.github.com/repos/acme/ledger/git/trees/' + 'ab'.repeat(20) }
    },
    author: linked(author),
    committer: linked(committer),
    parents: (options.parents ?? []).map((p) => ({ sha: p, url: `https://api.github.com/repos/acme/ledger/commits/${p}` })),
    ...(options.files ? { files: options.files } : {})
  }
}

export const WEB_FLOW: GitPerson = { name: 'GitHub', email: 'noreply@github.com', login: 'web-flow' }

/** The base commit every pull request of the tests is opened against, unless told otherwise. */
export const BASE_SHA = 'ba5eba5eba5eba5eba5eba5eba5eba5eba5eba5e'

/** A file a change touches, as GitHub's pull request files and compare list it; `blob` is its blob sha where the change leaves it. */
export function ghFile(filename: string, status: DiffEntry['status'] = 'modified', previous?: string, blob = 'f1'.repeat(20)): DiffEntry {
  return {
    sha: blob,
    filename,
    status,
    additions: 3,
    deletions: status === 'added' ? 0 : 1,
    changes: status === 'added' ? 3 : 4,
    blob_url: `https://github.com/acme/ledger/blob/${'f1'.repeat(20)}/${filename}`,
    raw_url: `https://github.com/acme/ledger/raw/${'f1'.repeat(20)}/${filename}`,
    contents_url: `https://api.github.com/repos/acme/ledger/contents/${filename}?ref=${'f1'.repeat(20)}`,
    patch: '@@ -1 +1 @@',
    ...(previous ? { previous_filename: previous } : {})
  }
}

export function ghPull(number: number, opener: string, headSha: string, commits: number, merged?: { at: string; sha: string }, base = BASE_SHA, changedFiles = 1): PullRequest {
  return {
    id: 1_000_000 + number,
    number,
    html_url: `https://github.com/acme/ledger/pull/${number}`,
    title: 'Post journal entries atomically',
    state: merged ? 'closed' : 'open',
    user: ghUser(opener),
    merged_at: merged?.at ?? null,
    merge_commit_sha: merged?.sha ?? null,
    commits,
    changed_files: changedFiles,
    head: { sha: headSha, ref: 'feature/posting', label: `acme:feature/posting` },
    base: { sha: base, ref: 'main', label: 'acme:main' }
  }
}

export function ghApproval(login: string, state: EnvironmentApproval['state'], environments: string[], type: 'User' | 'Bot' = 'User'): EnvironmentApproval {
  return {
    environments: environments.map((name, i) => ({ id: 500 + i, node_id: `EN_${i}`, name, url: `https://api.github.com/repos/acme/ledger/environments/${name}`, html_url: `https://github.com/acme/ledger/deployments/activity_log?environments_filter=${name}`, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' })),
    state,
    user: ghUser(login, type),
    comment: 'ship it'
  }
}

/** An injected failure: the next `times` requests matching `method` and `path` get this answer. */
export interface Fault {
  method: string
  path: RegExp
  status: number
  message: string
  headers?: Record<string, string>
  times: number
  /** Accept the request and never answer (the connection stays open until the server closes). */
  hang?: boolean
}

export interface Scenario extends LifecycleScenario {
  pulls?: Record<number, { pr: PullRequest; reviews: Review[]; commits: Commit[]; files?: DiffEntry[] }>
  /** File texts by `owner/repo@ref`, then path: what GET /repos/{o}/{r}/contents/{path}?ref= serves. */
  contents?: Record<string, Record<string, string>>
  /** GET /repos/{o}/{r}/compare/{base}...{head}, by `base...head`. */
  compares?: Record<string, { commits: Commit[]; files: DiffEntry[] }>
  /** GET /repos/{o}/{r}/commits/{sha}/pulls, and GraphQL's associatedPullRequests (which also lists another repository's, `inRepository`). */
  commitPulls?: Record<string, (PullRequest & { inRepository?: string })[]>
  /** GET /repos/{o}/{r}/commits/{sha} */
  commits?: Record<string, Commit>
  runApprovals?: Record<number, EnvironmentApproval[]>
  /** GET /repos/{o}/{r}/deployments (newest first, as GitHub lists them) and each one's statuses (newest first). */
  deployments?: { deployment: Deployment; statuses: DeploymentStatus[] }[]
  faults?: Fault[]
  /** Page size the server allows, to spread lists over several pages. */
  maxPerPage?: number
  /** Workflow runs' artifacts, by run id (report-artifacts with run-id). */
  runArtifacts?: RunArtifacts
  /** Jobs' GITHUB_TOKENs and their permissions (workflow-sim): a call one lacks is refused, as GitHub does. */
  tokens?: TokenRegistry
  /** GET /repos/{o}/{r}/actions/runs/{id}: where each run ran (a run named here wins over runArtifacts' heads). */
  runsById?: Record<number, RunSpec>
  /** What `sox-gate audit` reads besides deployments: more check runs, the default branch's history (fake-audit-github.ts). */
  audit?: AuditScenario
}

/** Where a workflow run ran, as GET …/actions/runs/{id} tells it. */
export interface RunSpec {
  headSha: string
  headBranch: string | null
  event: string
  path?: string
  conclusion?: 'success' | 'failure' | null
  /** The repository its head branch belongs to (a fork's pull request: the fork). */
  headRepository?: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: string
  authorization?: string
  accept?: string
  body?: unknown
}

export interface FakeGitHub {
  url: string
  requests: RecordedRequest[]
  /** Every check run created, with the App it belongs to (the token's: GitHub Actions for any GITHUB_TOKEN). */
  checkRuns: { id: number; body: Record<string, unknown>; updates: Record<string, unknown>[]; app: { id: number; slug: string; name: string }; at?: string }[]
  /**
   * What a required status check of this name sees on the commit, as GitHub decides it: the
   * newest check run of that name — only the given App's when the requirement names one (a
   * ruleset's or branch protection's "source"). undefined: no such check run (the check is expected).
   */
  requiredCheck(sha: string, name: string, appId?: number): string | undefined
  /** Sigstore bundles stored through POST /repos/{o}/{r}/attestations, in order. */
  attestations: unknown[]
  close(): Promise<void>
}

/** GitHub's REST API, the few endpoints sox-gate uses, on 127.0.0.1 with a free port. */
export async function startFakeGitHub(scenario: Scenario): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = []
  const checkRuns: FakeGitHub['checkRuns'] = []
  const attestations: unknown[] = []
  const tokens: TokenIdentities = { appTokens: [] }
  const faults = (scenario.faults ?? []).map((f) => ({ ...f }))
  const hanging: ServerResponse[] = []
  const auditGraph = auditGraphQL({ deployments: () => scenario.deployments ?? [], audit: () => scenario.audit, recorded: () => checkRuns })
  let base = ''
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => send(res, 500, { message: e.message }))
  })
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined
    requests.push({ method: req.method ?? '', path: decodeURIComponent(url.pathname), query: url.search, authorization: req.headers.authorization, accept: req.headers.accept, body })
    const fault = faults.find((f) => f.times > 0 && f.method === req.method && f.path.test(url.pathname))
    if (fault) {
      fault.times--
      if (fault.hang) {
        hanging.push(res)
        return
      }
      send(res, fault.status, { message: fault.message, documentation_url: 'https://docs.github.com/rest' }, fault.headers)
      return
    }
    // Every repository is served as acme/ledger, but for the contents API, which names its own.
    const canonical = url.pathname.replace(/^\/repos\/[^/]+\/[^/]+(?=\/|$)/, '/repos/acme/ledger')
    const refused = refusePermission(scenario.tokens, req.method ?? '', canonical, req.headers.authorization)
    if (refused) return send(res, refused.status, refused.body)
    const m = (re: RegExp) => re.exec(canonical)
    let hit: RegExpExecArray | null
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/commits\/([0-9a-f]+)\/pulls$/))) return send(res, 200, (scenario.commitPulls?.[hit[1] as string] ?? []).filter((p) => !p.inRepository).map(({ inRepository: _, ...p }) => p))
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/commits\/([0-9a-f]+)$/))) {
      const c = scenario.commits?.[hit[1] as string]
      return c ? send(res, 200, c) : send(res, 404, { message: 'No commit found for SHA' })
    }
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/pulls\/(\d+)(\/reviews|\/commits|\/files)?$/))) {
      const pull = scenario.pulls?.[Number(hit[1])]
      if (!pull) return send(res, 404, { message: 'Not Found' })
      if (!hit[2]) return send(res, 200, pull.pr)
      return sendPage(req, res, url, hit[2] === '/reviews' ? pull.reviews : hit[2] === '/files' ? (pull.files ?? []) : pull.commits)
    }
    if (req.method === 'GET' && (hit = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname))) return sendContent(req, res, `${hit[1]}/${hit[2]}`, decodeURIComponent(hit[3] as string), url.searchParams.get('ref') ?? 'HEAD')
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/compare\/([^/]+)$/))) {
      const basehead = decodeURIComponent(hit[1] as string)
      const compare = scenario.compares?.[basehead]
      if (!compare) return send(res, 404, { message: 'Not Found' })
      // GitHub pages a compare's commits (oldest first, at most 250 a page); files come on page 1 only, at most 300.
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 250), 250)
      const page = Number(url.searchParams.get('page') ?? 1)
      const base = ghCommit(basehead.split('...')[0] as string, { name: 'Base', email: 'base@acme.example', login: 'base' }, WEB_FLOW, 'base')
      const body: Comparison = {
        url: `https://api.github.com/repos/acme/ledger/compare/${basehead}`,
        html_url: `https://github.com/acme/ledger/compare/${basehead}`,
        status: 'ahead',
        ahead_by: compare.commits.length,
        behind_by: 0,
        total_commits: compare.commits.length,
        base_commit: base,
        merge_base_commit: base,
        commits: compare.commits.slice((page - 1) * perPage, page * perPage),
        files: page === 1 ? compare.files.slice(0, 300) : []
      }
      return send(res, 200, body)
    }
    if (req.method === 'GET' && canonical === '/repos/acme/ledger/deployments') {
      const env = url.searchParams.get('environment')
      return sendPage(req, res, url, (scenario.deployments ?? []).map((d) => d.deployment).filter((d) => env === null || d.environment === env))
    }
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/deployments\/(\d+)\/statuses$/))) {
      const d = (scenario.deployments ?? []).find((x) => Number(x.deployment.id) === Number(hit?.[1]))
      return d ? sendPage(req, res, url, d.statuses) : send(res, 404, { message: 'Not Found' })
    }
    if (req.method === 'POST' && url.pathname === '/graphql') {
      if (!req.headers.authorization) return send(res, 401, { message: 'This endpoint requires you to be authenticated.' })
      return send(res, 200, await executeGraphQL(body ?? {}, 'acme', 'ledger', knownCommit, (sha) => scenario.commitPulls?.[sha] ?? [], auditGraph))
    }
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/actions\/runs\/(\d+)\/approvals$/))) return send(res, 200, scenario.runApprovals?.[Number(hit[1])] ?? [])
    // --- the repository, and runs as the range start reads them (SPEC §13) ---
    if (req.method === 'GET' && (hit = m(/^\/repos\/acme\/ledger\/actions\/runs\/(\d+)$/)) && scenario.runsById?.[Number(hit[1])]) return send(res, 200, runOf(Number(hit[1]), scenario.runsById[Number(hit[1])] as RunSpec))
    // --- end range start ---
    // As GitHub does: more than 50 annotations, or one without a path or a positive integer line, fails the whole request.
    if ((req.method === 'POST' && canonical === '/repos/acme/ledger/check-runs') || (req.method === 'PATCH' && /^\/repos\/acme\/ledger\/check-runs\/\d+$/.test(canonical))) {
      const problem = annotationProblem((body?.output as { annotations?: unknown[] } | undefined)?.annotations)
      if (problem) return send(res, 422, { message: `Validation Failed: ${problem}` })
    }
    if (req.method === 'POST' && canonical === '/repos/acme/ledger/check-runs') {
      const id = 7_000_000 + checkRuns.length
      const app = checkRunApp(req.headers.authorization, scenario, tokens)
      checkRuns.push({ id, body: body ?? {}, updates: [], app, at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') })
      const run: CheckRun & { app: typeof app } = { id, html_url: `https://github.com/acme/ledger/runs/${id}`, name: String(body?.name), head_sha: String(body?.head_sha), status: 'completed', conclusion: body?.conclusion as CheckRun['conclusion'], app }
      return send(res, 201, run)
    }
    if (req.method === 'PATCH' && (hit = m(/^\/repos\/acme\/ledger\/check-runs\/(\d+)$/))) {
      const run = checkRuns.find((r) => r.id === Number(hit?.[1]))
      if (!run) return send(res, 404, { message: 'Not Found' })
      run.updates.push(body ?? {})
      return send(res, 200, { id: run.id, html_url: `https://github.com/acme/ledger/runs/${run.id}` })
    }
    if (serveLifecycle(req, res, url, canonical, scenario, tokens, send, sendPage)) return
    if (serveRunArtifacts(req, res, canonical, url, scenario.runArtifacts, send)) return
    // --- Artifact attestations: POST /repos/{o}/{r}/attestations {bundle} → 201 {id} (GitHub's shape). ---
    if (req.method === 'POST' && url.pathname === '/repos/acme/ledger/attestations') {
      if (!body?.bundle) return send(res, 422, { message: 'Invalid request.\n\n"bundle" wasn\'t supplied.', documentation_url: 'https://docs.github.com/rest/repos/repos#create-an-attestation', status: '422' })
      attestations.push(body.bundle)
      return send(res, 201, { id: 4_200_000 + attestations.length })
    }
    // --- end attestations ---
    send(res, 404, { message: `fake GitHub has no ${req.method} ${url.pathname}` })
  }
  /** The contents API in both media types: raw text, or the JSON object with base64 content. */
  function sendContent(req: IncomingMessage, res: ServerResponse, repo: string, file: string, ref: string): void {
    const text = scenario.contents?.[`${repo}@${ref}`]?.[file]
    if (text === undefined) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' })
    if (/application\/vnd\.github(\.v3)?\.raw/.test(req.headers.accept ?? '')) {
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw; charset=utf-8', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' })
      res.end(text)
      return
    }
    const sha = 'c0'.repeat(20)
    const body: ContentFile = {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(text),
      name: file.split('/').pop() as string,
      path: file,
      content: Buffer.from(text).toString('base64'),
      sha,
      url: `https://api.github.com/repos/${repo}/contents/${file}?ref=${ref}`,
      git_url: `https://api.github.com/repos/${repo}/git/blobs/${sha}`,
      html_url: `https://github.com/${repo}/blob/${ref}/${file}`,
      download_url: `https://raw.githubusercontent.com/${repo}/${ref}/${file}`,
      _links: { self: `https://api.github.com/repos/${repo}/contents/${file}?ref=${ref}`, git: `https://api.github.com/repos/${repo}/git/blobs/${sha}`, html: `https://github.com/${repo}/blob/${ref}/${file}` }
    }
    send(res, 200, body)
  }
  /** A commit GitHub has: one the scenario lists anywhere. */
  function knownCommit(sha: string): boolean {
    if (scenario.commitPulls?.[sha] || scenario.commits?.[sha]) return true
    if (Object.values(scenario.compares ?? {}).some((c) => c.commits.some((x) => x.sha === sha))) return true
    return Object.values(scenario.pulls ?? {}).some((p) => p.commits.some((x) => x.sha === sha) || p.pr.merge_commit_sha === sha)
  }
  function sendPage(req: IncomingMessage, res: ServerResponse, url: URL, items: unknown[]): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), scenario.maxPerPage ?? 100)
    const page = Number(url.searchParams.get('page') ?? 1)
    const pages = Math.max(1, Math.ceil(items.length / perPage))
    const headers: Record<string, string> = {}
    if (page < pages) {
      const next = new URL(url)
      next.searchParams.set('page', String(page + 1))
      const last = new URL(url)
      last.searchParams.set('page', String(pages))
      headers.link = `<${next.toString()}>; rel="next", <${last.toString()}>; rel="last"`
    }
    send(res, 200, items.slice((page - 1) * perPage, page * perPage), headers)
  }
  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-github-api-version-selected': '2022-11-28', ...headers })
    res.end(JSON.stringify(body))
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: base,
    requests,
    checkRuns,
    requiredCheck: (sha, name, appId) => [...checkRuns].reverse().find((r) => r.body.head_sha === sha && r.body.name === name && (appId === undefined || r.app.id === appId))?.body.conclusion as string | undefined,
    attestations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.close(() => resolve())
      })
  }
}

/**
 * A direct push of `sha` (no pull request), whose parent BASE_SHA holds `map` at the default
 * path and which touches no protected path: SOX-GATE-INTEGRITY passes, approval controls fail.
 * For tests about something else than who approved.
 */
export function directPush(sha: string, map: string, extra: Scenario = {}): Scenario {
  const alice: GitPerson = { name: 'Alice', email: 'alice@acme.example', login: 'alice' }
  return {
    ...extra,
    commitPulls: { [sha]: [], ...extra.commitPulls },
    commits: { [sha]: ghCommit(sha, alice, alice, 'Post entries', { parents: [BASE_SHA], files: [ghFile('src/ledger/posting.ts')] }), ...extra.commits },
    contents: { [`acme/ledger@${BASE_SHA}`]: { '.github/sox-controls.yml': map }, ...extra.contents }
  }
}

let deploymentIds = 9_100_000
/** A deployment as GET /repos/{o}/{r}/deployments lists it. */
export function ghDeployment(sha: string, environment: string, creator = 'github-actions[bot]', createdAt = '2026-11-19T08:00:00Z'): Deployment {
  const id = deploymentIds++
  const url = `https://api.github.com/repos/acme/ledger/deployments/${id}`
  return {
    url,
    id,
    node_id: `DE_${id}`,
    sha,
    ref: 'main',
    task: 'deploy',
    payload: {},
    original_environment: environment,
    environment,
    description: null,
    creator: ghUser(creator, creator.endsWith('[bot]') ? 'Bot' : 'User'),
    created_at: createdAt,
    updated_at: createdAt,
    statuses_url: `${url}/statuses`,
    repository_url: 'https://api.github.com/repos/acme/ledger',
    production_environment: environment === 'production',
    transient_environment: false
  }
}

/** A deployment status, as GET …/deployments/{id}/statuses lists it (newest first); `runUrl` is what its log_url and target_url link. */
export function ghDeploymentStatus(deployment: Deployment, state: DeploymentStatus['state'], creator = 'github-actions[bot]', runUrl = 'https://github.com/acme/ledger/actions/runs/1'): DeploymentStatus {
  const id = deploymentIds++
  return {
    url: `${deployment.url}/statuses/${id}`,
    id,
    node_id: `DES_${id}`,
    state,
    creator: ghUser(creator, creator.endsWith('[bot]') ? 'Bot' : 'User'),
    description: `Deployment ${state}`,
    environment: deployment.environment,
    target_url: runUrl,
    created_at: deployment.created_at,
    updated_at: deployment.created_at,
    deployment_url: deployment.url,
    repository_url: 'https://api.github.com/repos/acme/ledger',
    environment_url: 'https://ledger.acme.example',
    log_url: runUrl
  }
}

/** GET …/actions/runs/{id} as the range start reads it: where it ran, which workflow, how it ended. */
function runOf(id: number, r: RunSpec): Pick<Schemas['workflow-run'], 'id' | 'name' | 'path' | 'head_sha' | 'head_branch' | 'event' | 'status' | 'conclusion' | 'run_attempt' | 'html_url'> & { repository: { full_name: string }; head_repository: { full_name: string } } {
  return {
    id,
    name: 'deploy',
    path: r.path ?? '.github/workflows/deploy.yml',
    head_sha: r.headSha,
    head_branch: r.headBranch,
    event: r.event,
    status: r.conclusion === null ? 'in_progress' : 'completed',
    conclusion: r.conclusion === undefined ? 'success' : r.conclusion,
    run_attempt: 1,
    html_url: `https://github.com/acme/ledger/actions/runs/${id}`,
    repository: { full_name: 'acme/ledger' },
    head_repository: { full_name: r.headRepository ?? 'acme/ledger' }
  }
}

// --- Workflow run artifacts (report-artifacts from another run, through @actions/artifact's findBy) ---

type Artifact = Schemas['artifact']

/** Each run's artifacts, and where each artifact's zip redirects to (a signed blob URL). */
export interface RunArtifacts {
  runs: Record<number, Artifact[]>
  /** The commit each run tested (GET …/actions/runs/{id}'s head_sha); a run not named here has none to give (404). */
  heads?: Record<number, string>
  zipUrl: (artifactId: number) => string
}

/** An artifact as GET /repos/{o}/{r}/actions/runs/{id}/artifacts lists it. */
export function ghArtifact(id: number, name: string, size: number, digest: string | null, runId: number): Artifact {
  const url = `https://api.github.com/repos/acme/ledger/actions/artifacts/${id}`
  return {
    id,
    node_id: `MDg6QXJ0aWZhY3Q${id}`,
    name,
    size_in_bytes: size,
    url,
    archive_download_url: `${url}/zip`,
    expired: false,
    created_at: '2026-11-20T10:00:00Z',
    updated_at: '2026-11-20T10:00:00Z',
    expires_at: '2027-02-18T10:00:00Z',
    digest,
    workflow_run: { id: runId, repository_id: 42, head_repository_id: 43, head_branch: 'feature/posting', head_sha: 'ab'.repeat(20) }
  }
}

/** The fields of GET …/actions/runs/{id} the gate reads, as GitHub names them. */
function workflowRun(id: number, headSha: string): Pick<Schemas['workflow-run'], 'id' | 'name' | 'head_sha' | 'head_branch' | 'event' | 'status' | 'conclusion' | 'run_attempt' | 'html_url'> {
  return { id, name: 'CI', head_sha: headSha, head_branch: 'feature/posting', event: 'pull_request', status: 'completed', conclusion: 'success', run_attempt: 1, html_url: `https://github.com/acme/ledger/actions/runs/${id}` }
}

/**
 * GET …/actions/runs/{id} (a run's head commit), GET …/actions/runs/{id}/artifacts (paginated by per_page and page, with total_count) and
 * GET …/actions/artifacts/{id}/zip, which answers 302 to the zip's signed URL as GitHub does.
 * Returns false when the request is not one of these.
 */
function serveRunArtifacts(req: IncomingMessage, res: ServerResponse, canonical: string, url: URL, artifacts: RunArtifacts | undefined, send: (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void): boolean {
  if (req.method !== 'GET') return false
  let hit = /^\/repos\/acme\/ledger\/actions\/runs\/(\d+)$/.exec(canonical)
  if (hit) {
    const id = Number(hit[1])
    const head = artifacts?.heads?.[id]
    if (head === undefined) send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run', status: '404' })
    else send(res, 200, workflowRun(id, head))
    return true
  }
  hit = /^\/repos\/acme\/ledger\/actions\/runs\/(\d+)\/artifacts$/.exec(canonical)
  if (hit) {
    const all = artifacts?.runs[Number(hit[1])]
    if (!all) {
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions/artifacts#list-workflow-run-artifacts', status: '404' })
      return true
    }
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
    const page = Number(url.searchParams.get('page') ?? 1)
    send(res, 200, { total_count: all.length, artifacts: all.slice((page - 1) * perPage, page * perPage) })
    return true
  }
  hit = /^\/repos\/acme\/ledger\/actions\/artifacts\/(\d+)\/zip$/.exec(canonical)
  if (hit) {
    const id = Number(hit[1])
    const known = Object.values(artifacts?.runs ?? {}).some((list) => list.some((a) => a.id === id))
    if (!artifacts || !known) send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact', status: '404' })
    else {
      res.writeHead(302, { location: artifacts.zipUrl(id), 'content-length': '0', 'x-github-api-version-selected': '2022-11-28' })
      res.end()
    }
    return true
  }
  return false
}
// --- end workflow run artifacts ---

/** Why GitHub would refuse these check-run annotations (422), or undefined when it would take them. */
function annotationProblem(annotations: unknown[] | undefined): string | undefined {
  if (!annotations) return undefined
  if (annotations.length > 50) return `${annotations.length} annotations in one request (at most 50)`
  for (const a of annotations as { path?: unknown; start_line?: unknown; end_line?: unknown; annotation_level?: unknown; message?: unknown }[]) {
    if (typeof a.path !== 'string' || a.path === '') return 'an annotation without a path'
    for (const line of [a.start_line, a.end_line]) if (!Number.isSafeInteger(line) || (line as number) < 1) return `annotation line ${String(line)} is not a positive integer`
    if (!['notice', 'warning', 'failure'].includes(String(a.annotation_level))) return `annotation_level ${String(a.annotation_level)}`
    if (typeof a.message !== 'string' || a.message === '') return 'an annotation without a message'
  }
  return undefined
}

import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { components } from '@octokit/openapi-types'

// The parts of GitHub's REST API that the life of a pull request needs (SPEC §13): the repository's
// default branch and a branch's head, the issue timeline (base changes), a workflow's runs for a
// head sha, and a GitHub App's identity (JWT, installation, installation token). Served by
// fake-github.ts, which hands each request here first.

type Schemas = components['schemas']
type TimelineEvent = Schemas['state-change-issue-event']
type Workflow = Pick<Schemas['workflow'], 'id' | 'node_id' | 'name' | 'path' | 'state' | 'created_at' | 'updated_at' | 'url' | 'html_url' | 'badge_url'>
export type WorkflowRun = Pick<Schemas['workflow-run'], 'id' | 'name' | 'path' | 'workflow_id' | 'head_sha' | 'head_branch' | 'event' | 'status' | 'conclusion' | 'run_attempt' | 'html_url' | 'created_at' | 'run_number'>
type Integration = Pick<NonNullable<Schemas['integration']>, 'id' | 'slug' | 'node_id' | 'name' | 'description' | 'external_url' | 'html_url' | 'created_at' | 'updated_at' | 'permissions' | 'events'>

/** A GitHub App the tests own: its key pair, and who it is. */
export interface FakeApp {
  id: number
  slug: string
  name: string
  installationId: number
  privateKeyPem: string
  publicKey: KeyObject
}

let appIds = 900_100
/** A GitHub App with a fresh RSA key (what GitHub gives an App's owner as a .pem file). */
export function makeApp(slug = 'sox-gate-acme'): FakeApp {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const id = appIds++
  return { id, slug, name: slug.replace(/-/g, ' '), installationId: id * 10, privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey }
}

export interface LifecycleScenario {
  /** The repository's default branch (GET /repos/{o}/{r}); default `main`. */
  defaultBranch?: string
  /** Each branch's head commit (GET /repos/{o}/{r}/branches/{branch}). */
  branches?: Record<string, string>
  /** Issue timelines by pull request number (GET /repos/{o}/{r}/issues/{n}/timeline). */
  timelines?: Record<number, TimelineEvent[]>
  /** The repository's workflows (GET /repos/{o}/{r}/actions/workflows). */
  workflows?: Workflow[]
  /** Workflow runs, newest first, as GitHub lists them (GET …/actions/workflows/{id}/runs, …/actions/runs/{id}). */
  workflowRuns?: WorkflowRun[]
  /** The GitHub App installed on the repository (JWT → installation → token). */
  app?: FakeApp
  /** Installation tokens of the App minted before the run (by actions/create-github-app-token in an earlier step). */
  appTokens?: string[]
}

/** Which identity each token the fake handed out (or the runner's) posts as. */
export interface TokenIdentities {
  /** Installation tokens minted for the App, in order. */
  appTokens: string[]
}

let timelineIds = 61_000_000
/** A `base_ref_changed` timeline event: the pull request's base branch changed at `at`. */
export function ghBaseRefChanged(at: string, actor = 'alice'): TimelineEvent {
  const id = timelineIds++
  return { id, node_id: `BRCE_${id}`, url: `https://api.github.com/repos/acme/ledger/issues/events/${id}`, actor: { login: actor, id: 1, node_id: 'U_1', avatar_url: '', gravatar_id: '', url: '', html_url: '', followers_url: '', following_url: '', gists_url: '', starred_url: '', subscriptions_url: '', organizations_url: '', repos_url: '', events_url: '', received_events_url: '', type: 'User', site_admin: false }, event: 'base_ref_changed', commit_id: null, commit_url: null, created_at: at, performed_via_github_app: null }
}

/** Another timeline event (a comment, a review request…): the gate must look past them. */
export function ghTimelineEvent(event: string, at: string): TimelineEvent {
  return { ...ghBaseRefChanged(at), event }
}

export function ghWorkflow(id: number, name: string, path: string): Workflow {
  return { id, node_id: `W_${id}`, name, path, state: 'active', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', url: `https://api.github.com/repos/acme/ledger/actions/workflows/${id}`, html_url: `https://github.com/acme/ledger/blob/main/${path}`, badge_url: `https://github.com/acme/ledger/workflows/${encodeURIComponent(name)}/badge.svg` }
}

export function ghWorkflowRun(id: number, workflow: Workflow, headSha: string, o: { status?: WorkflowRun['status']; conclusion?: WorkflowRun['conclusion']; event?: string; headBranch?: string; createdAt?: string; attempt?: number } = {}): WorkflowRun {
  return {
    id,
    name: workflow.name,
    path: workflow.path,
    workflow_id: workflow.id,
    head_sha: headSha,
    head_branch: o.headBranch ?? 'feature/posting',
    event: o.event ?? 'pull_request',
    status: o.status ?? 'completed',
    conclusion: o.conclusion === undefined ? (o.status === undefined || o.status === 'completed' ? 'success' : null) : o.conclusion,
    run_attempt: o.attempt ?? 1,
    run_number: id % 1000,
    html_url: `https://github.com/acme/ledger/actions/runs/${id}`,
    created_at: o.createdAt ?? '2026-11-20T09:30:00Z'
  }
}

type Send = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void
type SendPage = (req: IncomingMessage, res: ServerResponse, url: URL, items: unknown[]) => void

/** The JWT's claims when its RS256 signature is the App's and it has not expired; else why not. */
function verifyJwt(authorization: string | undefined, app: FakeApp | undefined): { iss: string } | string {
  if (!app) return 'no GitHub App is installed here'
  const m = /^Bearer (.+)$/i.exec(authorization ?? '')
  if (!m) return 'A JSON web token could not be decoded'
  const [header, payload, signature] = (m[1] as string).split('.')
  if (!header || !payload || !signature) return 'A JSON web token could not be decoded'
  const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(app.publicKey, Buffer.from(signature, 'base64url'))
  if (!ok) return "'Issuer' claim ('iss') must be an Integer"
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string | number; exp?: number; iat?: number }
  if (String(claims.iss) !== String(app.id)) return "'Issuer' claim ('iss') must match the App"
  const now = Date.now() / 1000
  if (!claims.exp || claims.exp < now || claims.exp - (claims.iat ?? now) > 600) return "'Expiration time' claim ('exp') is too far in the future or has passed"
  return { iss: String(claims.iss) }
}

/**
 * Serves the request when it is one of the lifecycle endpoints; returns false otherwise.
 * `canonical` is the path with the repository folded to acme/ledger.
 */
export function serveLifecycle(req: IncomingMessage, res: ServerResponse, url: URL, canonical: string, scenario: LifecycleScenario, tokens: TokenIdentities, send: Send, sendPage: SendPage): boolean {
  const get = req.method === 'GET'
  let hit: RegExpExecArray | null
  if (get && canonical === '/repos/acme/ledger') {
    // The few fields of a full-repository the gate reads, with GitHub's names.
    send(res, 200, { id: 42, node_id: 'R_42', name: 'ledger', full_name: 'acme/ledger', private: true, default_branch: scenario.defaultBranch ?? 'main', html_url: 'https://github.com/acme/ledger' })
    return true
  }
  if (get && (hit = /^\/repos\/acme\/ledger\/branches\/(.+)$/.exec(canonical))) {
    const name = decodeURIComponent(hit[1] as string)
    const sha = scenario.branches?.[name]
    if (!sha) send(res, 404, { message: 'Branch not found', documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch', status: '404' })
    else send(res, 200, { name, commit: { sha, url: `https://api.github.com/repos/acme/ledger/commits/${sha}` }, protected: name === (scenario.defaultBranch ?? 'main') })
    return true
  }
  if (get && (hit = /^\/repos\/acme\/ledger\/issues\/(\d+)\/timeline$/.exec(canonical))) {
    sendPage(req, res, url, scenario.timelines?.[Number(hit[1])] ?? [])
    return true
  }
  if (get && canonical === '/repos/acme/ledger/actions/workflows') {
    const all = scenario.workflows ?? []
    send(res, 200, { total_count: all.length, workflows: all })
    return true
  }
  if (get && (hit = /^\/repos\/acme\/ledger\/actions\/workflows\/([^/]+)\/runs$/.exec(canonical))) {
    // A workflow is named by its id or its file name (GitHub takes both).
    const key = decodeURIComponent(hit[1] as string)
    const workflow = (scenario.workflows ?? []).find((w) => String(w.id) === key || w.path.split('/').pop() === key)
    if (!workflow) {
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow', status: '404' })
      return true
    }
    const headSha = url.searchParams.get('head_sha')
    const status = url.searchParams.get('status')
    const runs = (scenario.workflowRuns ?? []).filter((r) => r.workflow_id === workflow.id && (!headSha || r.head_sha === headSha) && (!status || r.status === status || r.conclusion === status))
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
    const page = Number(url.searchParams.get('page') ?? 1)
    send(res, 200, { total_count: runs.length, workflow_runs: runs.slice((page - 1) * perPage, page * perPage) })
    return true
  }
  if (get && (hit = /^\/repos\/acme\/ledger\/actions\/runs\/(\d+)$/.exec(canonical))) {
    const run = (scenario.workflowRuns ?? []).find((r) => r.id === Number(hit?.[1]))
    if (!run) return false
    send(res, 200, run)
    return true
  }
  // --- A GitHub App: JWT-authenticated calls, and the installation token it mints. ---
  if (get && canonical === '/app') {
    const claims = verifyJwt(req.headers.authorization, scenario.app)
    if (typeof claims === 'string') send(res, 401, { message: claims, documentation_url: 'https://docs.github.com/rest' })
    else {
      const app = scenario.app as FakeApp
      const body: Integration = { id: app.id, slug: app.slug, node_id: `A_${app.id}`, name: app.name, description: null, external_url: 'https://acme.example', html_url: `https://github.com/apps/${app.slug}`, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', permissions: { checks: 'write', contents: 'read' }, events: [] }
      send(res, 200, body)
    }
    return true
  }
  if (get && canonical === '/repos/acme/ledger/installation') {
    const claims = verifyJwt(req.headers.authorization, scenario.app)
    if (typeof claims === 'string') send(res, 401, { message: claims, documentation_url: 'https://docs.github.com/rest' })
    else {
      const app = scenario.app as FakeApp
      send(res, 200, { id: app.installationId, app_id: app.id, app_slug: app.slug, target_type: 'Organization', repository_selection: 'selected', permissions: { checks: 'write', contents: 'read' }, events: [], access_tokens_url: `https://api.github.com/app/installations/${app.installationId}/access_tokens` })
    }
    return true
  }
  if (req.method === 'POST' && (hit = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname))) {
    const claims = verifyJwt(req.headers.authorization, scenario.app)
    if (typeof claims === 'string' || Number(hit[1]) !== scenario.app?.installationId) {
      send(res, typeof claims === 'string' ? 401 : 404, { message: typeof claims === 'string' ? claims : 'Not Found', documentation_url: 'https://docs.github.com/rest' })
      return true
    }
    const token = `ghs_app${scenario.app.id}x${tokens.appTokens.length + 1}`
    tokens.appTokens.push(token)
    const body: Pick<Schemas['installation-token'], 'token' | 'expires_at' | 'permissions' | 'repository_selection'> = { token, expires_at: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'), permissions: { checks: 'write', contents: 'read' }, repository_selection: 'selected' }
    send(res, 201, body)
    return true
  }
  return false
}

/** Who a check run created with this authorization header belongs to: the App, or GitHub Actions (any GITHUB_TOKEN). */
export function checkRunApp(authorization: string | undefined, scenario: LifecycleScenario, tokens: TokenIdentities): { id: number; slug: string; name: string } {
  const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1]
  if (token && scenario.app && (tokens.appTokens.includes(token) || scenario.appTokens?.includes(token))) return { id: scenario.app.id, slug: scenario.app.slug, name: scenario.app.name }
  return { id: 15368, slug: 'github-actions', name: 'GitHub Actions' }
}

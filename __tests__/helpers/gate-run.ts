import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runAction, type ActionRun, type RunOptions } from './action.js'
import { BASE_SHA, ghCommit, ghFile, ghPull, ghReview, startFakeGitHub, WEB_FLOW, type FakeGitHub, type Scenario } from './fake-github.js'
import { runCli, workspace } from './run.js'

export interface GateRunOptions {
  /** The workspace's control map: the one the change proposes. */
  map: string
  /** The map at the base, served by the contents API; undefined: the same as `map`; null: none (404). */
  baseMap?: string | null
  /** Files the change touches, given to every pull request of the scenario that has none. */
  files?: ReturnType<typeof ghFile>[]
  report: string
  event?: string
  payload: object
  sha: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** More workspace files (path → text). */
  workspaceFiles?: Record<string, string>
  /** Reach the fake API by this name instead of 127.0.0.1 (a name a proxy is used for). */
  apiHost?: string
}

export interface GateRun extends ActionRun {
  dir: string
  server: FakeGitHub
  /** The offline re-performance's decision, when the run reached one. */
  offline?: { code: number; decision: string; stdout: string }
}

/**
 * Runs dist/index.js on a pull request or push against a fake GitHub API that serves the control
 * map at the base (as the contents API does), then re-performs the decision offline from what the
 * action kept — change record, proposed and trusted maps — through `sox-gate check`.
 */
export async function runGateScenario(scenario: Scenario, o: GateRunOptions): Promise<GateRun> {
  const baseMap = o.baseMap === undefined ? o.map : o.baseMap
  const contents = { ...scenario.contents }
  if (baseMap !== null && !contents[`acme/ledger@${BASE_SHA}`]) contents[`acme/ledger@${BASE_SHA}`] = { '.github/sox-controls.yml': baseMap }
  const pulls = Object.fromEntries(Object.entries(scenario.pulls ?? {}).map(([n, p]) => [n, { ...p, files: p.files ?? o.files ?? [ghFile('src/ledger/posting.ts')] }]))
  const server = await startFakeGitHub({ ...scenario, pulls, contents })
  const dir = workspace({ '.github/sox-controls.yml': o.map, 'reports/r.xml': o.report, 'event.json': JSON.stringify(o.payload), ...o.workspaceFiles })
  const r = await runAction(dir, { 'github-token': 'ghs_faketoken', 'check-name': 'SOX compliance gate', 'upload-evidence': 'false', ...o.inputs }, {
    GITHUB_API_URL: o.apiHost ? server.url.replace('127.0.0.1', o.apiHost) : server.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/ledger',
    GITHUB_EVENT_NAME: o.event ?? 'pull_request',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_SHA: o.sha,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW_REF: 'acme/ledger/.github/workflows/deploy.yml@refs/heads/main',
    ...o.env
  })
  return { ...r, dir, server, offline: reperform(dir, r) }
}

/** `sox-gate check` on what the action kept: the same rules must give the same decision offline. */
export function reperform(dir: string, r: ActionRun): GateRun['offline'] {
  const bundle = path.join(dir, 'sox-evidence')
  if (r.code === 2 || !existsSync(path.join(bundle, 'change.json'))) return undefined
  const args = ['check', '--format', 'json', '--change', 'sox-evidence/change.json', '--controls', 'sox-evidence/inputs/control-map.yml', '--now', evaluatedAt(bundle)]
  // The reports the action read (an artifact's, when it read artifacts), not the map's default globs.
  for (const report of manifestReports(bundle)) args.push('--reports', fgEscape(report))
  if (existsSync(path.join(bundle, 'inputs/trusted-control-map.yml'))) args.push('--base-controls', 'sox-evidence/inputs/trusted-control-map.yml')
  const offline = runCli(args, dir)
  let decision = `exit ${offline.code}: ${offline.stderr}`
  try {
    decision = (JSON.parse(offline.stdout) as { decision: string }).decision
  } catch {
    // keep the exit code and stderr as the "decision", so the assertion shows what went wrong
  }
  return { code: offline.code, decision, stdout: offline.stdout }
}

function manifestReports(bundle: string): string[] {
  return (JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as { reports: { path: string }[] }).reports.map((r) => r.path)
}
/** A path as a glob that matches just it. */
const fgEscape = (p: string): string => p.replace(/[*?[\]{}()!]/g, '\\$&')

function evaluatedAt(bundle: string): string {
  const manifest = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as { evaluatedAt: string }
  return manifest.evaluatedAt
}

export const PR_HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const PR_MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'

/**
 * runAction, on a pull request as GitHub would run it: #42 by alice, approved on its head by
 * carol, touching no protected path, with the workspace's control map also served at the base.
 * For tests about something else than who approved (reports, evidence, masking, upload).
 */
export async function runActionInPullRequest(dir: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, options: RunOptions = {}): Promise<ActionRun & { server: FakeGitHub }> {
  const mapPath = inputs['control-map'] ?? '.github/sox-controls.yml'
  const mapFile = path.join(dir, mapPath)
  const repository = env.GITHUB_REPOSITORY ?? 'acme/ledger'
  const contents: Record<string, Record<string, string>> = existsSync(mapFile) ? { [`${repository}@${BASE_SHA}`]: { [mapPath.replace(/^\.\//, '')]: readFileSync(mapFile, 'utf8') } } : {}
  const commit = ghCommit(PR_HEAD, { name: 'Alice', email: 'alice@acme.example', login: 'alice' }, WEB_FLOW, 'Post entries atomically')
  const server = await startFakeGitHub({ pulls: { 42: { pr: ghPull(42, 'alice', PR_HEAD, 1), reviews: [ghReview('carol', 'APPROVED', PR_HEAD, '2026-11-20T10:00:00Z')], commits: [commit], files: [ghFile('src/ledger/posting.ts')] } }, contents })
  const eventFile = path.join(dir, '.github-event.json')
  writeFileSync(eventFile, JSON.stringify({ action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: PR_HEAD }, base: { sha: BASE_SHA } } }))
  try {
    const r = await runAction(dir, { 'github-token': 'ghs_faketoken', ...inputs }, {
      GITHUB_API_URL: server.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/ledger',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_SHA: PR_MERGE,
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      ...env
    }, options)
    return { ...r, server }
  } finally {
    await server.close()
  }
}

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runAction, type ActionRun } from './action.js'
import { BASE_SHA, ghCommit, ghDeployment, ghDeploymentStatus, ghFile, ghPull, ghReview, startFakeGitHub, type FakeGitHub, type GitPerson, type Scenario } from './fake-github.js'
import type { HistoryCommit } from './fake-audit-github.js'
import type { FakeS3 } from './fake-s3.js'
import { awsEnv, cli } from './store-run.js'
import { workspace } from './run.js'

/*
 * One repository's life against one fake GitHub and one local S3: pull requests that the action
 * (dist/index.js) judges, one run each, keeping its bundle and ledger entry in the store and
 * posting its check run to the fake; deployments made after those runs; the default branch's
 * history. Then `sox-gate audit` reads it all back.
 */

export const person = (login: string): GitPerson => ({ name: login[0]?.toUpperCase() + login.slice(1), email: `${login}@acme.example`, login })
export const PASSING = '<testsuite name="posting"><testcase name="balances [CM-01]"/><testcase name="rounds half even [CM-01]"/></testsuite>'

/** Ten days ahead, whole seconds: a waiver the action (which judges at the wall clock) accepts. */
const inDays = (n: number): string => new Date(Math.floor(Date.now() / 86_400_000 + n) * 86_400_000).toISOString().replace('.000Z', 'Z')

/** Two independent approvals needed; CM-02 waivable by a control owner's emergency waiver. */
export function auditMap(waiver = true): string {
  return `version: 1
system: ledger-service
control-owners: [olivia, dan]
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-02
    title: Changes are approved by someone other than their authors
    key: true
    approval: { min-approvals: 2, waivable: true }
${waiver ? `waivers:\n  - { id: EXC-7, control: CM-02, reason: P1 outage, requested-by: alice, approved-by: olivia, expires: "${inDays(10)}" }\n` : ''}`
}

/** A sha made of a number: readable in assertions, unique per test. */
export const shaOf = (n: number): string => n.toString(16).padStart(8, '0').repeat(5)

export interface World {
  github: FakeGitHub
  scenario: Scenario
  s3: FakeS3
  /** Whole seconds after every write so far: what a deployment made now is stamped with. */
  tick(): string
}

export async function startWorld(s3: FakeS3, map: string): Promise<World> {
  const scenario: Scenario = { pulls: {}, commitPulls: {}, deployments: [], contents: { [`acme/ledger@${BASE_SHA}`]: { '.github/sox-controls.yml': map }, 'acme/ledger@main': { '.github/sox-controls.yml': map } }, audit: { defaultBranch: { name: 'main', commits: [{ sha: BASE_SHA, committedDate: '2026-01-01T00:00:00Z', message: 'initial', files: ['.github/sox-controls.yml'], parents: [] }] } } }
  const github = await startFakeGitHub(scenario)
  let last = 0
  const tick = (): string => {
    // GitHub stamps to the second: one second past the latest write, so "before" is never a tie.
    last = Math.max(last + 1000, Math.ceil(Date.now() / 1000) * 1000 + 1000)
    return new Date(last).toISOString().replace('.000Z', 'Z')
  }
  return { github, scenario, s3, tick }
}

/** Pull request `n` by `author` with head `sha`, reviewed by `reviewers` (APPROVED on the head). */
export function addPull(w: World, n: number, author: string, sha: string, reviewers: string[]): void {
  const at = '2026-11-20T10:00:00Z'
  ;(w.scenario.pulls as NonNullable<Scenario['pulls']>)[n] = {
    pr: ghPull(n, author, sha, 1),
    reviews: reviewers.map((r) => ghReview(r, 'APPROVED', sha, at)),
    commits: [ghCommit(sha, person(author), person(author), `Change ${n}`)],
    files: [ghFile('src/ledger/posting.ts')]
  }
}

/** The action on pull request `n`'s head, with the store and environment production; run id `runId`. */
export async function gateRun(w: World, n: number, runId: number, report = PASSING, map?: string): Promise<ActionRun> {
  const pull = (w.scenario.pulls as NonNullable<Scenario['pulls']>)[n]
  if (!pull) throw new Error(`no pull request #${n}`)
  const head = pull.pr.head.sha
  const dir = workspace({ '.github/sox-controls.yml': map ?? (w.scenario.contents?.[`acme/ledger@${BASE_SHA}`]?.['.github/sox-controls.yml'] as string), 'reports/r.xml': report })
  const eventFile = path.join(dir, '.event.json')
  writeFileSync(eventFile, JSON.stringify({ action: 'synchronize', number: n, pull_request: { number: n, head: { sha: head }, base: { sha: BASE_SHA } } }))
  return runAction(dir, { 'github-token': 'ghs_faketoken', 'upload-evidence': 'false', 'evidence-store': 's3://evidence/sox', environment: 'production' }, {
    ...awsEnv(w.s3),
    GITHUB_API_URL: w.github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/ledger',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_SHA: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1'
  })
}

/** A deployment of `sha` to production made now, with the given statuses in order (each a second later). */
export function deploy(w: World, sha: string, states: ('queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive')[], creator = 'github-actions[bot]'): number {
  const deployment = ghDeployment(sha, 'production', creator, w.tick())
  const statuses = states.map((s) => {
    const status = ghDeploymentStatus(deployment, s)
    const at = w.tick()
    return { ...status, created_at: at, updated_at: at }
  })
  ;(w.scenario.deployments as NonNullable<Scenario['deployments']>).push({ deployment, statuses: statuses.reverse() })
  return Number(deployment.id)
}

/** A change landed on main through pull request `n` (merged now), touching `files`. */
export function landOnMain(w: World, n: number, author: string, mergeSha: string, files: string[], reviewers: string[]): void {
  const head = shaOf(0xbeef0000 + n)
  const at = w.tick()
  addPull(w, n, author, head, reviewers)
  const pulls = w.scenario.pulls as NonNullable<Scenario['pulls']>
  ;(pulls[n] as NonNullable<typeof pulls[number]>).pr = ghPull(n, author, head, 1, { at, sha: mergeSha })
  ;(w.scenario.commitPulls as NonNullable<Scenario['commitPulls']>)[mergeSha] = [ghPull(n, author, head, 1, { at, sha: mergeSha })]
  const branch = w.scenario.audit?.defaultBranch as { commits: HistoryCommit[] }
  branch.commits.unshift({ sha: mergeSha, committedDate: at, message: `Merge pull request #${n}`, files, parents: [branch.commits[0]?.sha ?? BASE_SHA] })
}

export function auditEnv(w: World): NodeJS.ProcessEnv {
  return { ...awsEnv(w.s3), GITHUB_TOKEN: 'ghp_auditor', GITHUB_API_URL: w.github.url, GITHUB_SERVER_URL: 'https://github.com' }
}

/** `sox-gate audit` over today (UTC) ± a day, into a fresh folder. */
export async function audit(w: World, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'sox-audit-')), 'out')
  const day = Date.now() - (Date.now() % 86_400_000)
  const from = new Date(day - 86_400_000).toISOString().slice(0, 10)
  const to = new Date(day + 2 * 86_400_000).toISOString().slice(0, 10)
  const r = await cli(['audit', '--repo', 'acme/ledger', '--environment', 'production', '--from', from, '--to', to, '--out', out, '--now', '2026-12-31T00:00:00Z', ...extra], { ...auditEnv(w), ...env })
  return { ...r, out }
}

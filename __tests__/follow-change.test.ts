import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { BASE_SHA, ghArtifact, ghCommit, ghPull, ghReview, WEB_FLOW, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { ghBaseRefChanged, ghTimelineEvent, ghWorkflow, ghWorkflowRun, makeApp } from './helpers/fake-github-lifecycle.js'
import { startFakeResults } from './helpers/fake-results.js'
import { runGateScenario, type GateRun, type GateRunOptions } from './helpers/gate-run.js'
import { makeZip } from './helpers/zip.js'

// SPEC §13: the verdict on the required check follows the pull request as it now stands — the
// head the event names, the base it is really against, reviews given after its latest base
// change — whoever tries to make an old head, another base or a stale approval count.
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const NEWER = 'e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const MAIN_TIP = '7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a'
const SANDBOX_SHA = '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a'
const T1 = '2026-11-20T10:00:00Z'
const T2 = '2026-11-20T11:00:00Z'
const T3 = '2026-11-20T12:00:00Z'
const person = (login: string): GitPerson => ({ name: login, email: `${login}@acme.example`, login })

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Changes are approved by someone other than their authors, key: true, approval: {} }
`
/** The map an author keeps on a branch of their own: no approval control at all. */
const WEAK_MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'

type Pull = NonNullable<Scenario['pulls']>[number]
/** Pull request #42 by alice at `head`, into `base` (ref and sha), with these reviews and base changes. */
function pull(o: { head?: string; reviews?: ReturnType<typeof ghReview>[]; baseRef?: string; baseSha?: string } = {}): Pull {
  const head = o.head ?? HEAD
  const pr = { ...ghPull(42, 'alice', head, 1), base: { sha: o.baseSha ?? BASE_SHA, ref: o.baseRef ?? 'main', label: `acme:${o.baseRef ?? 'main'}` } }
  return { pr, reviews: o.reviews ?? [], commits: [ghCommit(head, person('alice'), WEB_FLOW, 'Post entries atomically')] }
}
const prEvent = (head = HEAD, action = 'synchronize', base: { sha: string; ref: string } = { sha: BASE_SHA, ref: 'main' }) => ({ action, number: 42, pull_request: { number: 42, head: { sha: head }, base } })

let afterDone: (() => Promise<void>) | undefined
afterEach(async () => {
  await afterDone?.()
  afterDone = undefined
})

async function gate(scenario: Scenario, o: Partial<GateRunOptions> & { nothingJudged?: boolean } = {}): Promise<GateRun> {
  const r = await runGateScenario(scenario, { map: MAP, report: REPORT, payload: prEvent(), sha: MERGE, ...o })
  await r.server.close()
  // The same facts, re-performed offline from what the action kept, give the same decision.
  if (r.code !== 2 && !o.nothingJudged) expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}
const changeOf = (r: GateRun) => JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { pullRequest: { headSha: string; baseRef: string; baseChanges: { at: string }[] }; trust: { ref: string; note: string; baseBranch?: object }; reportsRun?: object }
const controlOf = (r: GateRun, id: string) => (JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { controls: { id: string; status: string; reasons: { code: string; message: string }[] }[] }).controls.find((c) => c.id === id)

describe('the head the event names', () => {
  test('attack: a re-run of an old head after a newer head was approved — block, on the old head, naming the current head', async () => {
    // The event (an old run re-run) names HEAD; the pull request has moved on to NEWER, which carol approved.
    const r = await gate({ pulls: { 42: pull({ head: NEWER, reviews: [ghReview('carol', 'APPROVED', NEWER, T2)] }) } }, { payload: prEvent(HEAD) })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    const check = r.server.checkRuns[0]?.body as { head_sha: string; conclusion: string }
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'failure' })
    expect(controlOf(r, 'CM-02')?.reasons[0]).toMatchObject({ code: 'head-moved-on', message: expect.stringContaining('its head is now e7e7e7e, not 9f8e7d6') })
    // Whatever the map: SOX-GATE-INTEGRITY carries it too, so a map with no approval control still blocks.
    expect(controlOf(r, 'SOX-GATE-INTEGRITY')).toMatchObject({ status: 'fail' })
  })

  test('a map with no approval control: an old head still blocks once the pull request moved on', async () => {
    const r = await gate({ pulls: { 42: pull({ head: NEWER, reviews: [ghReview('carol', 'APPROVED', NEWER, T2)] }) } }, { map: WEAK_MAP, payload: prEvent(HEAD) })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #42 has moved on: its head is now e7e7e7e, not 9f8e7d6')
  })

  test('a pull_request_review event is judged as its pull request, on the head it names: the approval turns it green', async () => {
    const review = ghReview('carol', 'APPROVED', HEAD, T2)
    const r = await gate({ pulls: { 42: pull({ reviews: [review] }) } }, { event: 'pull_request_review', payload: { ...prEvent(HEAD, 'submitted'), review: { id: review.id, state: 'approved', commit_id: HEAD } } })
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.checkRuns[0]?.body).toMatchObject({ head_sha: HEAD, conclusion: 'success' })
    expect(controlOf(r, 'CM-02')?.reasons[0]?.message).toContain('pull request #42 has 1 independent approval (carol) on head 9f8e7d6')
  })

  test('a merge queue run is judged on the queue\'s commit, not blocked as "moved on"', async () => {
    const r = await gate({ pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) } }, { event: 'merge_group', payload: { action: 'checks_requested', merge_group: { head_sha: MERGE, head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${BASE_SHA}`, base_sha: BASE_SHA, base_ref: 'refs/heads/main' } } })
    expect(r.outputs.decision).toBe('allow')
  })
})

describe('approvals count only after the latest base change', () => {
  test('approved, then the base changed (a timeline base_ref_changed after the approval): block until approved again', async () => {
    const scenario: Scenario = { pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T1)] }) }, timelines: { 42: [ghTimelineEvent('review_requested', T1), ghBaseRefChanged(T2), ghTimelineEvent('commented', T3)] } }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('block')
    const reasons = controlOf(r, 'CM-02')?.reasons ?? []
    expect(reasons.find((x) => x.code === 'approval-before-base-change')?.message).toBe(`carol's approval (${T1}) was given before the base branch of pull request #42 last changed (to main) at ${T2}: a change reviewed against one base is not reviewed against another`)
    expect(changeOf(r).pullRequest.baseChanges).toEqual([{ at: T2, actor: 'alice' }])
  })

  test('approved again after the base change: allow', async () => {
    const scenario: Scenario = { pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T1), ghReview('carol', 'APPROVED', HEAD, T3)] }) }, timelines: { 42: [ghBaseRefChanged(T2)] } }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('allow')
  })

  test('the base changed twice: only the latest change counts (an approval between the two does not)', async () => {
    const scenario: Scenario = { pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) }, timelines: { 42: [ghBaseRefChanged(T1), ghBaseRefChanged(T3)] } }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('block')
  })

  test('a control owner\'s approval of a protected change given before the base change does not count for SOX-GATE-INTEGRITY either', async () => {
    const owned = MAP.replace('system: ledger-service', 'system: ledger-service\ncontrol-owners: [olivia]')
    const p = pull({ reviews: [ghReview('olivia', 'APPROVED', HEAD, T1), ghReview('carol', 'APPROVED', HEAD, T3)] })
    const scenario: Scenario = { pulls: { 42: { ...p, files: [{ ...(await import('./helpers/fake-github.js')).ghFile('.github/workflows/ci.yml') }] } }, timelines: { 42: [ghBaseRefChanged(T2)] } }
    const r = await gate(scenario, { map: owned })
    expect(controlOf(r, 'SOX-GATE-INTEGRITY')).toMatchObject({ status: 'fail' })
    expect(r.outputs.decision).toBe('block')
  })
})

describe('the base is not the change\'s to choose', () => {
  // The author owns `sandbox`, whose map has no approval control; main's map requires one.
  function intoSandbox(reviews: ReturnType<typeof ghReview>[] = []): Scenario {
    return {
      pulls: { 42: pull({ baseRef: 'sandbox', baseSha: SANDBOX_SHA, reviews }) },
      branches: { main: MAIN_TIP, sandbox: SANDBOX_SHA },
      contents: { [`acme/ledger@${SANDBOX_SHA}`]: { '.github/sox-controls.yml': WEAK_MAP }, [`acme/ledger@${MAIN_TIP}`]: { '.github/sox-controls.yml': MAP } }
    }
  }

  test("attack: a pull request into a branch with a weaker map is judged by the default branch's map at its head", async () => {
    const r = await gate(intoSandbox(), { map: WEAK_MAP, payload: prEvent(HEAD, 'opened', { sha: SANDBOX_SHA, ref: 'sandbox' }) })
    expect(r.outputs.decision).toBe('block')
    expect(r.server.requests.find((q) => q.path.includes('/contents/') && q.query === `?ref=${MAIN_TIP}`)).toBeDefined()
    expect(r.server.requests.some((q) => q.query === `?ref=${SANDBOX_SHA}`)).toBe(false)
    const change = changeOf(r)
    expect(change.trust.ref).toBe(MAIN_TIP)
    expect(change.trust.baseBranch).toEqual({ ref: 'sandbox', defaultBranch: 'main', defaultBranchSha: MAIN_TIP, trusted: 'no' })
    expect(change.trust.note).toBe("the default branch main's head 7a7a7a7 (the pull request's base sandbox is not the default branch, and its map names no trusted-branches)")
    expect(controlOf(r, 'CM-02')?.status).toBe('fail')
  })

  test('trusted-branches in the default branch\'s map lets a release branch\'s own map judge', async () => {
    const trusting = MAP.replace('system: ledger-service', 'system: ledger-service\ntrusted-branches: ["release/*"]')
    const scenario: Scenario = {
      pulls: { 42: pull({ baseRef: 'release/1.2', baseSha: SANDBOX_SHA, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)] }) },
      branches: { main: MAIN_TIP },
      contents: { [`acme/ledger@${SANDBOX_SHA}`]: { '.github/sox-controls.yml': MAP }, [`acme/ledger@${MAIN_TIP}`]: { '.github/sox-controls.yml': trusting } }
    }
    const r = await gate(scenario, { payload: prEvent(HEAD, 'opened', { sha: SANDBOX_SHA, ref: 'release/1.2' }) })
    expect(r.outputs.decision).toBe('allow')
    expect(changeOf(r).trust).toMatchObject({ ref: SANDBOX_SHA, baseBranch: { ref: 'release/1.2', trusted: 'trusted-branches', glob: 'release/*' } })
  })

  test('attack: a branch named to look trusted (release/1.2/mine against release/*, release-x) is judged by the default branch\'s map', async () => {
    const trusting = MAP.replace('system: ledger-service', 'system: ledger-service\ntrusted-branches: ["release/*"]')
    for (const ref of ['release/1.2/mine', 'release-x', 'Release/1.2']) {
      const scenario: Scenario = {
        pulls: { 42: pull({ baseRef: ref, baseSha: SANDBOX_SHA }) },
        branches: { main: MAIN_TIP },
        contents: { [`acme/ledger@${SANDBOX_SHA}`]: { '.github/sox-controls.yml': WEAK_MAP }, [`acme/ledger@${MAIN_TIP}`]: { '.github/sox-controls.yml': trusting } }
      }
      const r = await gate(scenario, { map: WEAK_MAP, payload: prEvent(HEAD, 'opened', { sha: SANDBOX_SHA, ref }) })
      expect([ref, r.outputs.decision, changeOf(r).trust.ref]).toEqual([ref, 'block', MAIN_TIP])
    }
  })

  test("a trusted-branches entry in the base's own map counts for nothing: only the default branch's map is asked", async () => {
    const selfTrusting = WEAK_MAP.replace('system: ledger-service', 'system: ledger-service\ntrusted-branches: ["sandbox"]')
    const scenario = intoSandbox()
    scenario.contents = { ...scenario.contents, [`acme/ledger@${SANDBOX_SHA}`]: { '.github/sox-controls.yml': selfTrusting } }
    const r = await gate(scenario, { map: selfTrusting, payload: prEvent(HEAD, 'opened', { sha: SANDBOX_SHA, ref: 'sandbox' }) })
    expect(r.outputs.decision).toBe('block')
    expect(changeOf(r).trust.ref).toBe(MAIN_TIP)
  })

  test("attack: a re-run whose event still names the old base is judged against the base GitHub has now", async () => {
    // The event was opened against main; the pull request has since been moved to sandbox.
    const r = await gate(intoSandbox([ghReview('carol', 'APPROVED', HEAD, T1)]), { map: WEAK_MAP, payload: prEvent(HEAD, 'opened', { sha: BASE_SHA, ref: 'main' }) })
    expect(changeOf(r).pullRequest.baseRef).toBe('sandbox')
    expect(changeOf(r).trust.ref).toBe(MAIN_TIP)
  })

  test('the default branch cannot be read: configuration error (exit 2), never the base\'s own map', async () => {
    const r = await gate({ ...intoSandbox(), faults: [{ method: 'GET', path: /^\/repos\/acme\/ledger$/, status: 403, message: 'Resource not accessible by integration', times: 10 }] }, { map: WEAK_MAP, payload: prEvent(HEAD, 'opened', { sha: SANDBOX_SHA, ref: 'sandbox' }) })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain("the repository's default branch cannot be read (it decides which map may judge a pull request into sandbox): GET /repos/acme/ledger: 403 Resource not accessible by integration")
  })
})

describe('reports-workflow: the latest completed test run for the head', () => {
  const CI = ghWorkflow(61, 'CI', '.github/workflows/ci.yml')
  const shard = (failing: boolean) => `<testsuite name="posting"><testcase classname="ledger.Posting" name="balances [CM-01]">${failing ? '<failure message="off by one"/>' : ''}</testcase></testsuite>`

  async function withRuns(runs: ReturnType<typeof ghWorkflowRun>[], o: { failing?: boolean; event?: string; payload?: object; inputs?: Record<string, string>; workflows?: ReturnType<typeof ghWorkflow>[] } = {}) {
    // No completed run: nothing is judged, so there is no bundle to re-perform.
    const nothingJudged = runs[0]?.status !== 'completed'
    const zip = await makeZip({ 'junit.xml': shard(o.failing ?? false) })
    const results = await startFakeResults({ artifacts: [{ id: 801, name: 'test-reports', zip }] })
    const digest = `sha256:${createHash('sha256').update(zip).digest('hex')}`
    const scenario: Scenario = {
      pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) },
      workflows: o.workflows ?? [CI],
      workflowRuns: runs,
      runArtifacts: { runs: Object.fromEntries(runs.map((x) => [x.id, [ghArtifact(801, 'test-reports', zip.length, digest, Number(x.id))]])), heads: Object.fromEntries(runs.map((x) => [x.id, x.head_sha])), zipUrl: (id) => results.downloadUrl(id) }
    }
    // The workspace's own reports/ holds a passing report that must not be read: the run's artifacts stand for the head.
    const r = await gate(scenario, { event: o.event ?? 'pull_request_review', payload: o.payload ?? prEvent(HEAD, 'submitted'), inputs: { 'reports-workflow': 'ci.yml', 'report-artifacts': 'test-reports', ...o.inputs }, env: { ACTIONS_RUNTIME_TOKEN: results.token, ACTIONS_RESULTS_URL: `${results.url}/` }, nothingJudged })
    await results.close()
    return r
  }

  test('no run of the test workflow for the head yet: a block that says so, posted on the head; nothing read, no evidence', async () => {
    const r = await withRuns([])
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    const check = r.server.checkRuns[0]?.body as { head_sha: string; conclusion: string; output: { title: string; summary: string } }
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'failure', output: { title: 'BLOCK: waiting for the tests' } })
    expect(check.output.summary).toContain('Nothing is judged yet: no completed run of ci.yml for 9f8e7d6 yet')
    expect(r.summary).toContain('no completed run of ci.yml for 9f8e7d6 yet')
    expect(existsSync(path.join(r.dir, 'sox-evidence'))).toBe(false)
    expect(r.server.requests.map((q) => `${q.method} ${q.path}${q.query}`)).toContain(`GET /repos/acme/ledger/actions/workflows/ci.yml/runs?head_sha=${HEAD}&per_page=20`)
  })

  test('the latest run for the head is still going (an older one completed): a block naming the run, never the older run\'s reports', async () => {
    const r = await withRuns([ghWorkflowRun(9002, CI, HEAD, { status: 'in_progress' }), ghWorkflowRun(9001, CI, HEAD)])
    expect(r.outputs.decision).toBe('block')
    expect((r.server.checkRuns[0]?.body as { output: { summary: string } }).output.summary).toContain('the latest run of ci.yml for 9f8e7d6 (run 9002, attempt 1) is in_progress: the gate judges the change when it completes')
    expect(r.server.requests.some((q) => q.path.includes('/artifacts'))).toBe(false)
  })

  test('report-only: the wait is published neutral and the step passes with a warning', async () => {
    const r = await withRuns([], { inputs: { mode: 'report-only' } })
    expect(r.code).toBe(0)
    expect(r.server.checkRuns[0]?.body).toMatchObject({ conclusion: 'neutral', output: { title: 'BLOCK: waiting for the tests (report-only)' } })
  })

  test('a review after the tests completed: judged on the completed run\'s artifacts, no new test run; the record names the run', async () => {
    const r = await withRuns([ghWorkflowRun(9001, CI, HEAD)])
    expect(r.outputs.decision).toBe('allow')
    // What a review costs (docs/github.md): 11 calls, no test run.
    expect(r.server.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'GET /repos/acme/ledger/pulls/42',
      'GET /repos/acme/ledger/pulls/42/reviews',
      'GET /repos/acme/ledger/pulls/42/commits',
      'GET /repos/acme/ledger/issues/42/timeline',
      'GET /repos/acme/ledger/pulls/42/files',
      'GET /repos/acme/ledger',
      'GET /repos/acme/ledger/contents/.github/sox-controls.yml',
      'GET /repos/acme/ledger/actions/workflows/ci.yml/runs',
      'GET /repos/acme/ledger/actions/runs/9001/artifacts',
      'GET /repos/acme/ledger/actions/artifacts/801/zip',
      'POST /repos/acme/ledger/check-runs'
    ])
    expect(changeOf(r).reportsRun).toEqual({ workflow: 'ci.yml', id: 9001, attempt: 1, path: '.github/workflows/ci.yml', headSha: HEAD, event: 'pull_request', status: 'completed', conclusion: 'success', url: 'https://github.com/acme/ledger/actions/runs/9001', why: 'latest run for the head' })
    const manifest = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/manifest.json'), 'utf8')) as { reports: { path: string }[] }
    expect(manifest.reports.map((x) => x.path)).toEqual(['.sox-gate/artifacts/test-reports/junit.xml'])
  })

  test('the completed run\'s tests failed: block, naming the failing test', async () => {
    const r = await withRuns([ghWorkflowRun(9001, CI, HEAD, { conclusion: 'failure' })], { failing: true })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('off by one')
  })

  test("the test workflow's own completion (workflow_run of ci.yml): its own run's reports, no look-up", async () => {
    const payload = { action: 'completed', workflow_run: { id: 9001, name: 'CI', path: '.github/workflows/ci.yml', workflow_id: 61, event: 'pull_request', head_sha: HEAD, head_branch: 'feature/posting', run_attempt: 1, status: 'completed', conclusion: 'success', pull_requests: [{ number: 42, head: { sha: HEAD } }] } }
    const r = await withRuns([ghWorkflowRun(9001, CI, HEAD)], { event: 'workflow_run', payload })
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.requests.some((q) => q.path.endsWith('/runs') && q.path.includes('/workflows/'))).toBe(false)
    expect(changeOf(r).reportsRun).toMatchObject({ id: 9001, why: 'triggering run' })
  })

  test('attack: another workflow named "CI" (one a pull request adds) — a name that is not unique is refused; the file name is what counts', async () => {
    const fake = ghWorkflow(62, 'CI', '.github/workflows/fake-ci.yml')
    const r = await withRuns([ghWorkflowRun(9001, CI, HEAD)], { inputs: { 'reports-workflow': 'CI' }, workflows: [CI, fake] })
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('reports-workflow "CI": 2 workflows have that name (.github/workflows/ci.yml, .github/workflows/fake-ci.yml); give its file name (for example ci.yml)')
  })

  test('reports-workflow without report-artifacts, or with run-id: a configuration error naming the inputs', async () => {
    const r = await withRuns([ghWorkflowRun(9001, CI, HEAD)], { inputs: { 'report-artifacts': '', 'run-id': '9001' } })
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('inputs reports-workflow and run-id are both set: give one')
    expect(r.stdout).toContain("input reports-workflow is set but report-artifacts is empty")
  })
})

describe('an identity the change cannot borrow', () => {
  test('app-id and app-private-key: the check run is posted by the GitHub App, with an installation token for this repository only, and says so', async () => {
    const app = makeApp()
    const r = await gate({ pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) }, app }, { inputs: { 'app-id': String(app.id), 'app-private-key': app.privateKeyPem }, env: { GITHUB_WORKFLOW_REF: 'acme/ledger/.github/workflows/sox-gate.yml@refs/heads/main' } })
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.checkRuns).toHaveLength(1)
    expect(r.server.checkRuns[0]?.app.slug).toBe('sox-gate-acme')
    const token = r.server.requests.find((q) => q.path === `/app/installations/${app.installationId}/access_tokens`)
    expect(token?.body).toEqual({ repositories: ['ledger'], permissions: { checks: 'write' } })
    const summary = (r.server.checkRuns[0]?.body as { output: { summary: string } }).output.summary
    expect(summary.split('\n')[0]).toBe('Posted by GitHub App `sox-gate-acme` from `.github/workflows/sox-gate.yml` at `refs/heads/main` (pull_request).')
    // The reads still go with github-token; only the check is the App's.
    expect(r.server.requests.find((q) => q.path === '/repos/acme/ledger/pulls/42')?.authorization).toBe('token ghs_faketoken')
    expect(r.stdout).not.toContain(app.privateKeyPem.split('\n')[1] as string)
  })

  test('a key that is not the App\'s: exit 2 naming app-id, and no check run is posted as the App', async () => {
    const app = makeApp()
    const other = makeApp('someone-else')
    const r = await gate({ pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) }, app }, { inputs: { 'app-id': String(app.id), 'app-private-key': other.privateKeyPem } })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(`cannot get a token of GitHub App ${app.id} for acme/ledger`)
    expect(r.server.checkRuns.every((c) => c.app.slug !== 'sox-gate-acme' && c.body.conclusion !== 'success')).toBe(true)
  })

  test('the workflow\'s github-token on a pull request: the summary\'s first line says the check can be forged', async () => {
    const r = await gate({ pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) } }, { env: { GITHUB_WORKFLOW_REF: 'acme/ledger/.github/workflows/ci.yml@refs/pull/42/merge' } })
    const summary = (r.server.checkRuns[0]?.body as { output: { summary: string } }).output.summary
    expect(summary.split('\n')[0]).toBe('⚠️ Posted with the workflow\'s github-token from `.github/workflows/ci.yml` at `refs/pull/42/merge` (pull_request): any workflow of this repository, one a pull request adds included, can post a check named "SOX compliance gate" with its token. This workflow file is the pull request\'s own copy, which the pull request can change. Require this check from a GitHub App (docs/github.md#the-hardened-set-up).')
  })

  test("a GitHub App's token given as github-token (actions/create-github-app-token): GitHub's answer names the App, and the summary is restated", async () => {
    const app = makeApp()
    // A token the App minted in an earlier step (create-github-app-token), given as github-token.
    const scenario: Scenario = { pulls: { 42: pull({ reviews: [ghReview('carol', 'APPROVED', HEAD, T2)] }) }, app, appTokens: ['ghs_mintedByAnEarlierStep'] }
    const r = await gate(scenario, { inputs: { 'github-token': 'ghs_mintedByAnEarlierStep' }, env: { GITHUB_WORKFLOW_REF: 'acme/ledger/.github/workflows/sox-gate.yml@refs/heads/main' } })
    const check = r.server.checkRuns[0]
    expect(check?.app.slug).toBe('sox-gate-acme')
    // Created with the token's line, then restated once GitHub said whose check it is.
    expect((check?.body as { output: { summary: string } }).output.summary.split('\n')[0]).toMatch(/^⚠️ Posted with the workflow's github-token/)
    expect(check?.updates).toHaveLength(1)
    expect((check?.updates[0] as { output: { summary: string } }).output.summary.split('\n')[0]).toBe('Posted by GitHub App `sox-gate-acme` from `.github/workflows/sox-gate.yml` at `refs/heads/main` (pull_request).')
    expect(r.stdout).toContain('check run "SOX compliance gate" posted by GitHub App sox-gate-acme')
  })

  test('attack: a workflow the pull request adds posts a check of the same name, success, with its GITHUB_TOKEN — a requirement pinned to the App does not count it', async () => {
    const app = makeApp()
    const r = await runGateScenario({ pulls: { 42: pull() }, app }, { map: MAP, report: REPORT, payload: prEvent(), sha: MERGE, inputs: { 'app-id': String(app.id), 'app-private-key': app.privateKeyPem } })
    afterDone = () => r.server.close()
    expect(r.outputs.decision).toBe('block')
    // The forger's check, posted after the gate's, with any workflow's token.
    const forged = await fetch(`${r.server.url}/repos/acme/ledger/check-runs`, { method: 'POST', headers: { authorization: 'token ghs_anyWorkflowToken', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'SOX compliance gate', head_sha: HEAD, status: 'completed', conclusion: 'success', output: { title: 'ALLOW', summary: 'trust me' } }) })
    expect(forged.status).toBe(201)
    expect(r.server.requiredCheck(HEAD, 'SOX compliance gate')).toBe('success') // a requirement with no source: forged
    expect(r.server.requiredCheck(HEAD, 'SOX compliance gate', app.id)).toBe('failure') // pinned to the App: the gate's verdict
  })
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { BASE_SHA, ghArtifact, ghCommit, ghPull, ghReview, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { startFakeResults } from './helpers/fake-results.js'
import { makeZip } from './helpers/zip.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'

// Gating a fork's pull request (issue 15): the fork's own `pull_request` run has a read-only
// token and runs the fork's code; the `workflow_run` it triggers runs the base's workflow with a
// write token. That event is evaluated on the triggering run's head, judged as its pull request.
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const MAIN_TIP = '7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a'
const T1 = '2026-11-20T10:00:00Z'
const person = (login: string): GitPerson => ({ name: login, email: `${login}@fork.example`, login })
const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Changes are approved by someone other than their authors, approval: {} }
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'

/** A fork's pull request #42 (opened by forker, approved by carol unless told otherwise), head HEAD. */
function forkPull(o: { approver?: string; head?: string } = {}): Scenario {
  const pr = ghPull(42, 'forker', o.head ?? HEAD, 1)
  return { pulls: { 42: { pr, reviews: [ghReview(o.approver ?? 'carol', 'APPROVED', o.head ?? HEAD, T1)], commits: [ghCommit(o.head ?? HEAD, person('forker'), person('forker'), 'post')] } }, commitPulls: { [HEAD]: [pr] } }
}
const event = (listed: object[] = []) => ({ action: 'completed', workflow_run: { id: 5150, name: 'CI', event: 'pull_request', head_sha: HEAD, head_branch: 'feature', pull_requests: listed } })

async function gate(scenario: Scenario, payload: object): Promise<GateRun> {
  const r = await runGateScenario(scenario, { map: MAP, report: REPORT, event: 'workflow_run', payload, sha: MAIN_TIP })
  await r.server.close()
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}

describe('workflow_run: the triggering run\'s pull request, on its head', () => {
  test("a fork's pull request (the event lists none): found by its head, judged as a pull request, the check on its head, the map at its base", async () => {
    const r = await gate(forkPull(), event())
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.checkRuns[0]?.body.head_sha).toBe(HEAD)
    expect(r.server.requests.find((q) => q.path.includes('/contents/'))?.query).toBe(`?ref=${BASE_SHA}`)
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { sha: string; event: string; workflowRun: object; range?: unknown; pullRequest: { number: number } }
    expect(change).toMatchObject({ sha: HEAD, event: 'workflow_run', workflowRun: { id: 5150, event: 'pull_request', headSha: HEAD }, pullRequest: { number: 42 } })
    // Judged as its pull request: no deployed range, and no "no range start" note.
    expect(change.range).toBeUndefined()
    expect(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')).not.toContain('no range start')
  })

  test('a pull request the event lists is taken from the event: no look-up', async () => {
    const r = await gate(forkPull(), event([{ number: 42, head: { sha: HEAD }, base: { repo: { url: 'https://api.github.com/repos/acme/ledger' } } }]))
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.requests.some((q) => q.path.endsWith('/pulls') && q.path.includes('/commits/'))).toBe(false)
  })

  test('approved only by its author: block', async () => {
    const r = await gate(forkPull({ approver: 'forker' }), event())
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('forker approved but is an author of the change')
  })

  test('the pull request has moved on since the triggering run: block, naming both commits', async () => {
    const moved = forkPull({ head: 'e7'.repeat(20) })
    const r = await gate({ ...moved, commitPulls: { [HEAD]: [{ ...ghPull(42, 'forker', HEAD, 1) }] } }, event([{ number: 42, head: { sha: HEAD } }]))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #42 has moved on: its head is now e7e7e7e, not 9f8e7d6, the commit this run judges')
  })

  test('no pull request has the head (a stale or forged event): the run fails (exit 2), saying what cannot be known', async () => {
    const r = await runGateScenario({ ...forkPull(), commitPulls: { [HEAD]: [] } }, { map: MAP, report: REPORT, event: 'workflow_run', payload: event(), sha: MAIN_TIP })
    await r.server.close()
    expect(r.code).toBe(2)
    expect(r.outputs.decision).not.toBe('allow')
    expect(r.stdout + r.stderr).toContain('no pull request of acme/ledger has the triggering run\'s head 9f8e7d6')
  })

  test('attack: a second pull request with the same head, into a side branch, approved there: never the allow the main one lacks (exit 2, naming both)', async () => {
    const main = ghPull(42, 'forker', HEAD, 1)
    const side = { ...ghPull(43, 'forker', HEAD, 1), base: { sha: BASE_SHA, ref: 'sandbox', label: 'acme:sandbox' } }
    const scenario: Scenario = {
      pulls: {
        42: { pr: main, reviews: [], commits: [ghCommit(HEAD, person('forker'), person('forker'), 'post')] },
        43: { pr: side, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, person('forker'), person('forker'), 'post')] }
      },
      commitPulls: { [HEAD]: [side, main] }
    }
    for (const listed of [[], [{ number: 43, head: { sha: HEAD } }, { number: 42, head: { sha: HEAD } }]]) {
      const r = await runGateScenario(scenario, { map: MAP, report: REPORT, event: 'workflow_run', payload: event(listed), sha: MAIN_TIP })
      await r.server.close()
      expect(r.code).toBe(2)
      expect(r.outputs.decision).not.toBe('allow')
      expect(r.stdout + r.stderr).toContain("pull requests #43, #42 all have head 9f8e7d6: which one the workflow_run is about cannot be known")
    }
  })
})

describe("workflow_run: the triggering run's reports, from its artifacts", () => {
  const shard = (n: number, failing: boolean): string =>
    `<testsuite name="posting-${n}"><testcase classname="ledger.Posting" name="balances shard ${n} [CM-01]">${failing ? '<failure message="expected 0 but was 1"/>' : ''}</testcase></testsuite>`

  // The triggering run 5150 uploaded two shards; the workspace's own reports/ holds a passing
  // report that must not be read (it is this workflow's, not the run under judgement).
  async function fromTriggeringRun(failingShard?: number) {
    const legs = await Promise.all([1, 2].map(async (n) => ({ id: 700 + n, name: `test-reports-${n}`, zip: await makeZip({ 'junit.xml': shard(n, n === failingShard) }) })))
    const results = await startFakeResults({ artifacts: legs })
    const digest = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`
    const scenario: Scenario = { ...forkPull(), runArtifacts: { runs: { 5150: legs.map((l) => ghArtifact(l.id, l.name, l.zip.length, digest(l.zip), 5150)) }, heads: { 5150: HEAD }, zipUrl: (id) => results.downloadUrl(id) } }
    const r = await runGateScenario(scenario, { map: MAP, report: REPORT, event: 'workflow_run', payload: event(), sha: MAIN_TIP, inputs: { 'report-artifacts': 'test-reports-*', 'report-artifacts-min': '2' }, env: { ACTIONS_RUNTIME_TOKEN: results.token, ACTIONS_RESULTS_URL: `${results.url}/` } })
    await r.server.close()
    await results.close()
    return { r, legs }
  }

  test('evaluated on the head sha with the triggering run\'s reports (run-id defaults to it): a failing shard blocks, naming its artifact', async () => {
    const { r } = await fromTriggeringRun(2)
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(r.server.checkRuns[0]?.body.head_sha).toBe(HEAD)
    const artifactCalls = r.server.requests.filter((q) => q.path.includes('/actions/')).map((q) => `${q.method} ${q.path}`)
    expect(artifactCalls).toEqual(['GET /repos/acme/ledger/actions/runs/5150', 'GET /repos/acme/ledger/actions/runs/5150/artifacts', 'GET /repos/acme/ledger/actions/artifacts/701/zip', 'GET /repos/acme/ledger/actions/artifacts/702/zip'])
    expect(r.stdout).toContain('FAIL artifact test-reports-2 (id 702)')
    const manifest = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/manifest.json'), 'utf8')) as { reports: { path: string }[]; reportArtifacts: { runId: number; otherRun: boolean } }
    expect(manifest.reportArtifacts).toMatchObject({ runId: 5150, otherRun: true, runHeadSha: HEAD })
    expect(manifest.reports.map((x) => x.path)).toEqual(['.sox-gate/artifacts/test-reports-1/junit.xml', '.sox-gate/artifacts/test-reports-2/junit.xml'])
  })

  test('both shards pass: allow on the head sha, with both artifacts in the change record', async () => {
    const { r, legs } = await fromTriggeringRun()
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.checkRuns[0]?.body.head_sha).toBe(HEAD)
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { sha: string; reportArtifacts: { runId: number; artifacts: { id: number; name: string }[] } }
    expect(change.sha).toBe(HEAD)
    expect(change.reportArtifacts.runId).toBe(5150)
    expect(change.reportArtifacts.artifacts.map((a) => [a.id, a.name])).toEqual(legs.map((l) => [l.id, l.name]))
  })
})

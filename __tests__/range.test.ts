import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ghCommit, ghDeployment, ghDeploymentStatus, ghFile, ghPull, ghReview, WEB_FLOW, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { PASSING_REPORT, person, SHIPPED_MAP, T1 } from './helpers/shipped.js'

// SPEC §10: where the deployed range starts (since > last successful deployment > push before),
// and what reading a range costs in API calls.
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const B0 = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
const DEPLOYED = 'de9106ede9106ede9106ede9106ede9106ede910'
const FAILED = 'fa11edfa11edfa11edfa11edfa11edfa11edfa11'
const DIRECT = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1'
const MAP = SHIPPED_MAP
const REPORT = PASSING_REPORT
const push = { event: 'push', payload: { ref: 'refs/heads/main', before: B0, after: MERGE }, sha: MERGE }

interface Change {
  range?: { start: string; startSha: string; source: string; deployment?: { id: number; environment: string; sha: string; creator: string }; commits: { sha: string; pullRequest: number | null }[]; pullRequests?: unknown[] }
}
const changeOf = (r: GateRun): Change => JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as Change

async function gate(scenario: Scenario, o: { inputs?: Record<string, string>; event?: string; payload?: object } = {}): Promise<GateRun> {
  const r = await runGateScenario(scenario, { map: MAP, report: REPORT, ...push, ...o })
  await r.server.close()
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}

/**
 * Pull request #42 (alice; approved by carol) squash-merged as MERGE on main. `ranges` gives, per
 * range start, the commits before the merge that a compare from that start lists; the trusted
 * map is served at every start.
 */
function merged(ranges: Record<string, ReturnType<typeof ghCommit>[]>, deployments: Scenario['deployments'] = []): Scenario {
  const pr = ghPull(42, 'alice', HEAD, 1, { at: T1, sha: MERGE })
  const mergeCommit = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)')
  return {
    pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, person('alice'), person('alice'), 'post')] } },
    commitPulls: { [MERGE]: [pr], [DIRECT]: [] },
    contents: Object.fromEntries(Object.keys(ranges).map((start) => [`acme/ledger@${start}`, { '.github/sox-controls.yml': MAP }])),
    compares: Object.fromEntries(Object.entries(ranges).map(([start, before]) => [`${start}...${MERGE}`, { commits: [...before, mergeCommit], files: [ghFile('src/ledger/posting.ts')] }])),
    deployments,
    // Who made the merge commit, for a run that has no range to list it (SPEC §13).
    commits: { [MERGE]: mergeCommit },
    // Run 1, which every deployment status links: the deploy workflow's push run on main at DEPLOYED,
    // so the deployment there is a trusted start (SPEC §13); tests of forged starts are in range-trust.
    runsById: { 1: { headSha: DEPLOYED, headBranch: 'main', event: 'push' } }
  }
}
const direct = () => ghCommit(DIRECT, person('mallory'), person('mallory'), 'quick fix')
const compared = (r: GateRun): string[] => r.server.requests.filter((q) => q.path.startsWith('/repos/acme/ledger/compare/')).map((q) => q.path.replace('/repos/acme/ledger/compare/', '').split('...')[0] as string)

describe('the range start', () => {
  test('the last successful deployment is chosen over `before`: a direct push that was never deployed still ships now, and blocks', async () => {
    // mallory pushed DIRECT earlier (that push's gate blocked, nothing was deployed); now #42 is
    // merged on top. The push's `before` (B0) comes after DIRECT, so that range would miss it.
    const ok = ghDeployment(DEPLOYED, 'production')
    const scenario = merged({ [DEPLOYED]: [direct()], [B0]: [] }, [{ deployment: ok, statuses: [ghDeploymentStatus(ok, 'success'), ghDeploymentStatus(ok, 'in_progress')] }])
    const r = await gate(scenario, { inputs: { environment: 'production' } })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('direct push, no review: commit d1d1d1d by mallory is in the deployed range de9106e…c0ffee0, and no pull request brought it')
    expect(compared(r)).toEqual([DEPLOYED])
    expect(r.summary).toContain('Deployed range de9106e…c0ffee0 from de9106e, the last successful deployment to production: 2 commits, 1 pull request, 1 direct push.')
    expect(r.summary).toContain('- d1d1d1d by mallory: direct push, no review')
    expect(readFileSync(path.join(r.dir, 'sox-evidence/report.html'), 'utf8')).toContain(`<tr data-direct="${DIRECT}"><td><code>${DIRECT}</code></td><td>mallory</td><td>1</td><td class="fail">direct push, no review</td></tr>`)
    const range = changeOf(r).range
    expect(range?.source).toBe('deployment')
    expect(range?.deployment).toMatchObject({ id: Number(ok.id), environment: 'production', sha: DEPLOYED, creator: 'github-actions[bot]' })
    // The trusted map is read where the range starts: what is deployed.
    expect(r.server.requests.find((q) => q.path.includes('/contents/'))?.query).toBe(`?ref=${DEPLOYED}`)
    const deploymentsAsked = r.server.requests.find((q) => q.path === '/repos/acme/ledger/deployments')
    expect(new URLSearchParams(deploymentsAsked?.query).get('environment')).toBe('production')
  })

  test('a deployment whose latest status is failure (or inactive) is no start: the one before it that succeeded is', async () => {
    const failed = ghDeployment(FAILED, 'production', 'github-actions[bot]', '2026-11-21T08:00:00Z')
    const superseded = ghDeployment('5eeded5eeded5eeded5eeded5eeded5eeded5eed', 'production', 'github-actions[bot]', '2026-11-20T18:00:00Z')
    const ok = ghDeployment(DEPLOYED, 'production')
    const scenario = merged({ [FAILED]: [], [DEPLOYED]: [direct()] }, [
      { deployment: failed, statuses: [ghDeploymentStatus(failed, 'failure'), ghDeploymentStatus(failed, 'success')] },
      { deployment: superseded, statuses: [ghDeploymentStatus(superseded, 'inactive'), ghDeploymentStatus(superseded, 'success')] },
      { deployment: ok, statuses: [ghDeploymentStatus(ok, 'success')] }
    ])
    const r = await gate(scenario, { inputs: { environment: 'production' } })
    expect(r.outputs.decision).toBe('block')
    expect(compared(r)).toEqual([DEPLOYED])
    expect(r.stdout).toContain('commit d1d1d1d by mallory')
  })

  test('`since` is chosen over a deployment and over `before`: the deployments are not even read', async () => {
    const ok = ghDeployment(DEPLOYED, 'production')
    const scenario = merged({ 'v1.4.0': [direct()], [DEPLOYED]: [], [B0]: [] }, [{ deployment: ok, statuses: [ghDeploymentStatus(ok, 'success')] }])
    const r = await gate(scenario, { inputs: { environment: 'production', since: 'v1.4.0' } })
    expect(r.outputs.decision).toBe('block')
    expect(compared(r)).toEqual(['v1.4.0'])
    expect(changeOf(r).range?.source).toBe('since')
    expect(r.server.requests.some((q) => q.path.includes('/deployments'))).toBe(false)
  })

  test('no successful deployment to the environment: `before` is the start', async () => {
    const failed = ghDeployment(FAILED, 'production')
    const staging = ghDeployment(DEPLOYED, 'staging')
    const scenario = merged({ [B0]: [], [FAILED]: [direct()], [DEPLOYED]: [direct()] }, [
      { deployment: failed, statuses: [ghDeploymentStatus(failed, 'error')] },
      { deployment: staging, statuses: [ghDeploymentStatus(staging, 'success')] }
    ])
    const r = await gate(scenario, { inputs: { environment: 'production' } })
    expect(r.outputs.decision).toBe('allow')
    expect(compared(r)).toEqual([B0])
    expect(changeOf(r).range?.source).toBe('before')
  })

  test('the deployments cannot be read: the approval control fails closed, naming the API error', async () => {
    const scenario = { ...merged({ [B0]: [] }), faults: [{ method: 'GET', path: /\/deployments$/, status: 403, message: 'Resource not accessible by integration', times: 99 }] }
    const r = await runGateScenario(scenario, { map: MAP, report: REPORT, ...push, inputs: { environment: 'production' } })
    await r.server.close()
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('Resource not accessible by integration')
  })

  test('a dispatch with no range start at all: the head commit\'s merged pull request alone, and the reasons say so', async () => {
    const r = await gate(merged({}), { event: 'workflow_dispatch', payload: { ref: 'refs/heads/main' } })
    expect(r.outputs.decision).toBe('allow')
    expect(changeOf(r).range).toBeUndefined()
    expect(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')).toContain("no range start (no since input, no successful deployment to the environment, no push before): the change is the head commit's merged pull request #42 alone")
  })
})

describe('which pull request brought a commit', () => {
  test("a commit GitHub associates only with a merged pull request of another repository (this fork's upstream) is a direct push here, whatever this repository's pull request of that number says", async () => {
    const UPSTREAM = 'a11a11a11a11a11a11a11a11a11a11a11a11a11a'
    const base = merged({ [B0]: [ghCommit(UPSTREAM, person('mallory'), person('mallory'), 'from upstream')] })
    const ours5 = ghPull(5, 'zed', 'e5'.repeat(20), 1, { at: T1, sha: 'e6'.repeat(20) })
    const scenario: Scenario = {
      ...base,
      pulls: { ...base.pulls, 5: { pr: ours5, reviews: [ghReview('carol', 'APPROVED', 'e5'.repeat(20), T1)], commits: [ghCommit('e5'.repeat(20), person('zed'), person('zed'), 'x')] } },
      commitPulls: { ...base.commitPulls, [UPSTREAM]: [{ ...ghPull(5, 'mallory', UPSTREAM, 1, { at: T1, sha: UPSTREAM }), inRepository: 'upstream/ledger' }] }
    }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('direct push, no review: commit a11a11a by mallory is in the deployed range b0b0b0b…c0ffee0, and no pull request brought it')
    expect(r.server.requests.some((q) => q.path === '/repos/acme/ledger/pulls/5')).toBe(false)
  })
  test('a commit with more associated pull requests than one query lists, none merged among them: REST is asked for all, and the merged one counts', async () => {
    const C = 'c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7'
    const base = merged({ [B0]: [ghCommit(C, person('zed'), person('zed'), 'many')] })
    const open = Array.from({ length: 10 }, (_, i) => ghPull(200 + i, 'zed', C, 1))
    const pr7 = ghPull(7, 'zed', C, 1, { at: T1, sha: C })
    const scenario: Scenario = {
      ...base,
      pulls: { ...base.pulls, 7: { pr: pr7, reviews: [ghReview('carol', 'APPROVED', C, T1)], commits: [ghCommit(C, person('zed'), person('zed'), 'many')] } },
      commitPulls: { ...base.commitPulls, [C]: [...open, pr7] }
    }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.requests.filter((q) => q.path === `/repos/acme/ledger/commits/${C}/pulls`)).toHaveLength(1)
    expect(changeOf(r).range?.commits.find((c) => c.sha === C)?.pullRequest).toBe(7)
  })
})

describe('what a range costs in API calls', () => {
  // A range of n commits: n - 1 commits that other pull requests brought (rebase merges, ten
  // commits each, the last one fewer), then MERGE, the squash of the evaluated #42.
  function rangeOf(n: number): { scenario: Scenario; otherPulls: number } {
    const sha = (i: number): string => (0xa000000 + i).toString(16).padStart(40, '0')
    const pulls: NonNullable<Scenario['pulls']> = {}
    const commitPulls: NonNullable<Scenario['commitPulls']> = {}
    const onMain: ReturnType<typeof ghCommit>[] = []
    for (let i = 0; i < n - 1; i++) {
      const number = 100 + Math.floor(i / 10)
      const commit = ghCommit(sha(i), person(`dev${number}`), person(`dev${number}`), `change ${i}`)
      const last = Math.min(n - 1, (Math.floor(i / 10) + 1) * 10) - 1
      pulls[number] ??= { pr: ghPull(number, `dev${number}`, sha(last), last - Math.floor(i / 10) * 10 + 1, { at: T1, sha: sha(last) }), reviews: [ghReview('carol', 'APPROVED', sha(last), T1)], commits: [] }
      pulls[number].commits.push(commit)
      commitPulls[commit.sha] = [pulls[number].pr]
      onMain.push(commit)
    }
    const base = merged({ [B0]: onMain })
    return { scenario: { ...base, pulls: { ...base.pulls, ...pulls }, commitPulls: { ...base.commitPulls, ...commitPulls } }, otherPulls: Object.keys(pulls).length }
  }

  // Counted by hand from the rule: compare pages of 100, one GraphQL query per 100 commits that
  // are not the evaluated pull request's own, four reads (pull, reviews, commits, timeline) per other pull request.
  test.each([
    [1, 1, 0, 0],
    [10, 1, 1, 1],
    [100, 1, 1, 10],
    [600, 6, 6, 60]
  ])('a range of %i commits: %i compare pages, %i GraphQL queries, %i other pull requests read whole; every commit read', async (n, pages, queries, others) => {
    const { scenario, otherPulls } = rangeOf(n)
    expect(otherPulls).toBe(others)
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('allow')
    const range = changeOf(r).range
    expect(range?.commits).toHaveLength(n)
    expect(range?.commits.every((c) => c.pullRequest !== null)).toBe(true)
    expect(range?.pullRequests).toHaveLength(others)
    const q = r.server.requests
    expect(q.filter((x) => x.path.startsWith('/repos/acme/ledger/compare/'))).toHaveLength(pages)
    expect(q.filter((x) => x.path === '/graphql')).toHaveLength(queries)
    expect(q.filter((x) => /\/commits\/[0-9a-f]+\/pulls$/.test(x.path))).toHaveLength(1) // the head commit's own lookup only
    expect(q.filter((x) => /^\/repos\/acme\/ledger\/pulls\/(?!42\b)\d+(\/reviews|\/commits)?$/.test(x.path))).toHaveLength(3 * others)
    // Each pull request's base changes (approvals before the latest do not count): one timeline page each.
    expect(q.filter((x) => /^\/repos\/acme\/ledger\/issues\/\d+\/timeline$/.test(x.path))).toHaveLength(1 + others)
    // The whole run: head lookup, #42 (4), the trusted map, the check run, plus the range.
    expect(q).toHaveLength(1 + 4 + 1 + 1 + pages + queries + 4 * others)
  })
})

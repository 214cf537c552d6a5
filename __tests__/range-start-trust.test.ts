import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ghCommit, ghDeployment, ghDeploymentStatus, ghFile, ghPull, ghReview, WEB_FLOW, type RunSpec, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { PASSING_REPORT, person, SHIPPED_MAP, T1 } from './helpers/shipped.js'

// SPEC §13 "The range start is a fact the gate wrote", without an evidence store: a `success`
// deployment status is anyone's to write who holds deployments: write (any workflow's
// GITHUB_TOKEN, from any branch). It starts a range only when it is bound to a completed,
// successful run of the gate's own workflow on the default branch at the deployed commit, or
// when deployers: of a policy-repository map names who created it. Written from the side of
// mallory, who pushed DIRECT to main unreviewed and wants it to ship with #42.
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const DEPLOYED = 'de9106ede9106ede9106ede9106ede9106ede910'
const DIRECT = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1'
const MAP = SHIPPED_MAP
const REPORT = PASSING_REPORT
const push = { event: 'push', payload: { ref: 'refs/heads/main', before: DIRECT, after: MERGE }, sha: MERGE }
const RUN_URL = (id: number, repo = 'acme/ledger'): string => `https://github.com/${repo}/actions/runs/${id}/job/${id * 10}`
/** Run 1: the deploy workflow's push run on main that deployed DEPLOYED, and succeeded. */
const LEGIT_RUN: RunSpec = { headSha: DEPLOYED, headBranch: 'main', event: 'push' }

/**
 * mallory pushed DIRECT to main (its own gate run blocked it: nothing deployed); #42 (alice,
 * approved by carol) was then squash-merged by GitHub as MERGE. The push of MERGE has `before`
 * DIRECT, so only a start at or before DEPLOYED shows DIRECT. `deployments` newest first.
 */
function shipped(deployments: Scenario['deployments'], runs: Record<number, RunSpec> = { 1: LEGIT_RUN }): Scenario {
  const pr = ghPull(42, 'alice', HEAD, 1, { at: T1, sha: MERGE })
  const direct = ghCommit(DIRECT, person('mallory'), person('mallory'), 'quick fix', { parents: [DEPLOYED] })
  const squash = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)', { parents: [DIRECT] })
  const map = { '.github/sox-controls.yml': MAP }
  return {
    pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, person('alice'), person('alice'), 'post')] } },
    commitPulls: { [MERGE]: [pr], [DIRECT]: [] },
    contents: { [`acme/ledger@${DEPLOYED}`]: map, [`acme/ledger@${DIRECT}`]: map },
    compares: { [`${DEPLOYED}...${MERGE}`]: { commits: [direct, squash], files: [ghFile('src/ledger/posting.ts')] }, [`${DIRECT}...${MERGE}`]: { commits: [squash], files: [ghFile('src/ledger/posting.ts')] } },
    deployments,
    runsById: runs
  }
}
/** The deployment the deploy job of run 1 made at DEPLOYED, as GitHub Actions environments write it. */
function legit(): NonNullable<Scenario['deployments']>[number] {
  const d = ghDeployment(DEPLOYED, 'production', 'github-actions[bot]', '2026-11-19T08:00:00Z')
  return { deployment: d, statuses: [ghDeploymentStatus(d, 'success', 'github-actions[bot]', RUN_URL(1))] }
}
/** A success mallory writes at DIRECT, linking whatever she likes. */
function forged(link: string, creator = 'github-actions[bot]'): NonNullable<Scenario['deployments']>[number] {
  const d = ghDeployment(DIRECT, 'production', creator, '2026-11-21T08:00:00Z')
  return { deployment: d, statuses: [ghDeploymentStatus(d, 'success', creator, link)] }
}

async function gate(s: Scenario, inputs: Record<string, string> = {}): Promise<GateRun> {
  const r = await runGateScenario(s, { map: MAP, report: REPORT, ...push, inputs: { environment: 'production', ...inputs } })
  await r.server.close()
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}
interface Considered {
  id: number
  sha: string
  trusted: boolean
  why: string
}
const considered = (r: GateRun): Considered[] => (JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { rangeStart?: { deployments?: Considered[] } }).rangeStart?.deployments ?? []
const DIRECT_BLOCKS = 'direct push, no review: commit d1d1d1d by mallory is in the deployed range de9106e…c0ffee0, and no pull request brought it'

describe('a forged success at the direct push neither starts the range nor hides it (no store)', () => {
  test("from a workflow on mallory's branch: passed over, named; the trusted deployment before it starts the range, and DIRECT blocks", async () => {
    const r = await gate(shipped([forged(RUN_URL(555)), legit()], { 1: LEGIT_RUN, 555: { headSha: DIRECT, headBranch: 'mallory/fix', event: 'push' } }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    expect(r.stdout).toMatch(/deployment \d+ to production at d1d1d1d is no range start: its run 555 ran on branch mallory\/fix, not on the default branch main/)
    expect(considered(r).map((d) => [d.sha, d.trusted])).toEqual([
      [DIRECT, false],
      [DEPLOYED, true]
    ])
    expect(considered(r)[1]?.why).toBe('written by run 1 of .github/workflows/deploy.yml on the default branch main (push), which completed with success at de9106e')
  })

  test('and with no trusted deployment before it: no start can be trusted, block (never the push\'s before, which is DIRECT itself)', async () => {
    const r = await gate(shipped([forged(RUN_URL(555))], { 555: { headSha: DIRECT, headBranch: 'mallory/fix', event: 'push' } }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('no successful deployment to production can be trusted as the range start; deployment')
    expect(r.server.requests.some((q) => q.path.includes('/compare/'))).toBe(false)
  })

  test.each<[string, string, Record<number, RunSpec>, RegExp]>([
    ['an old, genuine default-branch run (the one that deployed DEPLOYED)', RUN_URL(1), {}, /its run 1 ran at de9106e, not at the deployed commit d1d1d1d/],
    ["the direct push's own CI run on main, which succeeded", RUN_URL(556), { 556: { headSha: DIRECT, headBranch: 'main', event: 'push', path: '.github/workflows/ci.yml' } }, /its run 556 is of \.github\/workflows\/ci\.yml, not of \.github\/workflows\/deploy\.yml/],
    ["the deploy workflow's run at the direct push, whose gate blocked it", RUN_URL(557), { 557: { headSha: DIRECT, headBranch: 'main', event: 'push', conclusion: 'failure' } }, /its run 557 concluded failure, so its gate cannot be shown to have allowed it/],
    ["a fork's pull request run from a branch the fork named main", RUN_URL(558), { 558: { headSha: DIRECT, headBranch: 'main', event: 'pull_request', headRepository: 'mallory/ledger' } }, /its run 558 ran on a branch of mallory\/ledger, not of acme\/ledger/],
    ['a pull request run from main into a branch whose workflow mallory wrote', RUN_URL(559), { 559: { headSha: DIRECT, headBranch: 'main', event: 'pull_request' } }, /its run 559 ran for a pull_request event, whose workflow the pull request chooses/],
    ["another repository's default-branch run", RUN_URL(1, 'acme/other'), {}, /its status links https:\/\/github\.com\/acme\/other\/actions\/runs\/1\/job\/10, which is no workflow run of acme\/ledger/],
    ['a run GitHub does not have', RUN_URL(999), {}, /its status links https:\/\/github\.com\/acme\/ledger\/actions\/runs\/999\/job\/9990, which is no workflow run of acme\/ledger/]
  ])('linking %s: passed over, and DIRECT blocks', async (_, link, runs, why) => {
    const r = await gate(shipped([forged(link), legit()], { 1: LEGIT_RUN, ...runs }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    expect(considered(r)[0]?.why).toMatch(why)
  })
})

describe('deployers: must come from a map the forged start could not have written', () => {
  // DIRECT also added mallory to deployers: of the repository's map; mallory then created a
  // deployment at DIRECT and its success through the API, from no workflow run at all.
  const ownMap = MAP.replace('reports:', 'deployers: [mallory]\nreports:')
  const byHand = (): NonNullable<Scenario['deployments']>[number] => forged('https://mallory.example/deployed', 'mallory')

  test('a map in this repository (at DIRECT, or anywhere in it): its deployers: is not honoured, DIRECT blocks', async () => {
    const s = shipped([byHand(), legit()])
    s.contents = { ...s.contents, [`acme/ledger@${DIRECT}`]: { '.github/sox-controls.yml': ownMap } }
    const r = await gate(s)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    expect(considered(r)[0]?.why).toBe('its status links https://mallory.example/deployed, which is no workflow run of acme/ledger; created by mallory, and deployers: counts only from a policy-repository map (control-map: OWNER/REPO/PATH@REF), which no push to this repository can edit')
  })

  const POLICY = 'acme/sox-policy/maps/ledger.yml@main'
  const policy = (deployers: string): Scenario['contents'] => ({ 'acme/sox-policy@main': { 'maps/ledger.yml': MAP.replace('reports:', `deployers: [${deployers}]\nreports:`) } })

  test('a policy-repository map that does not name mallory: passed over, DIRECT blocks', async () => {
    const s = shipped([byHand(), legit()])
    s.contents = { ...s.contents, ...policy('argocd-bot') }
    const r = await gate(s, { 'control-map': POLICY })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    expect(considered(r)[0]?.why).toContain('created by mallory, and mallory is not in deployers: of the policy map acme/sox-policy/maps/ledger.yml@main')
  })

  test("a deployment that a deployer of the policy map made (Argo CD, no Actions run): the range starts there, and allows what followed it", async () => {
    const d = ghDeployment(DIRECT, 'production', 'argocd-bot', '2026-11-21T08:00:00Z')
    const s = shipped([{ deployment: d, statuses: [ghDeploymentStatus(d, 'success', 'argocd-bot', 'https://argocd.acme.example/applications/ledger')] }])
    s.contents = { ...s.contents, ...policy('argocd-bot') }
    const r = await gate(s, { 'control-map': POLICY })
    expect(r.outputs.decision).toBe('allow')
    expect(considered(r)).toMatchObject([{ sha: DIRECT, trusted: true, why: 'created by argocd-bot, listed in deployers: of the policy map acme/sox-policy/maps/ledger.yml@main' }])
    // The policy map is read twice: for deployers: while the start is chosen, then as the map that judges.
    expect(r.server.requests.filter((q) => q.path === '/repos/acme/sox-policy/contents/maps/ledger.yml')).toHaveLength(2)
  })
})

describe('what a trusted start costs', () => {
  test('the legit deployment: one run read and the repository read once for its default branch, on top of the deployments', async () => {
    const s = shipped([legit()])
    s.compares = { [`${DEPLOYED}...${MERGE}`]: { commits: [ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)', { parents: [DEPLOYED] })], files: [ghFile('src/ledger/posting.ts')] } }
    const r = await gate(s)
    expect(r.outputs.decision).toBe('allow')
    const paths = r.server.requests.map((q) => `${q.method} ${q.path}`)
    expect(paths.filter((p) => p === 'GET /repos/acme/ledger/actions/runs/1')).toHaveLength(1)
    expect(paths.filter((p) => p === 'GET /repos/acme/ledger')).toHaveLength(1)
    // head lookup, #42 ×4 (pull, reviews, commits, timeline), deployments, statuses, run, repository, compare, map, the run's environment approvals, check run.
    expect(paths).toHaveLength(13)
  })
})

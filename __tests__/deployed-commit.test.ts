import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BASE_SHA, ghCommit, ghFile, ghPull, ghReview, WEB_FLOW, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'

// SPEC §10: the commit deployed is the one approved, approved by someone with write access,
// and GitHub's web-flow is excepted only on a commit GitHub signed.
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const OLD = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const T1 = '2026-11-20T10:00:00Z'
const person = (login: string): GitPerson => ({ name: login[0]?.toUpperCase() + login.slice(1), email: `${login}@acme.example`, login })
const MAP = `version: 1
system: ledger-service
control-owners: [olivia]
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-02
    title: Changes are approved by someone other than their authors
    approval: {}
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'
const PR_EVENT = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }

async function gate(scenario: Scenario, o: { event?: string; payload?: object; sha?: string } = {}): Promise<GateRun> {
  const r = await runGateScenario(scenario, { map: MAP, report: REPORT, payload: o.payload ?? PR_EVENT, sha: o.sha ?? MERGE, event: o.event })
  await r.server.close()
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}

/** CM-02's first reason, as decision.json keeps it. */
function cm02(r: GateRun): string {
  const decision = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { controls: { id: string; reasons: { message: string }[] }[] }
  return decision.controls.find((c) => c.id === 'CM-02')?.reasons[0]?.message ?? ''
}

describe('the right commit', () => {
  // Merged pull request #42: OLD (later reverted by HEAD), then HEAD, approved on HEAD; merged as MERGE.
  const merged = (): Scenario => {
    const pr = ghPull(42, 'alice', HEAD, 2, { at: T1, sha: MERGE })
    const commits = [ghCommit(OLD, person('alice'), person('alice'), 'add a shortcut'), ghCommit(HEAD, person('alice'), person('alice'), 'Revert "add a shortcut"')]
    // GitHub's merge commit (web-flow, signed): who made it is read when no range lists it (SPEC §13).
    const mergeCommit = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Merge pull request #42', { parents: [BASE_SHA, HEAD] })
    return { pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits } }, commitPulls: { [OLD]: [pr], [MERGE]: [pr], [HEAD]: [pr] }, commits: { [MERGE]: mergeCommit } }
  }

  test('workflow_dispatch on an earlier, reverted commit of an approved PR: block, "not the commit that was approved"', async () => {
    const r = await gate(merged(), { event: 'workflow_dispatch', payload: { ref: 'refs/heads/main' }, sha: OLD })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('1a2b3c4 is not the commit that was approved: pull request #42 was approved on its head 9f8e7d6 and merged as c0ffee0, and 1a2b3c4 is another of its commits')
  })

  test('the merge commit and the head itself are the approved commits: allow', async () => {
    expect((await gate(merged(), { event: 'workflow_dispatch', payload: { ref: 'refs/heads/main' }, sha: MERGE })).outputs.decision).toBe('allow')
    expect((await gate(merged(), { event: 'workflow_dispatch', payload: { ref: 'refs/heads/main' }, sha: HEAD })).outputs.decision).toBe('allow')
  })
})

describe('real reviewers: write access', () => {
  const pr = (association: 'NONE' | 'CONTRIBUTOR' | 'FIRST_TIME_CONTRIBUTOR' | 'COLLABORATOR' | 'OWNER'): Scenario => ({
    pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('alice-alt', 'APPROVED', HEAD, T1, 'User', association)], commits: [ghCommit(HEAD, person('alice'), WEB_FLOW, 'x')] } }
  })
  test.each(['NONE', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR'] as const)('the only approval comes from author_association %s: block, naming the reviewer', async (association) => {
    const r = await gate(pr(association))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(`alice-alt approved but has no write access to the repository (author_association ${association}): it does not count`)
  })
  test.each(['COLLABORATOR', 'OWNER'] as const)('an approval from %s counts', async (association) => {
    expect((await gate(pr(association))).outputs.decision).toBe('allow')
  })
})

describe('web-flow is excepted only on a commit GitHub signed', () => {
  const fakeWebFlow: GitPerson = { name: 'GitHub', email: 'noreply@github.com', login: null }
  test('an unsigned commit whose committer calls itself noreply@github.com: that committer is an author, and an unlinked one', async () => {
    const commit = ghCommit(HEAD, person('alice'), fakeWebFlow, 'x', { verified: false })
    const r = await gate({ pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [commit] } } })
    // The committer has no account: it is an author now, and its approvals cannot be told apart.
    expect(cm02(r)).toContain('authors: alice, GitHub <noreply@github.com>')
    // Since SPEC §13 an unlinked committer fails as an unlinked author does (this allowed before).
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('GitHub <noreply@github.com> (committer of 9f8e7d6) has no GitHub account, so it cannot be shown they did not approve (allow-unlinked-authors is false)')
  })
  test('an unsigned commit committed by a real account using the web-flow address, who approves: block', async () => {
    const spoof: GitPerson = { name: 'GitHub', email: 'noreply@github.com', login: 'mallory' }
    const commit = ghCommit(HEAD, person('alice'), spoof, 'x', { verified: false })
    const r = await gate({ pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('mallory', 'APPROVED', HEAD, T1)], commits: [commit] } } })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('mallory approved but is an author of the change (committer of 9f8e7d6)')
  })
  test('a signed web-flow commit: web-flow is no author, the independent approval counts', async () => {
    const commit = ghCommit(HEAD, person('alice'), WEB_FLOW, 'x')
    const r = await gate({ pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [commit] } } })
    expect(r.outputs.decision).toBe('allow')
    expect(cm02(r)).toMatch(/authors: alice$/)
  })
})

describe('the deployed range (push events): every commit came through the evaluated pull request', () => {
  const B0 = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
  const DIRECT = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1'
  function pushOfMerge(extra: ReturnType<typeof ghCommit>[], prCommits = [ghCommit(HEAD, person('alice'), person('alice'), 'post')], base = B0): Scenario {
    const pr = ghPull(42, 'alice', HEAD, prCommits.length, { at: T1, sha: MERGE })
    const mergeCommit = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Merge pull request #42')
    return {
      pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: prCommits } },
      commitPulls: { [MERGE]: [pr], [DIRECT]: [] },
      contents: { [`acme/ledger@${base}`]: { '.github/sox-controls.yml': MAP } },
      compares: { [`${base}...${MERGE}`]: { commits: [...extra, ...prCommits, mergeCommit], files: [ghFile('src/ledger/posting.ts')] } }
    }
  }
  const push = { event: 'push', payload: { ref: 'refs/heads/main', before: B0, after: MERGE }, sha: MERGE }

  test('a direct push, then a reviewed pull request merged on top: the push of the merge blocks, naming the direct commit and its author', async () => {
    const r = await gate(pushOfMerge([ghCommit(DIRECT, person('mallory'), person('mallory'), 'quick fix')]), push)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('direct push, no review: commit d1d1d1d by mallory is in the deployed range b0b0b0b…c0ffee0, and no pull request brought it')
  })

  test('the same push without the direct commit: allow; the map at `before` judges', async () => {
    const r = await gate(pushOfMerge([]), push)
    expect(r.outputs.decision).toBe('allow')
    expect(r.server.requests.map((q) => q.path)).toContain('/repos/acme/ledger/contents/.github/sox-controls.yml')
    expect(r.server.requests.find((q) => q.path.includes('/contents/'))?.query).toBe(`?ref=${B0}`)
  })

  test('`since` is preferred over `before`, and every page of the compare is read', async () => {
    const prCommits = Array.from({ length: 120 }, (_, i) => ghCommit(i === 119 ? HEAD : (i + 1).toString(16).padStart(40, 'a'), person('alice'), person('alice'), `c${i}`))
    const scenario = pushOfMerge([], prCommits, 'v1.4.0')
    const r = await runGateScenario(scenario, { map: MAP, report: REPORT, ...push, inputs: { since: 'v1.4.0' } })
    await r.server.close()
    expect(r.outputs.decision).toBe('allow')
    expect(r.offline?.decision).toBe('allow')
    const compares = r.server.requests.filter((q) => q.path.startsWith('/repos/acme/ledger/compare/'))
    expect(compares.map((q) => `${q.path}${q.query}`)).toEqual([`/repos/acme/ledger/compare/v1.4.0...${MERGE}?per_page=100&page=1`, `/repos/acme/ledger/compare/v1.4.0...${MERGE}?per_page=100&page=2`])
  })
})

describe('a range that ships several merged pull requests: each judged on its own', () => {
  const B0 = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
  const sha = (c: string): string => c.repeat(40)
  // Squash merges of #41 (zed) and #43 (yan), then #42 (alice, the evaluated head): three commits on main.
  function threeMerges(approver43: string): Scenario {
    const pr = (n: number, opener: string, head: string, merged: string) => ghPull(n, opener, head, 1, { at: T1, sha: merged })
    const pulls = {
      41: { pr: pr(41, 'zed', sha('4'), sha('a')), reviews: [ghReview('carol', 'APPROVED', sha('4'), T1)], commits: [ghCommit(sha('4'), person('zed'), person('zed'), 'a')] },
      43: { pr: pr(43, 'yan', sha('6'), sha('b')), reviews: [ghReview(approver43, 'APPROVED', sha('6'), T1)], commits: [ghCommit(sha('6'), person('yan'), person('yan'), 'b')] },
      42: { pr: pr(42, 'alice', HEAD, MERGE), reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, person('alice'), person('alice'), 'c')] }
    }
    const onMain = [ghCommit(sha('a'), person('zed'), WEB_FLOW, '#41'), ghCommit(sha('b'), person('yan'), WEB_FLOW, '#43'), ghCommit(MERGE, person('alice'), WEB_FLOW, '#42')]
    return {
      pulls,
      commitPulls: { [sha('a')]: [pulls[41].pr], [sha('b')]: [pulls[43].pr], [MERGE]: [pulls[42].pr] },
      contents: { [`acme/ledger@${B0}`]: { '.github/sox-controls.yml': MAP } },
      compares: { [`${B0}...${MERGE}`]: { commits: onMain, files: [ghFile('src/ledger/posting.ts')] } }
    }
  }
  const push = { event: 'push', payload: { ref: 'refs/heads/main', before: B0, after: MERGE }, sha: MERGE }

  test('three merged pull requests, each independently approved: allow, each named', async () => {
    const r = await gate(threeMerges('carol'), push)
    expect(r.outputs.decision).toBe('allow')
    const reasons = JSON.stringify(JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')).controls.find((c: { id: string }) => c.id === 'CM-02').reasons)
    expect(reasons).toContain('pull request #41 (in the deployed range b0b0b0b…c0ffee0) has 1 independent approval (carol)')
    expect(reasons).toContain('pull request #43 (in the deployed range b0b0b0b…c0ffee0) has 1 independent approval (carol)')
    // Judged as part of a range that has a start: no "no range start" note for #41 or #43.
    expect(reasons).not.toContain('no range start')
    // The range on every surface: N commits, M pull requests, each one's approvers.
    const head = 'Deployed range b0b0b0b…c0ffee0 from b0b0b0b, the push\'s before: 3 commits, 3 pull requests.'
    const lines = ['#41 Post journal entries atomically by zed (1 commit): approved by carol', '#43 Post journal entries atomically by yan (1 commit): approved by carol', '#42 Post journal entries atomically by alice (1 commit): approved by carol']
    for (const surface of [r.stdout, r.summary, String((r.server.checkRuns[0]?.body.output as { summary?: string } | undefined)?.summary)]) {
      expect(surface).toContain(head)
      for (const line of lines) expect(surface).toContain(line)
    }
    const html = readFileSync(path.join(r.dir, 'sox-evidence/report.html'), 'utf8')
    expect(html).toContain('<p id="range">Deployed range b0b0b0b…c0ffee0 from b0b0b0b, the push&#39;s before: 3 commits, 3 pull requests.</p>')
    expect(html).toContain('<tr data-pull="43"><td><a href="https://github.com/acme/ledger/pull/43">#43 Post journal entries atomically</a></td><td>yan</td><td>1</td><td class="pass">carol</td></tr>')
    // Each further pull request costs its three reads.
    expect(r.server.requests.filter((q) => /\/pulls\/4[13](\/reviews|\/commits)?$/.test(q.path))).toHaveLength(6)
  })

  test('one of them approved only by its own author: block, naming that pull request', async () => {
    const r = await gate(threeMerges('yan'), push)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #43 (in the deployed range b0b0b0b…c0ffee0) has 0 independent approvals')
    expect(r.stdout).toContain('pull request #43 (in the deployed range b0b0b0b…c0ffee0): yan approved but is an author of the change (PR author, author of 6666666, committer of 6666666)')
    expect(r.stdout).toContain('  #43 Post journal entries atomically by yan (1 commit): no independent approval')
    expect(readFileSync(path.join(r.dir, 'sox-evidence/report.html'), 'utf8')).toContain('<td>yan</td><td>1</td><td class="fail">no independent approval</td>')
  })
})

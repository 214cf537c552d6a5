import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BASE_SHA, ghApproval, ghCommit, ghFile, ghPull, ghReview, WEB_FLOW, type FakeGitHub, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { runCli, workspace } from './helpers/run.js'

const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const OLD = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const T1 = '2026-11-20T10:00:00Z'
const T2 = '2026-11-20T11:00:00Z'

const person = (login: string): GitPerson => ({ name: login[0]?.toUpperCase() + login.slice(1), email: `${login}@acme.example`, login })

const MAP = (approval = '{}') => `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-02
    title: Changes are approved by someone other than their authors
    key: true
    approval: ${approval}
`
const REPORT = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'

/** Pull request #42 by alice: one commit by alice (committed by web-flow) unless told otherwise. */
function prScenario(reviews: ReturnType<typeof ghReview>[], options: { commits?: ReturnType<typeof ghCommit>[]; opener?: string } = {}): Scenario {
  const commits = options.commits ?? [ghCommit(HEAD, person('alice'), WEB_FLOW, 'Post entries atomically')]
  return { pulls: { 42: { pr: ghPull(42, options.opener ?? 'alice', HEAD, commits.length), reviews, commits } } }
}

const PR_EVENT = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }

let server: FakeGitHub | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function gate(scenario: Scenario, options: { map?: string; event?: string; payload?: object; sha?: string; inputs?: Record<string, string> } = {}): Promise<GateRun> {
  const r = await runGateScenario(scenario, { map: options.map ?? MAP(), report: REPORT, event: options.event, payload: options.payload ?? PR_EVENT, sha: options.sha ?? MERGE, inputs: options.inputs })
  server = r.server
  // Every scenario is also re-performed offline from the change record and maps the action kept:
  // the same rules must give the same decision through `sox-gate check --change`.
  if (r.offline) expect(r.offline.decision).toBe(r.outputs.decision)
  return r
}

const calls = () => (server?.requests ?? []).map((r) => `${r.method} ${r.path}`)

describe('segregation of duties through the bundled action and a fake GitHub API', () => {
  test('independent approval on the head commit: allow, check run success on the PR head', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]))
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    expect(r.outputs['check-run-url']).toMatch(/^https:\/\/github\.com\/acme\/ledger\/runs\/\d+$/)
    expect(calls()).toEqual([
      'GET /repos/acme/ledger/pulls/42',
      'GET /repos/acme/ledger/pulls/42/reviews',
      'GET /repos/acme/ledger/pulls/42/commits',
      'GET /repos/acme/ledger/issues/42/timeline',
      'GET /repos/acme/ledger/pulls/42/files',
      'GET /repos/acme/ledger',
      'GET /repos/acme/ledger/contents/.github/sox-controls.yml',
      'POST /repos/acme/ledger/check-runs'
    ])
    expect(server?.requests[6]?.query).toBe(`?ref=${BASE_SHA}`)
    expect(server?.requests[0]?.authorization).toBe('token ghs_faketoken')
    const check = server?.checkRuns[0]?.body as { head_sha: string; conclusion: string; name: string; output: { title: string; summary: string } }
    expect(check).toMatchObject({ head_sha: HEAD, conclusion: 'success', name: 'SOX compliance gate' })
    expect(check.output.title).toBe('ALLOW: 3 of 3 controls passed, 0 failed, 0 waived')
    expect(check.output.summary).toContain('no protected path changed (1 file checked')
    expect(check.output.summary).toContain('pull request #42 has 1 independent approval (carol) on head 9f8e7d6')
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8'))
    expect(change).toMatchObject({ repository: 'acme/ledger', sha: HEAD, event: 'pull_request', pullRequest: { number: 42, author: { login: 'alice' } }, problems: [] })
  })

  test.each([
    ['a co-author', [ghCommit(HEAD, person('alice'), WEB_FLOW, 'Post\n\nCo-authored-by: Dana <1234+dana@users.noreply.github.com>')], 'dana', 'dana approved but is an author of the change (co-author of 9f8e7d6)'],
    ['a committer', [ghCommit(HEAD, person('alice'), person('frank'), 'Post')], 'frank', 'frank approved but is an author of the change (committer of 9f8e7d6)'],
    ["the PR opener's other-case login", undefined, 'ALICE', 'ALICE approved but is an author of the change (PR author, author of 9f8e7d6)']
  ])('approval only by %s: block', async (_who, commits, approver, reason) => {
    const r = await gate(prScenario([ghReview(approver, 'APPROVED', HEAD, T1)], { commits }))
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(reason)
    expect(server?.checkRuns[0]?.body).toMatchObject({ conclusion: 'failure' })
  })

  test('approval by a bot account: block', async () => {
    const r = await gate(prScenario([ghReview('release-bot', 'APPROVED', HEAD, T1, 'Bot')]))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('release-bot approved but is a bot account')
  })

  test('stale approval after a new push: block, naming both commits', async () => {
    const commits = [ghCommit(OLD, person('alice'), WEB_FLOW, 'first'), ghCommit(HEAD, person('alice'), WEB_FLOW, 'second')]
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', OLD, T1)], { commits }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain("carol's approval is on 1a2b3c4, head is 9f8e7d6: stale")
  })

  test('approval then CHANGES_REQUESTED by the same reviewer: block', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1), ghReview('carol', 'CHANGES_REQUESTED', HEAD, T2)]))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('carol requested changes on 9f8e7d6 and has not approved since')
  })

  test('dismissed approval: block', async () => {
    const r = await gate(prScenario([ghReview('carol', 'DISMISSED', HEAD, T1)]))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain("carol's review was dismissed")
  })

  test('two approvals required, one independent: block', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1), ghReview('alice', 'APPROVED', HEAD, T1)]), { map: MAP('{ min-approvals: 2 }') })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #42 has 1 independent approval (carol); min-approvals is 2')
  })

  test('reviews over several pages: the latest opinion on the last page counts', async () => {
    const reviews = [ghReview('carol', 'APPROVED', HEAD, T1)]
    for (let i = 0; i < 6; i++) reviews.push(ghReview(`watcher${i}`, 'COMMENTED', HEAD, T1))
    reviews.push(ghReview('carol', 'CHANGES_REQUESTED', HEAD, T2))
    const r = await gate({ ...prScenario(reviews), maxPerPage: 3 })
    expect(calls().filter((c) => c.endsWith('/reviews'))).toHaveLength(3)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('carol requested changes')
  })

  test('direct push (no pull request for the commit): block, "direct push, no review"', async () => {
    const commit = ghCommit(MERGE, person('alice'), person('alice'), 'hotfix', { parents: [BASE_SHA], files: [ghFile('src/ledger/posting.ts')] })
    const r = await gate({ commitPulls: { [MERGE]: [] }, commits: { [MERGE]: commit } }, { event: 'push', payload: { ref: 'refs/heads/main', after: MERGE } })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('direct push, no review: no pull request brought c0ffee0')
    expect(calls().slice(0, 2)).toEqual([`GET /repos/acme/ledger/commits/${MERGE}/pulls`, `GET /repos/acme/ledger/commits/${MERGE}`])
    expect(server?.checkRuns[0]?.body).toMatchObject({ head_sha: MERGE, conclusion: 'failure' })
  })

  test('push of a squash merge: the merged pull request is found through the commit and evaluated', async () => {
    const scenario = prScenario([ghReview('carol', 'APPROVED', HEAD, T1)])
    const merged = ghPull(42, 'alice', HEAD, 1, { at: T2, sha: MERGE })
    // GitHub answers pulls/42 with the merged pull request, merge_commit_sha included.
    ;(scenario.pulls as NonNullable<Scenario['pulls']>)[42]!.pr = merged
    // GitHub made the squash commit (web-flow, signed): the gate reads that too, with no range to list it (SPEC §13).
    const squash = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)', { parents: [BASE_SHA] })
    const r = await gate({ ...scenario, commits: { [MERGE]: squash }, commitPulls: { [MERGE]: [ghPull(41, 'zed', OLD, 1, { at: T1, sha: OLD }), merged] } }, { event: 'push', payload: { ref: 'refs/heads/main', after: MERGE } })
    expect(r.outputs.decision).toBe('allow')
    expect(calls()[1]).toBe('GET /repos/acme/ledger/pulls/42')
  })

  test('merge queue: the pull request is named by the queue branch', async () => {
    const payload = { action: 'checks_requested', merge_group: { head_sha: MERGE, head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${OLD}`, base_sha: BASE_SHA, base_ref: 'refs/heads/main' } }
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), { event: 'merge_group', payload, sha: MERGE })
    expect(r.outputs.decision).toBe('allow')
    expect(calls()[0]).toBe('GET /repos/acme/ledger/pulls/42')
    expect(server?.checkRuns[0]?.body).toMatchObject({ head_sha: MERGE, conclusion: 'success' })
  })

  test('deployment approved only by the author: block; by someone independent: allow', async () => {
    const map = MAP('{ deployment-approval: true }')
    const byAuthor = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), runApprovals: { 4242: [ghApproval('alice', 'approved', ['production'])] } }, { map, inputs: { environment: 'production' } })
    expect(byAuthor.outputs.decision).toBe('block')
    expect(byAuthor.stdout).toContain('no independent deployment approval for production: alice approved the deployment but is an author of the change')
    expect(calls()).toContain('GET /repos/acme/ledger/actions/runs/4242/approvals')
    await server?.close()
    const independent = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), runApprovals: { 4242: [ghApproval('gina', 'approved', ['production'])] } }, { map, inputs: { environment: 'production' } })
    expect(independent.outputs.decision).toBe('allow')
  })
})

describe('more rules through the fake API (and, by the helper, through --change)', () => {
  test('allowed-approvers: an independent approver outside the list does not count', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), { map: MAP('{ allowed-approvers: [gina, hal] }') })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('carol approved but is not in allowed-approvers')
  })

  test('a commit author with no GitHub account blocks unless allow-unlinked-authors', async () => {
    const commits = [ghCommit(HEAD, { name: 'Laptop', email: 'me@laptop.local', login: null }, WEB_FLOW, 'wip')]
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)], { commits }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('Laptop <me@laptop.local> (author of 9f8e7d6) has no GitHub account')
    await server?.close()
    const allowed = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)], { commits }), { map: MAP('{ allow-unlinked-authors: true }') })
    expect(allowed.outputs.decision).toBe('allow')
  })

  test('with the environment input set, deployment approvals are read and kept even when no control requires them', async () => {
    const r = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), runApprovals: { 4242: [ghApproval('gina', 'approved', ['production'])] } }, { inputs: { environment: 'production' } })
    expect(r.outputs.decision).toBe('allow')
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8'))
    expect(change.deployment).toEqual({ environment: 'production', approvals: [{ user: { login: 'gina', type: 'User' }, state: 'approved', environments: ['production'], comment: 'ship it' }] })
  })

  test('a later COMMENTED review does not undo an approval', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1), ghReview('carol', 'COMMENTED', HEAD, T2)]))
    expect(r.outputs.decision).toBe('allow')
  })

  test('more commits than GitHub lists: the authors cannot all be known, block', async () => {
    const commits = Array.from({ length: 250 }, (_, i) => ghCommit(i === 249 ? HEAD : i.toString(16).padStart(40, '0'), person('alice'), WEB_FLOW, `c${i}`))
    const scenario: Scenario = { pulls: { 42: { pr: { ...ghPull(42, 'alice', HEAD, 300) }, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits } } }
    const r = await gate(scenario)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #42 has more commits than GitHub lists (250): its authors cannot all be known')
    expect(calls().filter((c) => c.endsWith('/commits'))).toHaveLength(3)
  })

  test('waivers: approved by an author of the change gives no cover; by a control owner who approved the change it does', async () => {
    const waived = (approver: string) => `version: 1
system: ledger-service
control-owners: [carol, frank]
reports: ["reports/*.xml"]
controls:
  - id: CM-07
    title: Nightly reconciliation runs
    tests: [{ tag: CM-07 }]
waivers:
  - { id: EXC-1, control: CM-07, reason: reconciliation job down, requested-by: alice, approved-by: ${approver}, expires: "2026-12-20T00:00:00Z" }
`
    const byAuthor = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)], { commits: [ghCommit(HEAD, person('alice'), person('frank'), 'x')] }), { map: waived('frank') })
    expect(byAuthor.outputs.decision).toBe('block')
    expect(byAuthor.stdout).toContain('waiver EXC-1 gives no cover: frank is an author of the change (committer of 9f8e7d6)')
    await server?.close()
    const independent = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), { map: waived('carol') })
    expect(independent.outputs).toMatchObject({ decision: 'allow', waived: '1' })
  })
})

describe('the GitHub API failing', () => {
  test('a 500 is retried and then succeeds: allow', async () => {
    const r = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), faults: [{ method: 'GET', path: /\/reviews$/, status: 500, message: 'Server Error', times: 1 }] })
    expect(r.outputs.decision).toBe('allow')
    expect(calls().filter((c) => c.endsWith('/reviews'))).toHaveLength(2)
  })

  test('403 on reviews: block with the API error as the reason, never allow', async () => {
    const r = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), faults: [{ method: 'GET', path: /\/reviews$/, status: 403, message: 'Resource not accessible by integration', times: 5 }] })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('the change could not be read: GET /repos/acme/ledger/pulls/42/reviews: 403 Resource not accessible by integration')
  })

  test('rate limit exhausted for an hour: no wait, block', async () => {
    const reset = String(Math.floor(Date.UTC(2030, 0, 1) / 1000))
    const started = Date.now()
    const r = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), faults: [{ method: 'GET', path: /\/pulls\/42$/, status: 403, message: 'API rate limit exceeded', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, times: 5 }] })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toMatch(/the change could not be read: GET \/repos\/acme\/ledger\/pulls\/42: 403 API rate limit exceeded.*\(rate limit exhausted\)/)
  })

  test('fork PR: the token cannot write checks → one warning, the decision stands', async () => {
    const r = await gate({ ...prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), faults: [{ method: 'POST', path: /\/check-runs$/, status: 403, message: 'Resource not accessible by integration', times: 1 }] })
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    expect(r.outputs['check-run-url']).toBeUndefined()
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('could not publish the check run "SOX compliance gate": POST /repos/acme/ledger/check-runs: 403 Resource not accessible by integration — the token cannot write checks')
  })

  test('fork PR on a blocked change: the step still fails', async () => {
    const r = await gate({ ...prScenario([]), faults: [{ method: 'POST', path: /\/check-runs$/, status: 403, message: 'Resource not accessible by integration', times: 1 }] })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
  })
})

describe('the check run', () => {
  test('more than 50 annotations go out in batches of 50; failing tests carry their source file and line', async () => {
    const cases = Array.from({ length: 60 }, (_, i) => `<testcase name="case ${i} [CM-01]" file="src/ledger/post.test.ts" line="${i + 10}"><failure message="boom ${i}"/></testcase>`).join('')
    const r = await runGateScenario(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), { map: MAP(), report: `<testsuite name="posting">${cases}</testsuite>`, payload: PR_EVENT, sha: MERGE })
    server = r.server
    expect(r.outputs.decision).toBe('block')
    const run = server.checkRuns[0]
    const first = (run?.body.output as { annotations: { path: string; start_line: number; title: string; message: string }[] }).annotations
    // The control annotation plus every one of the 60 failing tests: 50 in the create, 11 in one update.
    expect(first).toHaveLength(50)
    expect(first[0]).toMatchObject({ path: '.github/sox-controls.yml', start_line: 5, title: 'SOX control CM-01 failed' })
    expect(first[1]).toMatchObject({ path: 'src/ledger/post.test.ts', start_line: 10, message: 'boom 0' })
    expect(run?.updates.map((u) => (u.output as { annotations: { start_line: number; message: string }[] }).annotations.length)).toEqual([11])
    const last = (run?.updates[0]?.output as { annotations: { start_line: number; message: string }[] }).annotations.at(-1)
    expect(last).toMatchObject({ start_line: 69, message: 'boom 59' })
  })

  test('a map with 120 failing controls sends 50 + 50 + 20 annotations', async () => {
    const controls = Array.from({ length: 120 }, (_, i) => `  - { id: C${i}, title: t, tests: [{ tag: C${i} }] }`).join('\n')
    const map = `version: 1\nsystem: s\nreports: ["reports/*.xml"]\ncontrols:\n${controls}\n`
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', HEAD, T1)]), { map })
    expect(r.outputs.decision).toBe('block')
    const run = server?.checkRuns[0]
    expect((run?.body.output as { annotations: unknown[] }).annotations).toHaveLength(50)
    expect(run?.updates.map((u) => (u.output as { annotations: unknown[] }).annotations.length)).toEqual([50, 20])
  })

  test('report-only: a block is published as neutral so a rollout does not block merges', async () => {
    const r = await gate(prScenario([]), { inputs: { mode: 'report-only' } })
    expect(r.code).toBe(0)
    expect(server?.checkRuns[0]?.body).toMatchObject({ conclusion: 'neutral' })
    expect((server?.checkRuns[0]?.body.output as { title: string }).title).toMatch(/^BLOCK: .* \(report-only\)$/)
  })

  test('a configuration error still answers the required check, as a failure', async () => {
    const r = await gate(prScenario([]), { map: 'version: 1\nsystem: s\ncontrols: []\n' })
    expect(r.code).toBe(2)
    expect(server?.checkRuns[0]?.body).toMatchObject({ conclusion: 'failure', output: { title: 'BLOCK: configuration error' } })
  })
})

describe('offline re-evaluation from the change record (--change)', () => {
  test('the change.json the action wrote gives the same decision through the CLI', async () => {
    const r = await gate(prScenario([ghReview('carol', 'APPROVED', OLD, T1)]))
    expect(r.outputs.decision).toBe('block')
    const offline = runCli(['check', '--change', 'sox-evidence/change.json', '--now', '2026-11-22T12:00:00Z', '--format', 'json'], r.dir)
    expect(offline.code).toBe(1)
    const out = JSON.parse(offline.stdout)
    expect(out.controls.find((c: { id: string }) => c.id === 'CM-02').reasons.map((x: { message: string }) => x.message)).toContain("carol's approval is on 1a2b3c4, head is 9f8e7d6: stale")
    // Fix the record by hand (approval on head) and the same rules allow.
    const file = path.join(r.dir, 'sox-evidence/change.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace(`"commitId": "${OLD}"`, `"commitId": "${HEAD}"`))
    expect(runCli(['check', '--change', 'sox-evidence/change.json', '--now', '2026-11-22T12:00:00Z'], r.dir).code).toBe(0)
  })

  test('a change record that is not one: exit 2 at the line of the problem', () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP(), 'reports/r.xml': REPORT, 'change.json': '{\n  "version": 1,\n  "repository": "acme/ledger",\n  "sha": "NOT A SHA"\n}\n' })
    const r = runCli(['check', '--change', 'change.json'], dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('change.json:4:10 /sha: must match')
    expect(r.stderr).toContain('change.json:1:1 /: missing required key "event"')
  })
})

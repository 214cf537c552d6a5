import { readFileSync } from 'node:fs'
import path from 'node:path'
import { BASE_SHA, ghCommit, ghFile, ghPull, ghReview, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun, type GateRunOptions } from './helpers/gate-run.js'

// Pull request #42 by alice; its one commit authored by alice and committed by frank, and frank
// approved it: the map at the base blocks that (frank is an author). Each attack below tries to
// make the change's own map, workflow or waivers say otherwise.
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const OLD = '1a2b3c4d5e6f708192a3b4c5d6e7f80912345678'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const T1 = '2026-11-20T10:00:00Z'
// The action evaluates at the wall clock: waiver dates are set relative to it.
const inDays = (n: number): string => new Date(Math.floor(Date.now() / 86_400_000 + n) * 86_400_000).toISOString().replace('.000Z', 'Z')
const IN_10_DAYS = inDays(10)
const IN_60_DAYS = inDays(60)
const person = (login: string): GitPerson => ({ name: login[0]?.toUpperCase() + login.slice(1), email: `${login}@acme.example`, login })

const BASE_MAP = (extra = '', approval = '{}', top = '') => `version: 1
system: ledger-service
control-owners: [olivia, dan]
${top}reports: ["reports/*.xml"]
controls:
  - id: CM-01
    title: Entries balance
    tests: [{ tag: CM-01 }]
  - id: CM-02
    title: Changes are approved by someone other than their authors
    key: true
    approval: ${approval}
${extra}`
const PASSING = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'
const FAILING = '<testsuite name="posting"><testcase name="balances [CM-01]"><failure message="off by one cent"/></testcase></testsuite>'
const PR_EVENT = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }
const MAP_FILE = ghFile('.github/sox-controls.yml')
const CODE_FILE = ghFile('src/ledger/posting.ts')

function pr(reviews: ReturnType<typeof ghReview>[], options: { commits?: ReturnType<typeof ghCommit>[]; files?: ReturnType<typeof ghFile>[] } = {}): Scenario {
  const commits = options.commits ?? [ghCommit(HEAD, person('alice'), person('frank'), 'Post entries atomically')]
  const files = options.files ?? [CODE_FILE]
  return { pulls: { 42: { pr: ghPull(42, 'alice', HEAD, commits.length, undefined, BASE_SHA, files.length), reviews, commits, files } } }
}
const byFrank = [ghReview('frank', 'APPROVED', HEAD, T1)]
const byOwner = [ghReview('frank', 'APPROVED', HEAD, T1), ghReview('olivia', 'APPROVED', HEAD, T1)]

async function gate(scenario: Scenario, o: Partial<GateRunOptions> & { map: string }): Promise<GateRun> {
  const r = await runGateScenario(scenario, { report: PASSING, payload: PR_EVENT, sha: MERGE, baseMap: BASE_MAP(), ...o })
  await r.server.close()
  // Every case is re-performed offline from the change record and both maps the action kept.
  if (r.code !== 2) expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}
const integrityRow = (r: GateRun): { status: string; reasons: { message: string }[] } => {
  const decision = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { controls: { id: string; status: string; reasons: { message: string }[] }[] }
  return decision.controls.find((c) => c.id === 'SOX-GATE-INTEGRITY') as { status: string; reasons: { message: string }[] }
}

describe('the base map blocks the change, so the change tries to loosen it', () => {
  test('baseline: the same change with no map edit blocks (frank committed and approved)', async () => {
    const r = await gate(pr(byFrank), { map: BASE_MAP() })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('frank approved but is an author of the change (committer of 9f8e7d6)')
    expect(integrityRow(r).status).toBe('pass')
  })

  const attacks: [string, string, ReturnType<typeof ghReview>[], ReturnType<typeof ghCommit>[] | undefined][] = [
    ['drops the approval control', `version: 1\nsystem: ledger-service\ncontrol-owners: [olivia, dan]\nreports: ["reports/*.xml"]\ncontrols:\n  - id: CM-01\n    title: Entries balance\n    tests: [{ tag: CM-01 }]\n`, byFrank, undefined],
    ['narrows authors to the PR author', BASE_MAP('', '{ authors: [pr-author] }'), byFrank, undefined],
    ['sets fresh: false for a stale approval', BASE_MAP('', '{ fresh: false }'), [ghReview('carol', 'APPROVED', OLD, T1)], [ghCommit(OLD, person('alice'), person('alice'), 'one'), ghCommit(HEAD, person('alice'), person('alice'), 'two')]],
    ['sets bots-can-approve for a bot approval', BASE_MAP('', '{ bots-can-approve: true }'), [ghReview('release-bot', 'APPROVED', HEAD, T1, 'Bot')], undefined],
    ['sets allow-unlinked-authors for an unlinked author', BASE_MAP('', '{ allow-unlinked-authors: true }'), [ghReview('carol', 'APPROVED', HEAD, T1)], [ghCommit(HEAD, { name: 'Laptop', email: 'me@laptop.local', login: null }, person('alice'), 'wip')]],
    ['adds a waiver "approved" by carol, expiring 2036', BASE_MAP(`waivers:\n  - { id: EXC-9, control: CM-02, reason: hotfix, requested-by: alice, approved-by: carol, expires: "2036-01-01T00:00:00Z" }\n`, '{ waivable: true }'), byFrank, undefined],
    ['adds a waiver "approved" by carol, expiring 2099', BASE_MAP(`waivers:\n  - { id: EXC-9, control: CM-02, reason: hotfix, requested-by: alice, approved-by: carol, expires: "2099-01-01T00:00:00Z" }\n`), byFrank, undefined]
  ]

  test.each(attacks)('the PR’s own map %s: block, naming the protected file and who may approve it', async (_what, map, reviews, commits) => {
    const r = await gate(pr(reviews, { commits, files: [CODE_FILE, MAP_FILE] }), { map })
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    const row = integrityRow(r)
    expect(row.status).toBe('fail')
    expect(row.reasons[0]?.message).toContain('protected files changed: .github/sox-controls.yml; they need an approval on head 9f8e7d6 by a control owner who is not an author of the change (control owners: olivia, dan)')
    // The trusted (base) map judged: its CM-02 fails, whatever the proposed map says.
    expect(r.stdout).toMatch(/FAIL\s+CM-02/)
    const check = r.server.checkRuns[0]?.body as { conclusion: string; output: { summary: string } }
    expect(check.conclusion).toBe('failure')
    expect(check.output.summary).toContain('SOX-GATE-INTEGRITY')
    expect(r.summary).toContain('SOX-GATE-INTEGRITY')
    expect(readFileSync(path.join(r.dir, 'sox-evidence/report.html'), 'utf8')).toContain('SOX-GATE-INTEGRITY')
    expect(readFileSync(path.join(r.dir, 'sox-evidence/controls.csv'), 'utf8')).toContain('SOX-GATE-INTEGRITY')
  })

  test('the same map edits approved on the head commit by control owner olivia: the proposed map judges', async () => {
    const dropped = attacks[0]?.[1] as string
    const r = await gate(pr(byOwner, { files: [CODE_FILE, MAP_FILE] }), { map: dropped })
    expect(r.outputs.decision).toBe('allow')
    expect(integrityRow(r).reasons[0]?.message).toContain('protected files changed (.github/sox-controls.yml) and approved on head 9f8e7d6 by control owner olivia, who is not an author: the proposed map')
    const manifest = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/manifest.json'), 'utf8')) as { judgedBy: string; controlMap: { sha256: string }; trustedControlMap: { sha256: string } }
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { version: number; trust: { sha256: string; proposedSha256: string; source: string; ref: string } }
    expect(manifest.judgedBy).toBe('proposed')
    expect(manifest.controlMap.sha256).toBe(change.trust.proposedSha256)
    expect(manifest.trustedControlMap.sha256).toBe(change.trust.sha256)
    expect(manifest.controlMap.sha256).not.toBe(manifest.trustedControlMap.sha256)
    expect(change).toMatchObject({ version: 3, trust: { source: 'base', ref: BASE_SHA } })
  })

  test('an owner approval counts only where the proposed map is satisfied: narrowed authors approved by olivia still need CM-02 of the proposed map', async () => {
    const r = await gate(pr(byOwner, { files: [CODE_FILE, MAP_FILE] }), { map: BASE_MAP('', '{ min-approvals: 3 }') })
    expect(integrityRow(r).status).toBe('pass')
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('pull request #42 has 1 independent approval (olivia); min-approvals is 3')
  })

  test('a map change approved only by an author who is an owner, or only by a non-owner: block', async () => {
    const ownerAuthor = BASE_MAP().replace('control-owners: [olivia, dan]', 'control-owners: [frank, dan]')
    const dropped = attacks[0]?.[1] as string
    const byAuthor = await gate(pr(byFrank, { files: [CODE_FILE, MAP_FILE] }), { map: dropped, baseMap: ownerAuthor })
    expect(byAuthor.outputs.decision).toBe('block')
    expect(integrityRow(byAuthor).reasons.map((x) => x.message)).toContain('approval not counted: frank is an author of the change (committer of 9f8e7d6)')
    const byCarol = await gate(pr([ghReview('carol', 'APPROVED', HEAD, T1)], { files: [CODE_FILE, MAP_FILE] }), { map: dropped })
    expect(byCarol.outputs.decision).toBe('block')
    expect(integrityRow(byCarol).reasons.map((x) => x.message)).toContain('carol approved, but is not a control owner of the trusted map')
  })

  test('a renamed-away map, CODEOWNERS and a map-listed protected path are protected too', async () => {
    const protectedMap = BASE_MAP('', '{}', 'protected-paths: ["deploy/**"]\n')
    for (const file of [ghFile('old/sox.yml', 'renamed', '.github/sox-controls.yml'), ghFile('.github/CODEOWNERS'), ghFile('deploy/prod.tf')]) {
      const r = await gate(pr([ghReview('carol', 'APPROVED', HEAD, T1)], { files: [file] }), { map: protectedMap, baseMap: protectedMap })
      expect(r.outputs.decision).toBe('block')
      expect(integrityRow(r).reasons[0]?.message).toMatch(/^protected files changed: (\.github\/sox-controls\.yml|\.github\/CODEOWNERS|deploy\/prod\.tf);/)
    }
  })

  test('the workflow edited to report-only: the check concludes failure and the step fails', async () => {
    const r = await gate(pr([ghReview('carol', 'APPROVED', HEAD, T1)], { files: [CODE_FILE, ghFile('.github/workflows/deploy.yml')] }), { map: BASE_MAP(), report: FAILING, inputs: { mode: 'report-only' } })
    expect(r.outputs.decision).toBe('block')
    expect(r.code).toBe(1)
    expect(integrityRow(r).reasons[0]?.message).toContain('protected files changed: .github/workflows/deploy.yml')
    expect(r.server.checkRuns[0]?.body).toMatchObject({ conclusion: 'failure' })
    expect(r.stdout).toContain('SOX-GATE-INTEGRITY failed, so report-only does not apply')
  })

  test('report-only with no protected change still publishes neutral', async () => {
    const r = await gate(pr([ghReview('carol', 'APPROVED', HEAD, T1)]), { map: BASE_MAP(), report: FAILING, inputs: { mode: 'report-only' } })
    expect(r.code).toBe(0)
    expect(r.server.checkRuns[0]?.body).toMatchObject({ conclusion: 'neutral' })
  })

  test('the workflow points control-map at a new file of its own: the base map at the default path still judges', async () => {
    const own = 'version: 1\nsystem: ledger-service\ncontrol-owners: [frank]\nreports: ["reports/*.xml"]\ncontrols:\n  - id: CM-01\n    title: t\n    tests: [{ tag: CM-01 }]\n'
    const files = [ghFile('sox/mine.yml', 'added'), ghFile('.github/workflows/deploy.yml')]
    const r = await gate(pr(byFrank, { files }), { map: BASE_MAP(), workspaceFiles: { 'sox/mine.yml': own }, inputs: { 'control-map': 'sox/mine.yml' } })
    expect(r.outputs.decision).toBe('block')
    expect(integrityRow(r).reasons[0]?.message).toContain('protected files changed: .github/workflows/deploy.yml')
    expect(integrityRow(r).reasons[0]?.message).toContain('the base\'s map at .github/sox-controls.yml is trusted')
  })
})

describe('a direct push to main that adds a waiver to the map', () => {
  test('block: no pull request, so no owner approved the map change and the waiver gives no cover', async () => {
    const map = BASE_MAP(`waivers:\n  - { id: EXC-9, control: CM-02, reason: hotfix, requested-by: alice, approved-by: olivia, expires: "${IN_10_DAYS}" }\n`, '{ waivable: true }')
    const commit = ghCommit(MERGE, person('alice'), person('alice'), 'hotfix', { parents: [BASE_SHA], files: [MAP_FILE, CODE_FILE] })
    const r = await gate({ commitPulls: { [MERGE]: [] }, commits: { [MERGE]: commit } }, { map, event: 'push', payload: { ref: 'refs/heads/main', after: MERGE } })
    expect(r.outputs.decision).toBe('block')
    expect(integrityRow(r).reasons[0]?.message).toContain('protected files changed: .github/sox-controls.yml; no pull request brought them (direct push, no review)')
    expect(r.stdout).toContain('direct push, no review: no pull request brought c0ffee0')
  })

  test('a push whose range start is `before`: the map at `before` judges and the compare lists the files', async () => {
    const before = 'b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4'
    const commit = ghCommit(MERGE, person('alice'), person('alice'), 'hotfix')
    const scenario: Scenario = { commitPulls: { [MERGE]: [] }, commits: { [MERGE]: commit }, contents: { [`acme/ledger@${before}`]: { '.github/sox-controls.yml': BASE_MAP() } }, compares: { [`${before}...${MERGE}`]: { commits: [commit], files: [MAP_FILE] } } }
    const r = await gate(scenario, { map: BASE_MAP('', '{}').replace('    approval: {}\n', '    tests: [{ tag: CM-01 }]\n'), event: 'push', payload: { ref: 'refs/heads/main', before, after: MERGE } })
    expect(r.outputs.decision).toBe('block')
    expect(integrityRow(r).reasons[0]?.message).toContain(`the control map at the push's range start b4b4b4b judges`)
  })
})

describe('waivers (SPEC §9): only a control owner who approved the change on GitHub can give cover', () => {
  // CM-01 fails (a failing test); the waiver is in the base map, so the change does not touch it.
  const waiverMap = (w: string, approval = '{}', top = '') => BASE_MAP(`waivers:\n  - { id: EXC-1, control: ${w}, expires: "${EXPIRES}" }\n`.replace('{ id: EXC-1,', `{ id: EXC-1, reason: reconciliation down, requested-by: ${REQ}, approved-by: ${APP},`), approval, top)
  let REQ = 'alice'
  let APP = 'olivia'
  let EXPIRES = IN_10_DAYS
  const withOwnerReview = [ghReview('olivia', 'APPROVED', HEAD, T1), ghReview('carol', 'APPROVED', HEAD, T1)]

  async function waived(o: { req?: string; app?: string; expires?: string; control?: string; approval?: string; reviews?: ReturnType<typeof ghReview>[]; top?: string; report?: string }): Promise<GateRun> {
    REQ = o.req ?? 'alice'
    APP = o.app ?? 'olivia'
    EXPIRES = o.expires ?? IN_10_DAYS
    const map = waiverMap(o.control ?? 'CM-01', o.approval, o.top)
    return gate(pr(o.reviews ?? withOwnerReview), { map, baseMap: map, report: o.report ?? FAILING })
  }
  const reasonOf = (r: GateRun, id: string): string[] => {
    const decision = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { controls: { id: string; reasons: { message: string }[] }[] }
    return decision.controls.find((c) => c.id === id)?.reasons.map((x) => x.message) ?? []
  }

  test('meets every rule: covers the failing tests control', async () => {
    const r = await waived({})
    expect(r.outputs).toMatchObject({ decision: 'allow', waived: '1', emergency: 'false' })
    expect(reasonOf(r, 'CM-01').join('\n')).toContain('waived by EXC-1 (requested by alice, approved by control owner olivia on GitHub')
  })

  test.each([
    ['a non-owner', { app: 'carol' }, 'waiver EXC-1 gives no cover: carol is not a control owner of the trusted map (control owners: olivia, dan)'],
    ['its requester', { req: 'olivia', app: 'olivia' }, 'waiver EXC-1 gives no cover: approved by its own requester olivia'],
    ['an author (who also approved the PR)', { app: 'frank', reviews: [ghReview('frank', 'APPROVED', HEAD, T1)] }, 'frank is an author of the change (committer of 9f8e7d6)'],
    ['an owner who did not approve the PR', { app: 'dan' }, 'waiver EXC-1 gives no cover: dan did not approve the change on GitHub (no APPROVED review on its head commit)'],
    ['an owner whose approval is stale', { reviews: [ghReview('olivia', 'APPROVED', OLD, T1)] }, "olivia's approval of the change does not count: olivia's approval is on 1a2b3c4, not on head 9f8e7d6"],
    ['expiring past max-waiver-days', { expires: IN_60_DAYS }, `waiver EXC-1 gives no cover: expires ${IN_60_DAYS}, more than max-waiver-days (30) after the evaluation`],
    ['expiring past a map’s max-waiver-days of 7', { top: 'max-waiver-days: 7\n' }, 'more than max-waiver-days (7) after the evaluation'],
    ['of an approval control without waivable: true', { control: 'CM-02', approval: '{ min-approvals: 3 }' }, 'CM-02 is an approval control without waivable: true, so no waiver can cover it']
  ])('approved by %s: no cover, with its own reason', async (_what, o, reason) => {
    const r = await waived(o)
    expect(r.outputs.decision).toBe('block')
    expect(JSON.stringify(reasonOf(r, (o as { control?: string }).control ?? 'CM-01'))).toContain(reason.replace(/"/g, '\\"'))
  })

  test('an emergency waiver of a waivable approval control that meets every rule covers, flagged on every surface', async () => {
    const r = await waived({ control: 'CM-02', approval: '{ min-approvals: 2, waivable: true }', reviews: [ghReview('olivia', 'APPROVED', HEAD, T1)], report: PASSING })
    expect(r.outputs).toMatchObject({ decision: 'allow', waived: '1', emergency: 'true' })
    const json = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { emergency: boolean; controls: { id: string; emergency?: boolean }[] }
    expect(json.emergency).toBe(true)
    expect(json.controls.find((c) => c.id === 'CM-02')?.emergency).toBe(true)
    expect(r.summary).toContain('EMERGENCY CHANGE: the approval control CM-02 (waiver EXC-1) is covered by a waiver')
    expect(readFileSync(path.join(r.dir, 'sox-evidence/report.html'), 'utf8')).toContain('id="emergency"')
    expect(r.stdout).toContain('!!! EMERGENCY CHANGE')
    expect(JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/manifest.json'), 'utf8')).emergency).toBe(true)
  })
})

describe('the trusted map cannot be read: block, never the workspace copy', () => {
  test.each([
    ['404 on an existing path (the change modifies it)', { status: 404, message: 'Not Found', times: 10 }, 'cannot be read at base ba5eba5 (main) of pull request #42 (404), and this change does not add it'],
    ['500', { status: 500, message: 'Server Error', times: 10 }, '500 Server Error; the gate never falls back to the workspace'],
    ['a timeout (an API that never answers the contents call)', { status: 0, message: '', times: 10, hang: true }, 'GET /repos/acme/ledger/contents/.github/sox-controls.yml: timed out: no answer within 1 s']
  ])('%s', async (_what, fault, reason) => {
    const scenario = { ...pr([ghReview('olivia', 'APPROVED', HEAD, T1)], { files: [CODE_FILE, MAP_FILE] }), faults: [{ method: 'GET', path: /\/contents\//, ...fault }] }
    const r = await gate(scenario, { map: BASE_MAP(), env: { SOX_GATE_HTTP_TIMEOUT_MS: '1000', SOX_GATE_HTTP_RETRY_BASE_MS: '20' } })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(reason)
    if ('hang' in fault) {
      // GitHub stopped answering: not asked again, so no check run — a required check that never
      // arrives keeps the pull request blocked all the same.
      expect(r.server.checkRuns).toHaveLength(0)
      expect(r.stdout).toContain('could not publish the check run')
    } else expect(r.server.checkRuns[0]?.body).toMatchObject({ conclusion: 'failure', output: { title: 'BLOCK: configuration error' } })
  })
})

test('a transient 500 on the trusted map is retried (the same path, not encoded twice) and then read', async () => {
  const scenario = { ...pr([ghReview('carol', 'APPROVED', HEAD, T1)]), faults: [{ method: 'GET', path: /\/contents\//, status: 500, message: 'Server Error', times: 1 }] }
  const r = await gate(scenario, { map: BASE_MAP() })
  expect(r.outputs.decision).toBe('allow')
  expect(r.server.requests.filter((q) => q.path.includes('/contents/')).map((q) => q.path)).toEqual(['/repos/acme/ledger/contents/.github/sox-controls.yml', '/repos/acme/ledger/contents/.github/sox-controls.yml'])
})

describe('first adoption and policy repositories', () => {
  test('first adoption: the proposed map judges with an independent approval, and says so', async () => {
    const files = [ghFile('.github/sox-controls.yml', 'added'), ghFile('.github/workflows/sox.yml', 'added')]
    const r = await gate(pr([ghReview('carol', 'APPROVED', HEAD, T1)], { files }), { map: BASE_MAP(), baseMap: null })
    expect(r.outputs.decision).toBe('allow')
    expect(integrityRow(r).reasons[0]?.message).toContain('the control map is introduced by this change (.github/sox-controls.yml; base ba5eba5 (main) of pull request #42, where .github/sox-controls.yml does not exist yet): it judges the change, approved independently by carol')
    expect(r.stdout).toContain('Judged by the control map this change introduces (first adoption')
  })

  test('first adoption approved only by an author: block', async () => {
    const files = [ghFile('.github/sox-controls.yml', 'added')]
    const r = await gate(pr(byFrank, { files }), { map: BASE_MAP().replace('    approval: {}\n', '    tests: [{ tag: CM-01 }]\n'), baseMap: null })
    expect(r.outputs.decision).toBe('block')
    expect(integrityRow(r).reasons[0]?.message).toContain('needs an approval on the head commit by someone who is not an author of the change, and has none')
  })

  test('a map from a policy repository is read with the policy token, and trusted as it is', async () => {
    const policy = BASE_MAP()
    const scenario = { ...pr([ghReview('carol', 'APPROVED', HEAD, T1)], { files: [CODE_FILE, MAP_FILE] }), contents: { 'acme/compliance-policy@v3': { 'sox/ledger.yml': policy } } }
    const own = 'version: 1\nsystem: mine\nreports: ["reports/*.xml"]\ncontrols:\n  - id: X\n    title: t\n    tests: [{ tag: NOPE }]\n'
    const r = await gate(scenario, { map: own, baseMap: null, inputs: { 'control-map': 'acme/compliance-policy/sox/ledger.yml@v3', 'policy-token': 'ghs_policy' } })
    expect(r.outputs.decision).toBe('allow')
    const read = r.server.requests.find((q) => q.path === '/repos/acme/compliance-policy/contents/sox/ledger.yml')
    expect(read).toMatchObject({ query: '?ref=v3', authorization: 'token ghs_policy' })
    expect(r.server.requests.filter((q) => q.path.includes('/pulls/')).every((q) => q.authorization === 'token ghs_faketoken')).toBe(true)
    expect(integrityRow(r).reasons[0]?.message).toContain('the policy map acme/compliance-policy/sox/ledger.yml@v3 judges')
  })
})

test('a "policy" map in the same repository is refused: its ref could be the change’s own branch', async () => {
  const r = await runGateScenario(pr(byFrank), { map: BASE_MAP(), report: PASSING, payload: PR_EVENT, sha: MERGE, inputs: { 'control-map': 'acme/ledger/.github/sox-controls.yml@feature/posting' } })
  await r.server.close()
  expect(r.code).toBe(2)
  expect(r.outputs.decision).toBe('block')
  expect(r.stdout).toContain('control-map names a policy map in this same repository')
})

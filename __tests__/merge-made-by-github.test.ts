import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ghCommit, ghFile, ghPull, ghReview, WEB_FLOW, type GitPerson, type Scenario } from './helpers/fake-github.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { PASSING_REPORT, person, SHIPPED_MAP, T1 } from './helpers/shipped.js'

// SPEC §13 "A merge is what GitHub made": a commit the range counts for a pull request, that is
// none of its reviewed commits, counts only when GitHub's web-flow committed and signed it, or
// when its content equals the approved head merged as GitHub would. GitHub signs its merge
// commits and squash merges; it cannot sign a rebase merge's copies (GitHub's documentation,
// "About commit signature verification": "Signature verification for rebase and merge"), so
// those pass on content.
const BASE = 'ba5eba5eba5eba5eba5eba5eba5eba5eba5eba5e'
const B0 = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const C1 = '1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const R1 = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1'
const blob = (c: string): string => c.repeat(40)
const MAP = SHIPPED_MAP
const REPORT = PASSING_REPORT
const push = { event: 'push', payload: { ref: 'refs/heads/main', before: B0, after: MERGE }, sha: MERGE }

// Pull request #42 by alice: C1 then HEAD, approved by carol on HEAD. It changes posting.ts (to
// blob 1…) and guard.ts (to blob 2…). Main moved on since its base: B0 changed docs/runbook.md.
const POSTING = ghFile('src/ledger/posting.ts', 'modified', undefined, blob('1'))
const GUARD = ghFile('src/ledger/guard.ts', 'modified', undefined, blob('2'))
const RUNBOOK = ghFile('docs/runbook.md', 'modified', undefined, blob('3'))

interface Merge {
  /** The commits the merge put on main, after B0 (the last is MERGE, merge_commit_sha). */
  onMain: ReturnType<typeof ghCommit>[]
  /** What the merge changed from B0 to MERGE. */
  merged: ReturnType<typeof ghFile>[]
  /** What main changed since the pull request's merge base (default: the runbook). */
  baseChanged?: ReturnType<typeof ghFile>[]
}

/** #42's own commits, as its author pushed them to its branch. */
const own = (): ReturnType<typeof ghCommit>[] => [ghCommit(C1, person('alice'), person('alice'), 'post', { parents: [BASE] }), ghCommit(HEAD, person('alice'), person('alice'), 'guard', { parents: [C1] })]

function scenario(m: Merge): Scenario {
  const pr = ghPull(42, 'alice', HEAD, 2, { at: T1, sha: MERGE }, BASE, 2)
  const commits = own()
  const associated = Object.fromEntries(m.onMain.map((c) => [c.sha, [pr]]))
  return {
    pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits, files: [POSTING, GUARD] } },
    commitPulls: associated,
    commits: Object.fromEntries(m.onMain.map((c) => [c.sha, c])),
    contents: { [`acme/ledger@${B0}`]: { '.github/sox-controls.yml': MAP } },
    compares: {
      // The range, which is also the merge's own comparison: the same call GitHub answers.
      [`${B0}...${MERGE}`]: { commits: m.onMain, files: m.merged },
      // What the approved head changes, from its merge base with B0 (BASE)…
      [`${B0}...${HEAD}`]: { commits, files: [POSTING, GUARD] },
      // …and what main changed since then.
      [`${HEAD}...${B0}`]: { commits: [], files: m.baseChanged ?? [RUNBOOK] }
    }
  }
}

async function gate(s: Scenario, o: { event?: string; payload?: object } = {}): Promise<GateRun> {
  const r = await runGateScenario(s, { map: MAP, report: REPORT, ...push, ...o })
  await r.server.close()
  // The same decision offline, from the change record alone.
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}
const compares = (r: GateRun): string[] => r.server.requests.filter((q) => q.path.startsWith('/repos/acme/ledger/compare/')).map((q) => decodeURIComponent(q.path.replace('/repos/acme/ledger/compare/', '')))
const reasons = (r: GateRun): string[] => {
  const decision = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/decision.json'), 'utf8')) as { controls: { id: string; reasons: { message: string }[] }[] }
  return decision.controls.find((c) => c.id === 'CM-02')?.reasons.map((x) => x.message) ?? []
}

describe("GitHub's own merges keep passing", () => {
  test('a merge commit GitHub made (web-flow, signed): allow, and its content is not even compared', async () => {
    const merge = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Merge pull request #42', { parents: [B0, HEAD] })
    const r = await gate(scenario({ onMain: [...own(), merge], merged: [POSTING, GUARD] }))
    expect(r.outputs.decision).toBe('allow')
    expect(compares(r)).toEqual([`${B0}...${MERGE}`])
  })

  test('a squash merge GitHub made (web-flow, signed): allow, no comparison beyond the range', async () => {
    const squash = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)', { parents: [B0] })
    const r = await gate(scenario({ onMain: [squash], merged: [POSTING, GUARD] }))
    expect(r.outputs.decision).toBe('allow')
    expect(compares(r)).toEqual([`${B0}...${MERGE}`])
  })

  test("a rebase merge (GitHub's copies, committed by the merger, unsigned): allow on content, three comparisons, and the reasons say so", async () => {
    const copies = [ghCommit(R1, person('alice'), person('carol'), 'post', { parents: [B0] }), ghCommit(MERGE, person('alice'), person('carol'), 'guard', { parents: [R1] })]
    const r = await gate(scenario({ onMain: copies, merged: [POSTING, GUARD] }))
    expect(r.outputs.decision).toBe('allow')
    expect(compares(r)).toEqual([`${B0}...${MERGE}`, `${B0}...${MERGE}`, `${B0}...${HEAD}`, `${HEAD}...${B0}`])
    expect(reasons(r)).toContain('the 2 commits a1a1a1a…c0ffee0 that merged it of pull request #42 were committed by carol (unsigned), not by GitHub, but its content equals the approved head 9f8e7d6 merged onto b0b0b0b (2 files, each as at the head; nothing else changed)')
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { version: number; merges: unknown[]; range: { commits: { sha: string; verified: boolean; parents: string[] }[] } }
    expect(change.version).toBe(3)
    expect(change.merges).toEqual([{ pullRequest: 42, onto: B0, mergeCommit: MERGE, headSha: HEAD, merged: [{ path: 'src/ledger/posting.ts', blob: blob('1') }, { path: 'src/ledger/guard.ts', blob: blob('2') }], approved: [{ path: 'src/ledger/posting.ts', blob: blob('1') }, { path: 'src/ledger/guard.ts', blob: blob('2') }], baseChanged: ['docs/runbook.md'], complete: true }])
    expect(change.range.commits.map((c) => [c.sha, c.verified, c.parents])).toEqual([[R1, false, [B0]], [MERGE, false, [R1]]])
  })

  test('a merge made by hand whose content is exactly the approved head merged: allow, and the reasons say it was not GitHub', async () => {
    const merge = ghCommit(MERGE, person('alice'), person('alice'), "Merge branch 'posting'", { parents: [B0, HEAD] })
    const r = await gate(scenario({ onMain: [...own(), merge], merged: [POSTING, GUARD] }))
    expect(r.outputs.decision).toBe('allow')
    expect(reasons(r).join('\n')).toContain('merge commit c0ffee0 of pull request #42 was committed by alice (unsigned), not by GitHub, but its content equals the approved head 9f8e7d6')
  })
})

describe('the attacker: alice merges her approved pull request by hand, and slips a change into the merge commit', () => {
  const handMerge = (committer: GitPerson = person('alice'), verified = false): ReturnType<typeof ghCommit> => ghCommit(MERGE, person('alice'), committer, 'Merge pull request #42 from acme/posting', { parents: [B0, HEAD], verified })

  test('an unreviewed file in the merge commit: block, "merge commit made outside GitHub, its content was never reviewed", naming the file', async () => {
    // GitHub marks #42 merged with MERGE as its merge_commit_sha: the gate used to count it as #42's own.
    const backdoor = ghFile('src/ledger/backdoor.ts', 'added', undefined, blob('9'))
    const r = await gate(scenario({ onMain: [...own(), handMerge()], merged: [POSTING, GUARD, backdoor] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('merge commit c0ffee0 of pull request #42 was committed by alice (unsigned), not by GitHub: merge commit made outside GitHub, its content was never reviewed (it changes src/ledger/backdoor.ts, which the approved head 9f8e7d6 does not change)')
  })

  test('the change hidden inside a file the pull request changes: block, the file is not as at the approved head', async () => {
    const edited = ghFile('src/ledger/posting.ts', 'modified', undefined, blob('8'))
    const r = await gate(scenario({ onMain: [...own(), handMerge()], merged: [edited, GUARD] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('merge commit made outside GitHub, its content was never reviewed (src/ledger/posting.ts is not as at the approved head 9f8e7d6)')
  })

  test('signed with her own key (verified, but not by GitHub): still block', async () => {
    const r = await gate(scenario({ onMain: [...own(), handMerge(person('alice'), true)], merged: [POSTING, GUARD, ghFile('src/ledger/backdoor.ts', 'added', undefined, blob('9'))] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('was committed by alice (signed, but not by GitHub), not by GitHub: merge commit made outside GitHub')
  })

  test("committed as \"GitHub <noreply@github.com>\", unsigned: GitHub's name is not GitHub's signature, block", async () => {
    const fake: GitPerson = { name: 'GitHub', email: 'noreply@github.com', login: null }
    const r = await gate(scenario({ onMain: [...own(), handMerge(fake)], merged: [POSTING, GUARD, ghFile('src/ledger/backdoor.ts', 'added', undefined, blob('9'))] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('merge commit c0ffee0 of pull request #42 was committed by GitHub <noreply@github.com> (unsigned), not by GitHub: merge commit made outside GitHub, its content was never reviewed')
  })

  test('part of the approved change left out of the merge (the guard dropped, the posting kept): block', async () => {
    const r = await gate(scenario({ onMain: [...own(), handMerge()], merged: [POSTING] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('(the approved change to src/ledger/guard.ts is not in it)')
  })

  test("main's own reviewed change to a file of the pull request silently undone by taking the head's copy: block", async () => {
    // Main changed posting.ts since the pull request's base; the hand merge takes the head's blob, dropping main's change.
    const r = await gate(scenario({ onMain: [...own(), handMerge()], merged: [POSTING, GUARD], baseChanged: [ghFile('src/ledger/posting.ts', 'modified', undefined, blob('7'))] }))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain("(src/ledger/posting.ts changed on the base branch too since the pull request's merge base, so GitHub's merge of it is unknown)")
  })

  test('deployed by a dispatch, with no range to list it: the evaluated merge commit itself is read, and blocks', async () => {
    const backdoor = ghFile('src/ledger/backdoor.ts', 'added', undefined, blob('9'))
    const r = await gate(scenario({ onMain: [...own(), handMerge()], merged: [POSTING, GUARD, backdoor] }), { event: 'workflow_dispatch', payload: { ref: 'refs/heads/main' } })
    expect(r.outputs.decision).toBe('block')
    expect(r.server.requests.map((q) => q.path)).toContain(`/repos/acme/ledger/commits/${MERGE}`)
    expect(r.stdout).toContain('merge commit made outside GitHub, its content was never reviewed (it changes src/ledger/backdoor.ts')
  })

  test('the hand merge of another pull request in the deployed range, under a merge GitHub made: block, naming that pull request', async () => {
    // #41 (zed, approved by carol) was merged by hand with a slipped-in file; then #42 merged by GitHub on top.
    const Z = 'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5'
    const ZMERGE = 'e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e6'
    const base = scenario({ onMain: [], merged: [] })
    const pr42 = ghPull(42, 'alice', HEAD, 2, { at: T1, sha: MERGE }, BASE, 2)
    const pr41 = ghPull(41, 'zed', Z, 1, { at: T1, sha: ZMERGE }, BASE, 1)
    const zOwn = ghCommit(Z, person('zed'), person('zed'), 'z', { parents: [BASE] })
    const zMerge = ghCommit(ZMERGE, person('zed'), person('zed'), 'Merge pull request #41', { parents: [B0, Z] })
    const merge = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Merge pull request #42', { parents: [ZMERGE, HEAD] })
    const s: Scenario = {
      ...base,
      pulls: { ...base.pulls, 41: { pr: pr41, reviews: [ghReview('carol', 'APPROVED', Z, T1)], commits: [zOwn], files: [ghFile('src/z.ts', 'modified', undefined, blob('5'))] } },
      commitPulls: { [Z]: [pr41], [ZMERGE]: [pr41], [MERGE]: [pr42], [C1]: [pr42], [HEAD]: [pr42] },
      commits: { [MERGE]: merge },
      compares: {
        [`${B0}...${MERGE}`]: { commits: [zOwn, zMerge, ...own(), merge], files: [] },
        [`${B0}...${ZMERGE}`]: { commits: [zOwn, zMerge], files: [ghFile('src/z.ts', 'modified', undefined, blob('5')), ghFile('src/ledger/backdoor.ts', 'added', undefined, blob('9'))] },
        [`${B0}...${Z}`]: { commits: [zOwn], files: [ghFile('src/z.ts', 'modified', undefined, blob('5'))] },
        [`${Z}...${B0}`]: { commits: [], files: [] }
      }
    }
    const r = await gate(s)
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('merge commit e6e6e6e of pull request #41 was committed by zed (unsigned), not by GitHub: merge commit made outside GitHub, its content was never reviewed (it changes src/ledger/backdoor.ts, which the approved head e5e5e5e does not change)')
  })
})

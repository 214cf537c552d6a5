import { loadControlMap } from '../src/controls/load.js'
import { mergeContentVerdict } from '../src/change/merges.js'
import type { ChangeRecord, ConsideredDeployment, MergeContent } from '../src/change/model.js'
import { judgeDeployment, linkedRunId } from '../src/change/range-start.js'
import { evaluateApprovalControl } from '../src/engine/approval-control.js'
import { commit, HEAD, prChange, review } from './helpers/change.js'

// SPEC §13, judged from the change record alone: the rules the action applies when it reads
// GitHub are re-applied offline (`--change`, `verify`) to the facts it kept, and records written
// before them (versions 1 and 2) are judged by their own rules.
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const START = 'de9106ede9106ede9106ede9106ede9106ede910'
const blob = (c: string): string => c.repeat(40)

function control(approval = '{}') {
  const map = loadControlMap(`version: 1\nsystem: s\ncontrols:\n  - { id: CM-02, title: Independent approval, approval: ${approval} }\n`, 'map.yml')
  return map.controls[0] as NonNullable<(typeof map.controls)[0]>
}
const evaluate = (change: ChangeRecord, approval?: string) => evaluateApprovalControl(control(approval), change)
const failures = (change: ChangeRecord, approval?: string): string[] => evaluate(change, approval).reasons.filter((r) => r.effect === 'fail').map((r) => r.message)

/** A push of #42's merge commit MERGE, from START, as a version 3 record (every fact read). */
function pushed(version: 1 | 2 | 3, mergeCommitter: { verified: boolean; login: string | null; email: string }, extra: Partial<ChangeRecord> = {}): ChangeRecord {
  const base = prChange('alice', [commit(HEAD, 'alice', { committer: 'alice' })], [review('carol', 'APPROVED')])
  return {
    ...base,
    version,
    sha: MERGE,
    event: 'push',
    pullRequest: { ...(base.pullRequest as NonNullable<ChangeRecord['pullRequest']>), mergeCommitSha: MERGE },
    reviews: base.reviews.map((r) => ({ ...r, authorAssociation: 'MEMBER' })),
    range: {
      start: START,
      startSha: START,
      source: 'before',
      commits: [
        { sha: HEAD, author: 'alice', pullRequest: 42 },
        { sha: MERGE, author: 'alice', pullRequest: 42, committer: { email: mergeCommitter.email, ...(mergeCommitter.login ? { account: { login: mergeCommitter.login, type: 'User' } } : {}) }, verified: mergeCommitter.verified, parents: [START, HEAD] }
      ],
      complete: true,
      files: [],
      filesComplete: true
    },
    ...extra
  }
}
const WEB_FLOW = { verified: true, login: 'web-flow', email: 'noreply@github.com' }
const BY_HAND = { verified: false, login: 'alice', email: 'alice@example.com' }
const content = (merged: MergeContent['merged']): MergeContent => ({ pullRequest: 42, onto: START, mergeCommit: MERGE, headSha: HEAD, merged, approved: [{ path: 'a.ts', blob: blob('1') }], baseChanged: [], complete: true })

describe('a merge is what GitHub made, re-judged from the record', () => {
  test('version 3: GitHub\'s signed merge passes; one made by hand passes only with its content shown equal', () => {
    expect(evaluate(pushed(3, WEB_FLOW)).pass).toBe(true)
    expect(failures(pushed(3, BY_HAND))).toEqual(['merge commit c0ffee0 of pull request #42 was committed by alice (unsigned), not by GitHub: merge commit made outside GitHub, its content was never reviewed (its content was not compared with the approved head 9f8e7d6)'])
    expect(evaluate(pushed(3, BY_HAND, { merges: [content([{ path: 'a.ts', blob: blob('1') }])] })).pass).toBe(true)
    expect(failures(pushed(3, BY_HAND, { merges: [content([{ path: 'a.ts', blob: blob('1') }, { path: 'b.ts', blob: blob('2') }])] }))[0]).toContain('(it changes b.ts, which the approved head 9f8e7d6 does not change)')
  })

  test('a comparison for another stretch (another onto) does not vouch for this one', () => {
    expect(failures(pushed(3, BY_HAND, { merges: [{ ...content([{ path: 'a.ts', blob: blob('1') }]), onto: blob('b') }] }))[0]).toContain('its content was not compared with the approved head')
  })

  test('a version 3 commit of the range whose committer was not read: fail closed', () => {
    const record = pushed(3, BY_HAND)
    const range = record.range as NonNullable<ChangeRecord['range']>
    range.commits = range.commits.map((c) => ({ sha: c.sha, author: c.author, pullRequest: c.pullRequest }))
    expect(failures(record)).toEqual(['merge commit c0ffee0 of pull request #42 was committed by someone not read, not by GitHub: merge commit made outside GitHub, its content was never reviewed (who committed it was not read)'])
  })

  test('version 2 records were judged before this rule, and re-perform as they were judged', () => {
    expect(evaluate(pushed(2, BY_HAND)).pass).toBe(true)
  })

  test('content verdicts: a rename is its new path and its old path gone; a file listed without its blob is not shown equal', () => {
    const renamed: MergeContent = { ...content([]), approved: [{ path: 'new.ts', blob: blob('1') }, { path: 'old.ts', blob: null }], merged: [{ path: 'new.ts', blob: blob('1') }, { path: 'old.ts', blob: null }] }
    expect(mergeContentVerdict(renamed)).toEqual({ equal: true, files: 2 })
    expect(mergeContentVerdict({ ...renamed, merged: [{ path: 'new.ts', blob: blob('1') }] })).toEqual({ equal: false, why: 'the approved change to old.ts is not in it' })
    expect(mergeContentVerdict({ ...renamed, complete: false })).toMatchObject({ equal: false })
  })
})

describe('the range start, re-judged from the record', () => {
  const run = { id: 1, path: '.github/workflows/deploy.yml', repository: 'acme/ledger', headRepository: 'acme/ledger', headBranch: 'main', event: 'push', headSha: START, status: 'completed', conclusion: 'success' }
  const deployment = (over: Partial<ConsideredDeployment> = {}): ConsideredDeployment => ({ id: 7, environment: 'production', sha: START, creator: 'github-actions[bot]', statusCreator: 'github-actions[bot]', createdAt: '2026-11-19T08:00:00Z', link: 'https://github.com/acme/ledger/actions/runs/1', run, trusted: true, why: 'as read', ...over })
  const started = (version: 2 | 3, d: ConsideredDeployment): ChangeRecord => {
    const record = pushed(version, WEB_FLOW)
    const range = record.range as NonNullable<ChangeRecord['range']>
    range.source = 'deployment'
    range.deployment = { id: d.id, environment: 'production', sha: d.sha, creator: d.creator, statusCreator: d.statusCreator, createdAt: d.createdAt }
    record.rangeStart = { environment: 'production', workflow: '.github/workflows/deploy.yml', defaultBranch: 'main', deployments: [d] }
    return record
  }

  test('a start whose recorded facts show it trusted passes, and says why', () => {
    const v = evaluate(started(3, deployment()))
    expect(v.pass).toBe(true)
    expect(v.reasons.map((r) => r.message)).toContain('the range starts after deployment 7 to production at de9106e: written by run 1 of .github/workflows/deploy.yml on the default branch main (push), which completed with success at de9106e')
  })

  test('a record that calls a start trusted which its own facts do not support fails (the verdict is re-derived, not copied)', () => {
    const v = evaluate(started(3, deployment({ run: { ...run, headBranch: 'mallory/fix' } })))
    expect(v.pass).toBe(false)
    expect(v.reasons[0]?.message).toBe('the range start de9106e is a deployment the change record cannot show to be trusted (its run 1 ran on branch mallory/fix, not on the default branch main; created by github-actions[bot], and deployers: counts only from a policy-repository map (control-map: OWNER/REPO/PATH@REF), which no push to this repository can edit): what ships cannot be known')
  })

  test('version 2: the deployment start is taken as it was', () => {
    expect(evaluate(started(2, deployment({ run: { ...run, headBranch: 'mallory/fix' } }))).pass).toBe(true)
  })

  test.each([
    ['in progress', { status: 'in_progress', conclusion: null }, 'its run 1 has not completed (in_progress), so its gate cannot be shown to have allowed it'],
    ['of a fork', { headRepository: null }, 'its run 1 ran on a branch of an unknown repository, not of acme/ledger'],
    ['of a pull_request_target event', { event: 'pull_request_target' }, 'its run 1 ran for a pull_request_target event, whose workflow the pull request chooses']
  ])('a run %s is no trusted writer', (_, over, why) => {
    expect(judgeDeployment(deployment({ run: { ...run, ...over } }), { defaultBranch: 'main', workflow: '.github/workflows/deploy.yml' }, 'acme/ledger').why).toMatch(new RegExp(`^${why.replace(/[()]/g, '\\$&')}`))
  })

  test('the run a status links: only a run of this repository, whatever host the link names', () => {
    expect(linkedRunId('https://github.com/acme/ledger/actions/runs/42/job/7', 'acme/ledger')).toBe(42)
    expect(linkedRunId('https://ghe.acme.example/ACME/Ledger/actions/runs/42/attempts/2', 'acme/ledger')).toBe(42)
    expect(linkedRunId('https://github.com/acme/other/actions/runs/42', 'acme/ledger')).toBeUndefined()
    expect(linkedRunId('https://github.com/acme/ledger/actions/runs/42/../../../other/actions/runs/1', 'acme/ledger')).toBeUndefined()
    expect(linkedRunId('not a url', 'acme/ledger')).toBeUndefined()
  })
})

describe('deployers: in the map', () => {
  test('github-actions[bot] is refused where it is written: any workflow token writes as it', () => {
    expect(() => loadControlMap('version: 1\nsystem: s\ndeployers:\n  - argocd-bot\n  - GitHub-Actions[bot]\ncontrols:\n  - { id: CM-02, title: t, approval: {} }\n', 'map.yml')).toThrow(
      'map.yml:5:5 deployers: github-actions[bot] writes for every workflow on every branch (any GITHUB_TOKEN), so it cannot vouch for a deployment; a deployment from Actions counts through its run on the default branch instead'
    )
    expect(loadControlMap('version: 1\nsystem: s\ndeployers: [ArgoCD-Bot]\ncontrols:\n  - { id: CM-02, title: t, approval: {} }\n', 'map.yml').deployers).toEqual(['argocd-bot'])
  })
})

describe('a committer that is whoever the commit says (SPEC §13)', () => {
  // carol wrote the commit for alice's pull request under a made-up committer, then approved it.
  const ghost = (version: 1 | 2 | 3): ChangeRecord => ({
    ...prChange('alice', [{ ...commit(HEAD, 'alice'), committer: { name: 'Dev Box', email: 'dev@box.local' }, verified: false }], [{ ...review('carol', 'APPROVED'), authorAssociation: 'MEMBER' }]),
    version
  })
  test('version 3: the unlinked committer fails the control, as an unlinked author does', () => {
    expect(failures(ghost(3))).toEqual(['Dev Box <dev@box.local> (committer of 9f8e7d6) has no GitHub account, so it cannot be shown they did not approve (allow-unlinked-authors is false)'])
  })
  test('under the same switch: allow-unlinked-authors lets it pass', () => {
    expect(evaluate(ghost(3), '{ allow-unlinked-authors: true }').pass).toBe(true)
  })
  test("GitHub's own signed web-flow committer is no one to link", () => {
    expect(evaluate({ ...ghost(3), commits: [commit(HEAD, 'alice')] }).pass).toBe(true)
  })
  test('records before version 3 re-perform as they were judged', () => {
    expect(evaluate(ghost(2)).pass).toBe(true)
  })
})

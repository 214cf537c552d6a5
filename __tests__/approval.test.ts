import { loadControlMap } from '../src/controls/load.js'
import { evaluateApprovalControl } from '../src/engine/approval-control.js'
import type { ChangeRecord } from '../src/change/model.js'
import { loginFromNoreply, parseCoAuthors } from '../src/change/identity.js'
import { commit, HEAD, OLD, prChange, review } from './helpers/change.js'

function control(approval = '{}') {
  const map = loadControlMap(`version: 1\nsystem: s\ncontrols:\n  - { id: CM-02, title: Independent approval, approval: ${approval} }\n`, 'map.yml')
  return map.controls[0] as NonNullable<(typeof map.controls)[0]>
}
const evaluate = (change: ChangeRecord | undefined, approval?: string) => evaluateApprovalControl(control(approval), change)
const codes = (v: ReturnType<typeof evaluate>) => v.reasons.map((r) => `${r.effect}:${r.code}`)

describe('approval: who counts as an author', () => {
  test('an independent approval on the head commit passes, naming approver and authors', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')]))
    expect(v.pass).toBe(true)
    expect(v.reasons[0]?.message).toBe('pull request #42 has 1 independent approval (carol) on head 9f8e7d6; min-approvals is 1; authors: alice')
  })

  test('the PR opener approving under another letter case is still the author', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'bob')], [review('Alice', 'APPROVED')]))
    expect(v.pass).toBe(false)
    expect(codes(v)).toEqual(['fail:too-few-approvals', 'info:approval-by-author'])
    expect(v.reasons[1]?.message).toBe('Alice approved but is an author of the change (PR author)')
  })

  test('a co-author (by Co-authored-by trailer, resolved by noreply e-mail) cannot approve', () => {
    const c = commit(HEAD, 'alice', { coAuthors: [{ name: 'Dana', email: '1234567+dana@users.noreply.github.com' }] })
    const v = evaluate(prChange('alice', [c], [review('dana', 'APPROVED')]))
    expect(v.pass).toBe(false)
    expect(v.reasons[1]?.message).toBe('dana approved but is an author of the change (co-author of 9f8e7d6)')
  })

  test('a co-author e-mail resolves through another commit of the PR linked to a login', () => {
    const linked = commit(OLD, { email: 'erin@corp.example', name: 'Erin' })
    linked.author.account = { login: 'erin', type: 'User' }
    const c = commit(HEAD, 'alice', { coAuthors: [{ name: 'Erin E.', email: 'ERIN@corp.example' }] })
    const v = evaluate(prChange('alice', [linked, c], [review('erin', 'APPROVED')]))
    expect(v.reasons.find((r) => r.code === 'approval-by-author')?.message).toBe('erin approved but is an author of the change (author of 1a2b3c4, co-author of 9f8e7d6)')
  })

  test('a committer other than web-flow is an author; web-flow is not', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice', { committer: 'frank' })], [review('frank', 'APPROVED')]))
    expect(v.reasons.find((r) => r.code === 'approval-by-author')?.message).toBe('frank approved but is an author of the change (committer of 9f8e7d6)')
    const webFlow = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')]))
    expect(webFlow.reasons[0]?.message).toMatch(/authors: alice$/)
    // SPEC §10: on a commit GitHub did not sign, a committer calling itself web-flow is an author.
    const unsigned = evaluate(prChange('alice', [commit(HEAD, 'alice', { verified: false })], [review('carol', 'APPROVED')]))
    expect(unsigned.reasons[0]?.message).toMatch(/authors: alice, web-flow$/)
  })

  test('the authors setting narrows who counts: without committers, a committer may approve', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice', { committer: 'frank' })], [review('frank', 'APPROVED')]), '{ authors: [pr-author, commit-authors] }')
    expect(v.pass).toBe(true)
  })

  test('an unlinked commit author fails the control unless allowed', () => {
    const change = prChange('alice', [commit(HEAD, { email: 'ghost@laptop.local', name: 'Ghost' })], [review('carol', 'APPROVED')])
    const v = evaluate(change)
    expect(v.pass).toBe(false)
    expect(v.reasons.find((r) => r.code === 'unlinked-author')?.message).toBe(
      'Ghost <ghost@laptop.local> (author of 9f8e7d6) has no GitHub account, so it cannot be shown they did not approve (allow-unlinked-authors is false)'
    )
    expect(evaluate(change, '{ allow-unlinked-authors: true }').pass).toBe(true)
  })
})

describe('approval: which reviews count', () => {
  test('a bot approval never counts (by account type, not by name)', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('renovate', 'APPROVED', HEAD, '2026-11-20T10:00:00Z', 'Bot')]))
    expect(codes(v)).toEqual(['fail:too-few-approvals', 'info:approval-by-bot'])
    expect(evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('renovate', 'APPROVED', HEAD, '2026-11-20T10:00:00Z', 'Bot')]), '{ bots-can-approve: true }').pass).toBe(true)
  })

  test('an approval on an older commit is stale when fresh (the default), fine when not', () => {
    const change = prChange('alice', [commit(OLD, 'alice'), commit(HEAD, 'alice')], [review('carol', 'APPROVED', OLD)])
    const v = evaluate(change)
    expect(v.pass).toBe(false)
    expect(v.reasons[1]?.message).toBe("carol's approval is on 1a2b3c4, head is 9f8e7d6: stale")
    expect(evaluate(change, '{ fresh: false }').pass).toBe(true)
  })

  test('approval then CHANGES_REQUESTED by the same reviewer: the latest opinion wins and blocks', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED', HEAD, '2026-11-20T10:00:00Z'), review('carol', 'CHANGES_REQUESTED', HEAD, '2026-11-20T11:00:00Z')]))
    expect(codes(v)).toEqual(['fail:too-few-approvals', 'fail:changes-requested'])
  })

  test('a later COMMENTED review does not supersede an approval', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED', HEAD, '2026-11-20T10:00:00Z'), review('carol', 'COMMENTED', HEAD, '2026-11-20T12:00:00Z')]))
    expect(v.pass).toBe(true)
  })

  test("another reviewer's outstanding CHANGES_REQUESTED blocks unless block-on-changes-requested is false", () => {
    const change = prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED'), review('erin', 'CHANGES_REQUESTED', OLD)])
    const v = evaluate(change)
    expect(v.pass).toBe(false)
    expect(v.reasons.find((r) => r.code === 'changes-requested')?.message).toBe('erin requested changes on 1a2b3c4 and has not approved since')
    expect(evaluate(change, '{ block-on-changes-requested: false }').pass).toBe(true)
  })

  test('a dismissed approval does not count', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'DISMISSED')]))
    expect(codes(v)).toEqual(['fail:too-few-approvals', 'info:review-dismissed'])
  })

  test('two approvals required with one independent: blocks, naming the one', () => {
    const v = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED'), review('alice', 'APPROVED')]), '{ min-approvals: 2 }')
    expect(v.pass).toBe(false)
    expect(v.reasons[0]?.message).toBe('pull request #42 has 1 independent approval (carol); min-approvals is 2; authors: alice')
  })

  test('allowed-approvers limits who may approve', () => {
    const change = prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')])
    expect(evaluate(change, '{ allowed-approvers: [Carol] }').pass).toBe(true)
    const v = evaluate(change, '{ allowed-approvers: [dave] }')
    expect(v.reasons.find((r) => r.code === 'approver-not-allowed')?.message).toBe('carol approved but is not in allowed-approvers')
  })
})

describe('approval: what cannot be known fails', () => {
  test('no change record, a direct push, an unreadable change, too many commits', () => {
    expect(codes(evaluate(undefined))).toEqual(['fail:no-change-record'])
    expect(evaluate(prChange('alice', [], [], { pullRequest: null })).reasons[0]?.message).toBe('direct push, no review: no pull request brought 9f8e7d6')
    expect(codes(evaluate(prChange('alice', [], [review('carol', 'APPROVED')], { problems: ['GET /repos/acme/ledger/pulls/42/reviews: 403 Resource not accessible by integration'] })))).toEqual(['fail:change-unreadable'])
    expect(evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')], { commitsComplete: false })).reasons[0]?.code).toBe('commits-incomplete')
  })
})

describe('deployment approval', () => {
  const base = (approvals: NonNullable<ChangeRecord['deployment']>['approvals'], environment?: string) =>
    prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')], { deployment: { environment, approvals } })

  test('approved by a non-author for the environment: passes', () => {
    const v = evaluate(base([{ user: { login: 'gina', type: 'User' }, state: 'approved', environments: ['production'] }], 'production'), '{ deployment-approval: true }')
    expect(v.pass).toBe(true)
    expect(v.reasons.at(-1)?.message).toBe('deployment to production approved by gina, who is not an author')
  })

  test('approved only by the author, or for another environment, or not read: fails', () => {
    const byAuthor = evaluate(base([{ user: { login: 'alice', type: 'User' }, state: 'approved', environments: ['production'] }], 'production'), '{ deployment-approval: true }')
    expect(byAuthor.reasons.at(-1)?.message).toBe('no independent deployment approval for production: alice approved the deployment but is an author of the change')
    const otherEnv = evaluate(base([{ user: { login: 'gina', type: 'User' }, state: 'approved', environments: ['staging'] }], 'production'), '{ deployment-approval: true }')
    expect(otherEnv.reasons.at(-1)?.message).toBe('no independent deployment approval for production: gina approved staging, not production')
    const unread = evaluate(prChange('alice', [commit(HEAD, 'alice')], [review('carol', 'APPROVED')]), '{ deployment-approval: true }')
    expect(unread.reasons.at(-1)?.code).toBe('deployment-approvals-unread')
  })
})

describe('identity helpers', () => {
  test('noreply forms resolve to logins; other e-mails do not', () => {
    expect(loginFromNoreply('1234567+Dana@users.noreply.github.com')).toBe('Dana')
    expect(loginFromNoreply('dana@users.noreply.github.com')).toBe('dana')
    expect(loginFromNoreply('49699333+dependabot[bot]@users.noreply.github.com')).toBe('dependabot[bot]')
    expect(loginFromNoreply('dana@example.com')).toBeUndefined()
  })

  test('Co-authored-by trailers, any case, several', () => {
    expect(parseCoAuthors('Fix posting\n\nCo-authored-by: Dana D <dana@example.com>\nco-authored-by:Erin <erin@example.com>\n')).toEqual([
      { name: 'Dana D', email: 'dana@example.com' },
      { name: 'Erin', email: 'erin@example.com' }
    ])
  })
})

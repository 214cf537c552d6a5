import { createHash } from 'node:crypto'
import type { ChangeRecord } from '../change/model.js'
import type { ControlMap } from '../controls/model.js'
import { INTEGRITY_CONTROL_ID, protectedGlobs, protectedMatcher } from '../controls/protected.js'
import { headApprovals, type HeadApprovals } from './independent-approvals.js'
import { headMovedOn } from './review-window.js'
import type { ControlResult, Reason } from './result.js'

export interface TrustInput {
  /** The map read from outside the change (its base, or a policy repository); null on first adoption. */
  trusted: ControlMap | null
  /** The workspace's copy: what the change proposes. */
  proposed: ControlMap
  change?: ChangeRecord
  /**
   * Whether a run with one map and no change record shows SOX-GATE-INTEGRITY (passing, "trusted as
   * given"). True for every shell: the row is on every run. False only for bundles of manifestVersion
   * 1, which had no row then (verify re-performs them as they were made), and for the engine's own
   * tests, which evaluate a map alone.
   */
  rowOnPlainRun: boolean
}

export interface TrustDecision {
  /** The map whose controls judge the change. */
  judging: ControlMap
  judgedBy: 'trusted' | 'proposed'
  /** The SOX-GATE-INTEGRITY row; absent only when `rowOnPlainRun` is false on a run with one map and no change. */
  integrity?: ControlResult
  /** Who may approve waivers: the trusted map's control owners (none on first adoption). */
  owners: string[]
  maxWaiverDays: number
  /** Independent approvals on the head commit, when a change record is known and readable. */
  approvals?: HeadApprovals
  /** Protected files the change touches, with the glob that protects each. */
  touched: { path: string; glob: string }[]
  trustedSha256: string | null
  proposedSha256: string
}

export const mapSha256 = (map: ControlMap): string => createHash('sha256').update(map.source).digest('hex')
const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '?')

/**
 * Decides which control map judges the change (SPEC §9), from facts alone: the trusted map, the
 * proposed one, and the change record (files touched, reviews). A change that touches a protected
 * path is judged by its own map only when a control owner of the trusted map, who is none of its
 * authors, approved its head commit; otherwise SOX-GATE-INTEGRITY fails and the trusted map judges.
 */
export function decideTrust(input: TrustInput): TrustDecision {
  const { trusted, proposed, change } = input
  const facts = change?.trust
  const trustedSha256 = trusted ? mapSha256(trusted) : null
  const proposedSha256 = mapSha256(proposed)
  // Who approved is known only from a readable change whose authors can all be known.
  const known = change && change.problems.length === 0 && change.commitsComplete ? headApprovals(change) : undefined
  const base = { trustedSha256, proposedSha256, owners: trusted?.controlOwners ?? [], maxWaiverDays: trusted?.maxWaiverDays ?? 30, approvals: known }
  const row = (pass: boolean, reasons: Reason[]): ControlResult => ({
    id: INTEGRITY_CONTROL_ID,
    title: 'Nothing in the change loosens the rules it is judged by',
    key: true,
    line: 1,
    status: pass ? 'pass' : 'fail',
    reasons: reasons.map((r) => ({ ...r, line: r.line ?? 1 })),
    tests: { matched: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 },
    matchedTests: []
  })

  if (!facts) {
    const judging = trusted ?? proposed
    if (!input.rowOnPlainRun && !change && (trusted === null || trusted === proposed)) return { ...base, judging, judgedBy: 'trusted', touched: [] }
    if (trusted === null || trustedSha256 === proposedSha256) {
      const why = change ? `the change record (version ${change.version}) records no trust facts` : 'no change record was given'
      return { ...base, judging, judgedBy: 'trusted', touched: [], integrity: row(true, [{ code: 'trust-as-given', effect: 'info', message: `${why}: the control map given (${judging.file}, sha256 ${short(mapSha256(judging))}) is trusted as given` }]) }
    }
    return {
      ...base,
      judging: trusted,
      judgedBy: 'trusted',
      touched: [],
      integrity: row(false, [{ code: 'proposed-map-unapproved', effect: 'fail', message: `the proposed control map ${proposed.file} (sha256 ${short(proposedSha256)}) differs from the trusted one ${trusted.file} (sha256 ${short(trustedSha256)}), and no change record shows a control owner approved it` }])
    }
  }

  const judgedByTrusted = (integrity: ControlResult, touched: TrustDecision['touched'] = []): TrustDecision =>
    trusted ? { ...base, judging: trusted, judgedBy: 'trusted', integrity, touched } : { ...base, judging: proposed, judgedBy: 'proposed', integrity, touched }

  if (change.problems.length > 0) {
    return judgedByTrusted(row(false, change.problems.map((p) => ({ code: 'change-unreadable', effect: 'fail', message: `the change could not be read, so who changed what cannot be known: ${p}` }))))
  }
  // A run of a head the pull request has left judges nothing that can still merge: it blocks, whatever the map.
  const moved = headMovedOn(change)
  if (moved) return judgedByTrusted(row(false, [{ code: 'head-moved-on', effect: 'fail', message: moved }]))
  if (facts.source !== 'first-adoption' && !trusted) {
    return judgedByTrusted(row(false, [{ code: 'trusted-map-missing', effect: 'fail', message: `the change record names a trusted map (${facts.repository}/${facts.path}@${short(facts.ref)}) that was not given` }]))
  }
  const approvals = known ?? headApprovals(change)
  const pr = change.pullRequest
  const where = facts.note

  if (facts.source === 'first-adoption') {
    const touched = touchedBy(facts.files, protectedGlobs(proposed, facts.proposedPath))
    const blockers = independenceBlockers(change, approvals)
    const approvers = [...approvals.independent]
    if (blockers.length === 0 && approvers.length > 0) {
      return { ...base, judging: proposed, judgedBy: 'proposed', touched, integrity: row(true, [{ code: 'first-adoption', effect: 'pass', message: `the control map is introduced by this change (${facts.proposedPath}; ${where}): it judges the change, approved independently by ${approvers.join(', ')} on head ${short(pr?.headSha)}; from the next change on, the map at the base judges`, people: approvers }]) }
    }
    return {
      ...base,
      judging: proposed,
      judgedBy: 'proposed',
      touched,
      integrity: row(false, [
        { code: 'first-adoption-unapproved', effect: 'fail', message: `the control map is introduced by this change (${facts.proposedPath}; ${where}): it needs an approval on the head commit by someone who is not an author of the change, and has none` },
        ...blockers,
        ...discountedReasons(approvals)
      ])
    }
  }

  const globs = protectedGlobs(trusted as ControlMap, facts.source === 'base' ? facts.path : facts.proposedPath)
  const touched = touchedBy(facts.files, globs)
  const ownersText = base.owners.length > 0 ? `control owners: ${base.owners.join(', ')}` : 'the trusted map names no control-owners'
  const source = facts.source === 'base' ? `the control map at ${where}` : `the policy map ${facts.repository}/${facts.path}@${facts.ref ?? '?'}`
  if (!facts.filesComplete) {
    return judgedByTrusted(row(false, [{ code: 'files-incomplete', effect: 'fail', message: `GitHub lists only ${facts.files.length} of the files this change touches: it cannot be shown that no protected path changed; ${source} judges` }]), touched)
  }
  if (touched.length === 0) {
    return judgedByTrusted(row(true, [{ code: 'no-protected-change', effect: 'pass', message: `no protected path changed (${facts.files.length} file${facts.files.length === 1 ? '' : 's'} checked against ${globs.length} protected globs); ${source} judges (sha256 ${short(trustedSha256)})` }]), touched)
  }
  const files = touched.map((t) => t.path).join(', ')
  const owners = base.owners.filter((o) => approvals.independent.has(o))
  const blockers = independenceBlockers(change, approvals)
  if (owners.length > 0 && blockers.length === 0) {
    const judge = facts.source === 'base' ? `the proposed map (sha256 ${short(proposedSha256)}) judges this change; the trusted one was sha256 ${short(trustedSha256)}` : `${source} judges`
    const decision: TrustDecision = facts.source === 'base' ? { ...base, judging: proposed, judgedBy: 'proposed', touched } : { ...base, judging: trusted as ControlMap, judgedBy: 'trusted', touched }
    decision.integrity = row(true, [{ code: 'protected-change-approved', effect: 'pass', message: `protected files changed (${files}) and approved on head ${short(pr?.headSha)} by control owner ${owners.join(', ')}, who is not an author: ${judge}`, people: owners }])
    return decision
  }
  const why = !pr ? `no pull request brought them (direct push, no review)` : `they need an approval on head ${short(pr.headSha)} by a control owner who is not an author of the change (${ownersText})`
  return judgedByTrusted(
    row(false, [
      { code: 'protected-change-unapproved', effect: 'fail', message: `protected files changed: ${files}; ${why}; until then ${source} judges (sha256 ${short(trustedSha256)})`, people: base.owners },
      ...(owners.length > 0 ? blockers : []),
      ...discountedReasons(approvals, base.owners)
    ]),
    touched
  )
}

/** Files whose path, or old path when moved, a protected glob matches. */
function touchedBy(files: readonly { path: string; previousPath?: string }[], globs: string[]): { path: string; glob: string }[] {
  const match = protectedMatcher(globs)
  const out: { path: string; glob: string }[] = []
  for (const f of files) {
    for (const p of f.previousPath ? [f.path, f.previousPath] : [f.path]) {
      const glob = match(p)
      if (glob) {
        out.push({ path: p, glob })
        break
      }
    }
  }
  return out
}

/** What keeps any approval from being shown independent: the change's authors cannot all be known. */
function independenceBlockers(change: ChangeRecord, approvals: HeadApprovals): Reason[] {
  const reasons: Reason[] = []
  if (!change.pullRequest) reasons.push({ code: 'no-pull-request', effect: 'fail', message: `direct push, no review: no pull request brought ${short(change.sha)}` })
  else if (!change.commitsComplete) reasons.push({ code: 'commits-incomplete', effect: 'fail', message: `pull request #${change.pullRequest.number} has more commits than GitHub lists: its authors cannot all be known` })
  for (const a of approvals.unlinked) {
    reasons.push({ code: 'unlinked-author', effect: 'fail', message: `${a.label} (${a.roles.join(', ')}) has no GitHub account, so no approver can be shown not to be them`, people: [a.label] })
  }
  return reasons
}

function discountedReasons(approvals: HeadApprovals, owners?: readonly string[]): Reason[] {
  const out: Reason[] = []
  for (const [login, why] of approvals.discounted) out.push({ code: 'approval-not-counted', effect: 'info', message: `approval not counted: ${why}`, people: [login] })
  if (owners) {
    for (const login of approvals.independent) {
      if (!owners.includes(login)) out.push({ code: 'approver-not-owner', effect: 'info', message: `${login} approved, but is not a control owner of the trusted map`, people: [login] })
    }
  }
  return out
}

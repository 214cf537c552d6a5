import type { Control, Waiver } from '../controls/model.js'
import type { HeadApprovals } from './independent-approvals.js'
import type { Reason } from './result.js'

export interface WaiverVerdict {
  /** The waiver that covers the control, if any. */
  active?: Waiver
  /** True when the covered control is an approval control: an emergency change (SPEC §9). */
  emergency: boolean
  reasons: Reason[]
}

export interface WaiverContext {
  now: Date
  /** Lower-cased control owners of the trusted map: the only people who can approve a waiver. */
  owners: readonly string[]
  maxWaiverDays: number
  /** Who approved the change on GitHub; undefined when the change is unknown or could not be read. */
  approvals?: HeadApprovals
}

const DAY_MS = 86_400_000

/**
 * A waiver covers a failing control only when every rule of SPEC §9 holds: unexpired and expiring
 * within `max-waiver-days`; approved by a control owner of the trusted map who is neither its
 * requester nor an author of the change and who approved the change on GitHub; and, for an
 * approval control, only when that control says `waivable: true`. A name typed into a map proves
 * nothing by itself: the GitHub review is what shows the owner agreed.
 */
export function evaluateWaivers(waivers: readonly Waiver[], control: Control, ctx: WaiverContext): WaiverVerdict {
  const reasons: Reason[] = []
  for (const w of waivers) {
    const problems = waiverProblems(w, control, ctx)
    if (problems.length > 0) {
      reasons.push({ code: problems[0]?.code as string, effect: 'info', message: `waiver ${w.id} gives no cover: ${problems.map((p) => p.message).join('; ')}`, line: w.line, people: [w.approvedBy] })
      continue
    }
    const emergency = control.approval !== undefined
    reasons.push({
      code: emergency ? 'waived-emergency' : 'waived',
      effect: 'pass',
      message: `${emergency ? 'EMERGENCY CHANGE: the approval control is ' : ''}waived by ${w.id} (requested by ${w.requestedBy}, approved by control owner ${w.approvedBy} on GitHub, expires ${w.expires}${w.incident ? `, incident ${w.incident}` : ''}): ${w.reason}${w.compensatingControl ? `; compensating control: ${w.compensatingControl}` : ''}`,
      line: w.line,
      people: [w.requestedBy, w.approvedBy]
    })
    return { active: w, emergency, reasons }
  }
  return { emergency: false, reasons }
}

function waiverProblems(w: Waiver, control: Control, ctx: WaiverContext): { code: string; message: string }[] {
  const out: { code: string; message: string }[] = []
  const approver = w.approvedBy.toLowerCase()
  if (!(w.expiresAt > ctx.now.getTime())) out.push({ code: 'waiver-expired', message: `expired at ${w.expires}` })
  else if (w.expiresAt > ctx.now.getTime() + ctx.maxWaiverDays * DAY_MS) {
    out.push({ code: 'waiver-too-long', message: `expires ${w.expires}, more than max-waiver-days (${ctx.maxWaiverDays}) after the evaluation` })
  }
  if (control.approval && !control.approval.waivable) {
    out.push({ code: 'waiver-not-waivable', message: `${control.id} is an approval control without waivable: true, so no waiver can cover it` })
  }
  if (approver === w.requestedBy.toLowerCase()) out.push({ code: 'waiver-self-approved', message: `approved by its own requester ${w.approvedBy}` })
  if (ctx.owners.length === 0) out.push({ code: 'waiver-no-owners', message: 'the trusted control map names no control-owners, so nobody can approve a waiver' })
  else if (!ctx.owners.includes(approver)) out.push({ code: 'waiver-approver-not-owner', message: `${w.approvedBy} is not a control owner of the trusted map (control owners: ${ctx.owners.join(', ')})` })
  const a = ctx.approvals
  if (!a) {
    out.push({ code: 'waiver-unverifiable', message: `the change is unknown or could not be read, so it cannot be shown that ${w.approvedBy} is not an author and approved it` })
  } else {
    const author = a.authors.find((x) => x.login === approver || x.email === approver)
    if (author) out.push({ code: 'waiver-approved-by-author', message: `${w.approvedBy} is an author of the change (${author.roles.join(', ')})` })
    else if (!a.independent.has(approver)) {
      const why = a.discounted.get(approver)
      out.push({ code: 'waiver-not-approved-on-github', message: why ? `${w.approvedBy}'s approval of the change does not count: ${why}` : `${w.approvedBy} did not approve the change on GitHub (no APPROVED review on its head commit)` })
    }
  }
  return out
}

import type { Waiver } from '../controls/model.js'
import type { Reason } from './result.js'

export interface WaiverVerdict {
  /** The waiver that covers the control, if any. */
  active?: Waiver
  reasons: Reason[]
}

/**
 * A waiver covers a failing control only while it is unexpired and was approved by someone who
 * is neither its requester nor an author of the change. Without a change record the authors are
 * unknown, so that cannot be checked and the waiver gives no cover (fail closed).
 */
export function evaluateWaivers(waivers: readonly Waiver[], now: Date, changeAuthors: readonly string[] | undefined): WaiverVerdict {
  const reasons: Reason[] = []
  const authors = changeAuthors ? new Set(changeAuthors.map((a) => a.toLowerCase())) : undefined
  for (const w of waivers) {
    const problem = waiverProblem(w, now, authors)
    if (problem) {
      reasons.push({ code: problem.code, effect: 'info', message: `waiver ${w.id} gives no cover: ${problem.message}`, line: w.line, people: problem.people })
      continue
    }
    reasons.push({
      code: 'waived',
      effect: 'pass',
      message: `waived by ${w.id} (requested by ${w.requestedBy}, approved by ${w.approvedBy}, expires ${w.expires}${w.incident ? `, incident ${w.incident}` : ''}): ${w.reason}${w.compensatingControl ? `; compensating control: ${w.compensatingControl}` : ''}`,
      line: w.line,
      people: [w.requestedBy, w.approvedBy]
    })
    return { active: w, reasons }
  }
  return { reasons }
}

function waiverProblem(w: Waiver, now: Date, authors: Set<string> | undefined): { code: string; message: string; people?: string[] } | undefined {
  if (!(w.expiresAt > now.getTime())) return { code: 'waiver-expired', message: `expired at ${w.expires}` }
  if (w.approvedBy.toLowerCase() === w.requestedBy.toLowerCase()) {
    return { code: 'waiver-self-approved', message: `approved by its own requester ${w.approvedBy}`, people: [w.approvedBy] }
  }
  if (!authors) {
    return { code: 'waiver-unverifiable', message: `no change record, so it cannot be shown that ${w.approvedBy} is not an author of the change` }
  }
  if (authors.has(w.approvedBy.toLowerCase())) {
    return { code: 'waiver-approved-by-author', message: `approved by ${w.approvedBy}, an author of the change`, people: [w.approvedBy] }
  }
  return undefined
}

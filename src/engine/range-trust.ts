import { mergeContentVerdict, mergeStretch, mergesToCheck, type MergeProduct, type PullRequestMerge } from '../change/merges.js'
import type { ChangeRecord } from '../change/model.js'
import { judgeDeployment } from '../change/range-start.js'
import type { Reason } from './result.js'

const short = (sha: string): string => sha.slice(0, 7)

/** The phrase SPEC §13 gives a merge that GitHub did not make and whose content is not shown equal. */
export const MADE_OUTSIDE_GITHUB = 'merge commit made outside GitHub, its content was never reviewed'

/**
 * What a deployment ships must be what was approved, by facts no one in the change can write
 * (SPEC §13), judged from the change record alone (version 3): the range start is re-judged from
 * the facts kept about it, and every merge is GitHub's own or equal in content to the approved
 * head. Versions 1 and 2 are judged by their own rules (their bundles re-perform unchanged).
 */
export function shippedReasons(change: ChangeRecord): Reason[] {
  if (change.version < 3) return []
  return [...startReasons(change), ...mergeReasons(change)]
}

function startReasons(change: ChangeRecord): Reason[] {
  const facts = change.rangeStart
  const range = change.range
  const reasons: Reason[] = []
  if (!facts) return reasons
  const env = facts.environment ?? '?'
  for (const d of facts.deployments ?? []) {
    const v = judgeDeployment(d, facts, change.repository)
    // The one the range starts at is judged below, as the start.
    if (!v.trusted && !(range?.source === 'deployment' && d.id === range.deployment?.id)) reasons.push({ code: 'range-start-refused', effect: 'info', message: `deployment ${d.id} to ${env} at ${short(d.sha)} is no range start: ${v.why}`, people: [d.creator, d.statusCreator].filter((p): p is string => p !== null) })
  }
  if (facts.ledger && range?.source !== 'ledger') reasons.push({ code: 'range-start-ledger', effect: 'info', message: `${facts.ledger.note}: the range start was looked for elsewhere` })
  if (range?.source === 'deployment') {
    const chosen = facts.deployments?.find((d) => d.id === range.deployment?.id)
    const v = chosen ? judgeDeployment(chosen, facts, change.repository) : undefined
    if (!chosen || !v?.trusted || chosen.sha !== range.start) {
      reasons.push({ code: 'range-start-untrusted', effect: 'fail', message: `the range start ${short(range.start)} is a deployment the change record cannot show to be trusted${v ? ` (${v.why})` : ''}: what ships cannot be known` })
    } else reasons.push({ code: 'range-start', effect: 'info', message: `the range starts after deployment ${chosen.id} to ${env} at ${short(chosen.sha)}: ${v.why}` })
  }
  if (range?.source === 'ledger') {
    const e = facts.ledger?.entry
    const ok = e && e.sha === range.start && e.decision === 'allow' && e.judged === 'deployment' && e.environment.toLowerCase() === env.toLowerCase()
    if (!ok) reasons.push({ code: 'range-start-untrusted', effect: 'fail', message: `the range start ${short(range.start)} is a ledger entry the change record does not show allowing a deployment to ${env}: what ships cannot be known` })
    else reasons.push({ code: 'range-start', effect: 'info', message: `the range starts after ${facts.ledger?.note ?? ''}` })
  }
  return reasons
}

function mergeReasons(change: ChangeRecord): Reason[] {
  const reasons: Reason[] = []
  for (const m of mergesToCheck(change)) {
    if (m.products.every((p) => p.byGitHub === true)) continue
    const made = madeBy(m)
    const fail = (detail: string): Reason => ({ code: 'merge-outside-github', effect: 'fail', message: `${made}: ${MADE_OUTSIDE_GITHUB} (${detail})`, people: committers(m.products) })
    if (m.products.some((p) => p.byGitHub === undefined)) {
      reasons.push(fail('who committed it was not read'))
      continue
    }
    const stretch = mergeStretch(m)
    if ('problem' in stretch) {
      reasons.push(fail(stretch.problem))
      continue
    }
    const content = change.merges?.find((c) => c.pullRequest === m.number && c.onto === stretch.onto && c.mergeCommit === stretch.mergeCommit && c.headSha === m.headSha)
    if (!content) {
      reasons.push(fail(`its content was not compared with the approved head ${short(m.headSha)}`))
      continue
    }
    const verdict = mergeContentVerdict(content)
    if (!verdict.equal) reasons.push(fail(verdict.why))
    else {
      reasons.push({
        code: 'merge-content-equal',
        effect: 'info',
        message: `${made}, but its content equals the approved head ${short(m.headSha)} merged onto ${short(content.onto)} (${verdict.files} file${verdict.files === 1 ? '' : 's'}, each as at the head; nothing else changed)`,
        people: committers(m.products)
      })
    }
  }
  return reasons
}

/** "merge commit c0ffee0 of pull request #42 was committed by alice (unsigned), not by GitHub". */
function madeBy(m: PullRequestMerge): string {
  const others = m.products.filter((p) => p.byGitHub !== true)
  const what = m.products.length === 1 ? `merge commit ${short(m.products[0]?.sha ?? '')}` : `the ${m.products.length} commits ${short(m.products[0]?.sha ?? '')}…${short(m.products[m.products.length - 1]?.sha ?? '')} that merged it`
  const by = [...new Set(others.map((p) => (p.committer ? `${label(p)} (${p.verified ? 'signed, but not by GitHub' : 'unsigned'})` : 'someone not read')))].join(', ')
  return `${what} of pull request #${m.number} ${m.products.length === 1 ? 'was' : 'were'} committed by ${by}, not by GitHub`
}

function label(p: MergeProduct): string {
  const c = p.committer
  return c?.account?.login ?? (c?.email ? `${c.name ?? ''} <${c.email}>`.trim() : (c?.name ?? 'unknown'))
}

function committers(products: MergeProduct[]): string[] {
  return [...new Set(products.filter((p) => p.byGitHub !== true && p.committer).map(label))]
}

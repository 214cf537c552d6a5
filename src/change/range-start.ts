import type { ConsideredDeployment, RangeStartFacts } from './model.js'

/**
 * Whether a successful deployment can start a deployed range (SPEC §13), from facts alone: the
 * edge uses this to choose the start, the engine to re-judge the choice from the change record.
 *
 * A `success` status is anyone's to write who holds `deployments: write` — any workflow's
 * GITHUB_TOKEN, from any branch. It counts only when it is bound to something a branch cannot
 * write:
 * - the workflow run its `log_url` (else `target_url`) names is a run of this repository, of the
 *   same workflow file as the gate's own run, on the default branch, for an event that is not a
 *   pull request's (whose workflow the pull request chooses), at the deployment's commit, and it
 *   completed with success (the gate in that run allowed what it deployed); or
 * - both the deployment and its status were created by a login in `deployers:` of a
 *   policy-repository map. A map in this repository cannot say who deploys: the push a forged
 *   start would hide can add its own pusher to it (docs/deployed-range.md).
 */
export function judgeDeployment(d: Pick<ConsideredDeployment, 'sha' | 'creator' | 'statusCreator' | 'link' | 'run'>, facts: Pick<RangeStartFacts, 'defaultBranch' | 'deployers' | 'workflow'>, repository: string): { trusted: boolean; why: string } {
  const byRun = runVerdict(d, facts, repository)
  if (byRun.trusted) return byRun
  const creators = [d.creator, d.statusCreator]
  const who = d.creator === d.statusCreator ? `created by ${d.creator ?? 'nobody known'}` : `created by ${d.creator ?? 'nobody known'}, marked success by ${d.statusCreator ?? 'nobody known'}`
  if (!facts.deployers) return { trusted: false, why: `${byRun.why}; ${who}, and deployers: counts only from a policy-repository map (control-map: OWNER/REPO/PATH@REF), which no push to this repository can edit` }
  const listed = new Set(facts.deployers.logins.map((l) => l.toLowerCase()))
  const outside = creators.filter((c) => c === null || !listed.has(c.toLowerCase()))
  if (outside.length === 0) return { trusted: true, why: `${who}, listed in deployers: of the policy map ${facts.deployers.map}` }
  return { trusted: false, why: `${byRun.why}; ${who}, and ${[...new Set(outside.map((c) => c ?? 'nobody known'))].join(', ')} is not in deployers: of the policy map ${facts.deployers.map}` }
}

/** Events whose workflow definition a pull request chooses (its merge, or its head's branch name). */
const pullRequestEvent = (event: string): boolean => event.startsWith('pull_request') || event === 'merge_group'

function runVerdict(d: Pick<ConsideredDeployment, 'sha' | 'link' | 'run'>, facts: Pick<RangeStartFacts, 'defaultBranch' | 'workflow'>, repository: string): { trusted: boolean; why: string } {
  const run = d.run
  const no = (why: string): { trusted: false; why: string } => ({ trusted: false, why })
  if (!run) return no(d.link ? `its status links ${d.link}, which is no workflow run of ${repository}` : 'its status links no workflow run')
  const same = (a: string | null | undefined, b: string | null | undefined): boolean => a !== null && a !== undefined && b !== null && b !== undefined && a.toLowerCase() === b.toLowerCase()
  const name = `its run ${run.id}`
  if (!same(run.repository, repository)) return no(`${name} belongs to ${run.repository}, not ${repository}`)
  if (!same(run.headRepository, repository)) return no(`${name} ran on a branch of ${run.headRepository ?? 'an unknown repository'}, not of ${repository}`)
  if (pullRequestEvent(run.event)) return no(`${name} ran for a ${run.event} event, whose workflow the pull request chooses`)
  if (!facts.defaultBranch || run.headBranch !== facts.defaultBranch) return no(`${name} ran on ${run.headBranch ? `branch ${run.headBranch}` : 'no branch'}, not on the default branch ${facts.defaultBranch ?? '(unknown)'}`)
  if (!facts.workflow || run.path !== facts.workflow) return no(`${name} is of ${run.path || 'an unknown workflow'}, not of ${facts.workflow ?? 'the workflow running the gate (GITHUB_WORKFLOW_REF unknown)'}, the one whose gate would have judged it`)
  if (run.headSha !== d.sha) return no(`${name} ran at ${run.headSha.slice(0, 7)}, not at the deployed commit ${d.sha.slice(0, 7)}`)
  if (run.status !== 'completed' || run.conclusion !== 'success') return no(`${name} ${run.status !== 'completed' ? `has not completed (${run.status})` : `concluded ${run.conclusion ?? 'nothing'}`}, so its gate cannot be shown to have allowed it`)
  return { trusted: true, why: `written by run ${run.id} of ${run.path} on the default branch ${facts.defaultBranch} (${run.event}), which completed with success at ${d.sha.slice(0, 7)}` }
}

/**
 * The workflow run id a status's URL names, when it is a run of `repository`
 * (`…/OWNER/REPO/actions/runs/ID[/job/N|/attempts/N]`); the host is not trusted, only the API's
 * answer about that run of this repository is.
 */
export function linkedRunId(url: string | null | undefined, repository: string): number | undefined {
  if (!url) return undefined
  let pathname: string
  try {
    pathname = new URL(url).pathname
  } catch {
    return undefined
  }
  const m = /^\/([^/]+)\/([^/]+)\/actions\/runs\/(\d{1,18})(?:\/(?:job|attempts)\/\d+)?\/?$/.exec(pathname)
  if (!m || `${m[1] as string}/${m[2] as string}`.toLowerCase() !== repository.toLowerCase()) return undefined
  const id = Number(m[3])
  return Number.isSafeInteger(id) ? id : undefined
}

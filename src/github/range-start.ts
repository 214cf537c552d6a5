import { judgedAsPullRequest } from '../change/events.js'
import type { ConsideredDeployment, DeployedRange, LedgerStart, RangeDeployment, RangeStartFacts, WorkflowRunFacts } from '../change/model.js'
import { judgeDeployment, linkedRunId } from '../change/range-start.js'
import type { RunContext } from './change.js'
import type { GitHubClient } from './client.js'

const ZERO_SHA = /^0+$/
/** Deployment statuses read, newest deployment first, before the search for a successful one gives up (fail closed). */
const DEPLOYMENT_STATUS_READS = 100

/** Where a range may start, beyond the event itself: the inputs, and the facts only the gate writes (SPEC §13). */
export interface RangeStartSources {
  since?: string
  environment?: string
  /** With an evidence store: the newest ledger entry that allowed a deployment to the environment. */
  ledger?: (environment: string) => Promise<{ prefix: string; entriesRead: number; entry?: LedgerStart; note: string }>
  /** `deployers:` of the policy-repository map, read only when a deployment's creators must be checked. */
  deployers?: () => Promise<{ map: string; logins: string[] }>
  /** The workflow file of the gate's own run (GITHUB_WORKFLOW_REF): a deployment's run must be of it. */
  workflow?: string
}

/** The range start cannot be established from facts that can be trusted: the message says why (fail closed). */
export class RangeStartUnknown extends Error {}

export interface RangeStart {
  ref: string
  source: DeployedRange['source']
  deployment?: RangeDeployment
}

/** The environment a deployment-like run is about: the input, else a `deployment` event's own. */
export function runEnvironment(ctx: RunContext, input: string | undefined): string | undefined {
  return input ?? (ctx.payload as { deployment?: { environment?: string } }).deployment?.environment
}

/**
 * The range start for a deployment-like event (SPEC §10, §13): the `since` input; else, for an
 * environment, the newest ledger entry that allowed a deployment to it (with an evidence store),
 * else the newest successful deployment to it that can be trusted; else a push's `before`.
 * Pull request and merge queue events are judged as their pull request, not a range. What was
 * considered, and why each was taken or passed over, is written into `facts` as it is read.
 * Throws when GitHub cannot tell, or when successful deployments exist and none can be trusted
 * (the caller records it: fail closed).
 */
export async function rangeStart(client: GitHubClient, ctx: RunContext, o: RangeStartSources, facts: RangeStartFacts): Promise<RangeStart | undefined> {
  if (judgedAsPullRequest(ctx.eventName, (ctx.payload as { workflow_run?: { event?: string } }).workflow_run?.event)) return undefined
  if (o.since) return { ref: o.since, source: 'since' }
  const payload = ctx.payload as { before?: string; deployment?: { id?: number } }
  const environment = runEnvironment(ctx, o.environment)
  if (environment) {
    facts.environment = environment
    if (o.ledger) {
      const search = await o.ledger(environment).catch((e: unknown) => {
        throw new RangeStartUnknown(`the evidence store could not give the range start: ${(e as Error).message}`)
      })
      facts.ledger = search
      if (search.entry) return { ref: search.entry.sha, source: 'ledger' }
    }
    const deployment = await trustedDeployment(client, ctx, o, facts, environment, payload.deployment?.id)
    if (deployment) return { ref: deployment.sha, source: 'deployment', deployment }
  }
  const before = payload.before
  if (ctx.eventName === 'push' && before && /^[0-9a-f]{40}$/.test(before) && !ZERO_SHA.test(before)) return { ref: before, source: 'before' }
  return undefined
}

/**
 * Newest deployment first (GitHub's order), the first whose latest status is `success` and can
 * be trusted (judgeDeployment). A deployment whose latest status is anything else shipped nothing
 * that stands and is passed over, as is the deployment this run is evaluating; a successful one
 * that cannot be trusted is kept in `facts` with why, and passed over. When successful deployments
 * exist and none can be trusted, the start cannot be established: that throws.
 */
async function trustedDeployment(client: GitHubClient, ctx: RunContext, o: RangeStartSources, facts: RangeStartFacts, environment: string, current: number | undefined): Promise<RangeDeployment | undefined> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const repository = `${ctx.owner}/${ctx.repo}`
  facts.workflow = o.workflow
  const considered: ConsideredDeployment[] = (facts.deployments = [])
  let statusReads = 0
  for await (const { data } of client.paginate.iterator(client.rest.repos.listDeployments, { ...repo, environment, per_page: 100 })) {
    for (const d of data) {
      if (d.id === current || d.environment.toLowerCase() !== environment.toLowerCase()) continue
      if (++statusReads > DEPLOYMENT_STATUS_READS) throw new RangeStartUnknown(`none of the latest ${DEPLOYMENT_STATUS_READS} deployments to ${environment} has success as its latest status and can be trusted: the range start cannot be known${refusals(considered)}`)
      const { data: statuses } = await client.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: d.id, per_page: 1 })
      const latest = statuses[0]
      if (latest?.state !== 'success') continue
      const link = latest.log_url || latest.target_url || null
      const runId = linkedRunId(link, repository)
      const run = runId === undefined ? null : await workflowRun(client, ctx, runId)
      if (run && facts.defaultBranch === undefined) facts.defaultBranch = (await client.rest.repos.get(repo)).data.default_branch
      const candidate = { id: d.id, environment, sha: d.sha, creator: d.creator?.login ?? null, statusCreator: latest.creator?.login ?? null, createdAt: d.created_at, link, run }
      let verdict = judgeDeployment(candidate, facts, repository)
      // deployers: is read once, and only when a creator has to be checked against it.
      if (!verdict.trusted && o.deployers && !facts.deployers) {
        facts.deployers = await readDeployers(o.deployers)
        verdict = judgeDeployment(candidate, facts, repository)
      }
      considered.push({ ...candidate, ...verdict })
      if (verdict.trusted) return { id: d.id, environment, sha: d.sha, creator: candidate.creator, statusCreator: candidate.statusCreator, createdAt: d.created_at }
    }
  }
  if (considered.length > 0) throw new RangeStartUnknown(`no successful deployment to ${environment} can be trusted as the range start${refusals(considered)}`)
  return undefined
}

async function readDeployers(read: NonNullable<RangeStartSources['deployers']>): Promise<{ map: string; logins: string[] }> {
  try {
    return await read()
  } catch (e) {
    const status = (e as { status?: number }).status
    throw new RangeStartUnknown(`deployers: of the policy map could not be read${status ? ` (${status})` : ''}: ${(e as Error).message.split('\n', 1)[0] ?? ''}`)
  }
}

const refusals = (list: ConsideredDeployment[]): string => list.map((d) => `; deployment ${d.id} at ${d.sha.slice(0, 7)}: ${d.why}`).join('')

/** A workflow run of this repository, as the facts the start is judged by; null when GitHub has no such run here. */
async function workflowRun(client: GitHubClient, ctx: RunContext, runId: number): Promise<WorkflowRunFacts | null> {
  try {
    const { data } = await client.rest.actions.getWorkflowRun({ owner: ctx.owner, repo: ctx.repo, run_id: runId })
    return {
      id: data.id,
      path: data.path,
      repository: data.repository.full_name,
      headRepository: data.head_repository?.full_name ?? null,
      headBranch: data.head_branch,
      event: data.event,
      headSha: data.head_sha,
      status: data.status,
      conclusion: data.conclusion
    }
  } catch (e) {
    if ((e as { status?: number }).status === 404) return null
    throw e
  }
}

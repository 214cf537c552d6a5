import type { GitHubClient } from '../github/client.js'
import { ApiFailure, graphql, nextCursor, nodesOf, type Page } from './graphql.js'
import type { CheckRunFact, DeploymentFact, StatusFact } from './model.js'
import { count, type QueryLog } from './query-log.js'

/** Items per connection page: GitHub's maximum. */
const PAGE = 100
/** Statuses, check suites and check runs asked for inline with each deployment; more are paged separately. */
const INLINE = 10

interface ActorNode {
  login: string
}
interface StatusNode {
  state: string
  createdAt: string
  creator: ActorNode | null
}
interface CheckRunNode {
  databaseId: number
  status: string
  conclusion: string | null
  completedAt: string | null
  externalId: string | null
  detailsUrl: string | null
  url: string
}
interface SuiteNode {
  id: string
  app: { slug: string } | null
  checkRuns: Page<CheckRunNode> | null
}
interface DeploymentNode {
  id: string
  databaseId: number
  commitOid: string
  createdAt: string
  environment: string | null
  creator: ActorNode | null
  ref: { name: string } | null
  statuses: Page<StatusNode> | null
  commit: { checkSuites: Page<SuiteNode> | null } | null
}

const STATUS_FIELDS = 'state createdAt creator { login }'
const RUN_FIELDS = 'databaseId status conclusion completedAt externalId detailsUrl url'
const suites = (first: number, runs: number, after = false): string =>
  `checkSuites(first: ${first}${after ? ', after: $after' : ''}, filterBy: {checkName: $checkName}) { totalCount pageInfo { hasNextPage endCursor } nodes { id app { slug } checkRuns(first: ${runs}, filterBy: {checkName: $checkName, checkType: ALL}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${RUN_FIELDS} } } } }`

/**
 * From the nearer end of the environment's history (newest first for a recent period, oldest
 * first for an old one), so the period is reached without paging through the years on the other
 * side of it, and paging stops at the first deployment past it. Each deployment comes with its
 * statuses and its commit's check runs of the gate: one query per 100 deployments.
 */
const DEPLOYMENTS = `query AuditDeployments($owner: String!, $name: String!, $environments: [String!], $after: String, $checkName: String!, $direction: OrderDirection!) {
  repository(owner: $owner, name: $name) {
    deployments(environments: $environments, first: ${PAGE}, after: $after, orderBy: {field: CREATED_AT, direction: $direction}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id databaseId commitOid createdAt environment
        creator { login }
        ref { name }
        statuses(first: ${INLINE}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${STATUS_FIELDS} } }
        commit { ${suites(INLINE, INLINE)} }
      }
    }
  }
}`

/** The environment's newest and oldest deployment: which end the period is nearer to. */
const ENDS = `query AuditDeploymentEnds($owner: String!, $name: String!, $environments: [String!]) {
  repository(owner: $owner, name: $name) {
    newest: deployments(environments: $environments, first: 1, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { createdAt } }
    oldest: deployments(environments: $environments, first: 1, orderBy: {field: CREATED_AT, direction: ASC}) { totalCount nodes { createdAt } }
  }
}`

const MORE_STATUSES = `query AuditStatuses($id: ID!, $after: String) {
  node(id: $id) { ... on Deployment { statuses(first: ${PAGE}, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${STATUS_FIELDS} } } } }
}`

const MORE_SUITES = `query AuditCheckSuites($owner: String!, $name: String!, $oid: GitObjectID!, $after: String, $checkName: String!) {
  repository(owner: $owner, name: $name) { object(oid: $oid) { ... on Commit { ${suites(PAGE, PAGE, true)} } } }
}`

const MORE_RUNS = `query AuditCheckRuns($id: ID!, $after: String, $checkName: String!) {
  node(id: $id) { ... on CheckSuite { checkRuns(first: ${PAGE}, after: $after, filterBy: {checkName: $checkName, checkType: ALL}) { totalCount pageInfo { hasNextPage endCursor } nodes { ${RUN_FIELDS} } } } }
}`

export interface DeploymentRead {
  /** Deployments listed in all (GitHub's totalCount for the environment) and received before paging stopped. */
  totalCount: number
  received: number
  newer: number
  older: number
  inPeriod: number
  /** The order they were read in: from the end of the history nearer the period. */
  direction: 'ASC' | 'DESC'
}

/**
 * Every deployment to `environment` created in [from, to), each with every status and every
 * check run named `checkName` on its commit, handed to `keep` one at a time, newest first.
 */
export async function readDeployments(
  client: GitHubClient,
  repo: { owner: string; name: string; full: string },
  o: { environment: string; from: Date; to: Date; checkName: string },
  log: QueryLog,
  keep: (d: DeploymentFact) => void | Promise<void>,
  progress?: (read: number) => void
): Promise<DeploymentRead> {
  const what = `deployments of ${repo.full} to ${o.environment}`
  const ends: { repository: { newest: Page<{ createdAt: string }>; oldest: Page<{ createdAt: string }> } | null } = await graphql(client, what, ENDS, { owner: repo.owner, name: repo.name, environments: [o.environment] })
  if (!ends.repository) throw new ApiFailure(`GitHub GraphQL (${what}): the repository ${repo.full} cannot be read`)
  log.start('POST /graphql: repository.deployments, newest and oldest (which end the period is nearer to)', { repository: repo.full, environments: o.environment, first: 1 }).pages = 1
  const newest = Date.parse(nodesOf(ends.repository.newest, what)[0]?.createdAt ?? '')
  const oldest = Date.parse(nodesOf(ends.repository.oldest, what)[0]?.createdAt ?? '')
  // Deployments assumed spread evenly: read from the end with fewer of them between it and the period.
  const direction = Number.isFinite(newest) && Number.isFinite(oldest) && o.to.getTime() - oldest < newest - o.from.getTime() ? 'ASC' : 'DESC'
  const record = log.start('POST /graphql: repository.deployments (with statuses and the commit\'s check suites and runs)', { repository: repo.full, environments: o.environment, orderBy: `CREATED_AT ${direction}`, first: PAGE, checkName: o.checkName })
  const statusesQuery = log.start('POST /graphql: node(Deployment).statuses (more than fit inline)', { first: PAGE })
  const suitesQuery = log.start('POST /graphql: repository.object(Commit).checkSuites (more than fit inline)', { first: PAGE, checkName: o.checkName })
  const runsQuery = log.start('POST /graphql: node(CheckSuite).checkRuns (more than fit inline)', { first: PAGE, checkName: o.checkName, checkType: 'ALL' })
  const from = o.from.toISOString()
  const to = o.to.toISOString()
  let after: string | null = null
  let previous: string | undefined
  const read: DeploymentRead = { totalCount: 0, received: 0, newer: 0, older: 0, inPeriod: 0, direction }
  const ascending = direction === 'ASC'
  for (;;) {
    const data: { repository: { deployments: Page<DeploymentNode> } | null } = await graphql(client, what, DEPLOYMENTS, { owner: repo.owner, name: repo.name, environments: [o.environment], after, checkName: o.checkName, direction })
    if (!data.repository) throw new ApiFailure(`GitHub GraphQL (${what}): the repository ${repo.full} cannot be read`)
    const page = data.repository.deployments
    record.pages += 1
    read.totalCount = page.totalCount
    let past = false
    for (const node of nodesOf(page, what)) {
      read.received += 1
      record.received += 1
      const at = iso(node.createdAt)
      // Paging stops at the first deployment past the period: that is sound only if the order holds.
      if (previous !== undefined && (ascending ? at < previous : at > previous)) throw new ApiFailure(`GitHub GraphQL (${what}): deployments are not listed ${ascending ? 'oldest' : 'newest'} first (${at} after ${previous})`)
      previous = at
      if (at >= to) {
        read.newer += 1
        if (ascending) {
          past = true
          break
        }
        continue
      }
      if (at < from) {
        read.older += 1
        if (!ascending) {
          past = true
          break
        }
        continue
      }
      const d = await complete(client, repo, node, o.checkName, { statusesQuery, suitesQuery, runsQuery })
      count(record, d.latest?.state.toLowerCase() ?? 'no status')
      record.kept += 1
      read.inPeriod += 1
      await keep(d)
    }
    progress?.(read.received)
    after = past ? null : nextCursor(page, what)
    if (after === null) break
  }
  return read
}

/** A deployment with every status and check run, paging what did not fit inline. */
async function complete(client: GitHubClient, repo: { owner: string; name: string; full: string }, node: DeploymentNode, checkName: string, logs: Record<'statusesQuery' | 'suitesQuery' | 'runsQuery', ReturnType<QueryLog['start']>>): Promise<DeploymentFact> {
  const what = `deployment ${node.databaseId} of ${repo.full}`
  if (!node.statuses) throw new ApiFailure(`GitHub GraphQL (${what}): no statuses connection`)
  const statuses = nodesOf(node.statuses, what)
  for (let cursor = nextCursor(node.statuses, what); cursor !== null; ) {
    const data: { node: { statuses: Page<StatusNode> } | null } = await graphql(client, `statuses of ${what}`, MORE_STATUSES, { id: node.id, after: cursor })
    if (!data.node) throw new ApiFailure(`GitHub GraphQL (statuses of ${what}): the deployment cannot be read`)
    logs.statusesQuery.pages += 1
    const more = nodesOf(data.node.statuses, what)
    logs.statusesQuery.received += more.length
    statuses.push(...more)
    cursor = nextCursor(data.node.statuses, what)
  }
  if (statuses.length !== node.statuses.totalCount) throw new ApiFailure(`GitHub GraphQL (${what}): ${node.statuses.totalCount} statuses announced, ${statuses.length} listed`)
  const facts: StatusFact[] = statuses.map((s) => ({ state: s.state.toLowerCase(), at: iso(s.createdAt), by: s.creator?.login ?? 'ghost' })).sort((a, b) => a.at.localeCompare(b.at))
  // The commit may be gone (a force-push): then no check run can be read, and none is claimed.
  const checkRuns = node.commit ? await checkRunsOf(client, repo, node.commitOid, node.commit.checkSuites, checkName, logs) : []
  return {
    repository: repo.full,
    id: node.databaseId,
    nodeId: node.id,
    createdAt: iso(node.createdAt),
    creator: node.creator?.login ?? 'ghost',
    sha: node.commitOid,
    ref: node.ref?.name ?? node.commitOid,
    environment: node.environment ?? '',
    statuses: facts,
    latest: facts.at(-1) ?? null,
    checkRuns
  }
}

async function checkRunsOf(client: GitHubClient, repo: { owner: string; name: string; full: string }, oid: string, inline: Page<SuiteNode> | null, checkName: string, logs: Record<'suitesQuery' | 'runsQuery', ReturnType<QueryLog['start']>>): Promise<CheckRunFact[]> {
  const what = `check runs "${checkName}" of ${repo.full}@${oid.slice(0, 7)}`
  const allSuites = nodesOf(inline, what)
  let total = inline?.totalCount ?? 0
  for (let cursor = inline ? nextCursor(inline, what) : null; cursor !== null; ) {
    const data: { repository: { object: { checkSuites: Page<SuiteNode> } | null } | null } = await graphql(client, what, MORE_SUITES, { owner: repo.owner, name: repo.name, oid, after: cursor, checkName })
    const page = data.repository?.object?.checkSuites
    if (!page) throw new ApiFailure(`GitHub GraphQL (${what}): the commit cannot be read`)
    logs.suitesQuery.pages += 1
    allSuites.push(...nodesOf(page, what))
    total = page.totalCount
    cursor = nextCursor(page, what)
  }
  if (allSuites.length !== total) throw new ApiFailure(`GitHub GraphQL (${what}): ${total} check suites announced, ${allSuites.length} listed`)
  const runs: CheckRunFact[] = []
  for (const suite of allSuites) {
    const listed = nodesOf(suite.checkRuns, what)
    for (let cursor = suite.checkRuns ? nextCursor(suite.checkRuns, what) : null; cursor !== null; ) {
      const data: { node: { checkRuns: Page<CheckRunNode> } | null } = await graphql(client, what, MORE_RUNS, { id: suite.id, after: cursor, checkName })
      if (!data.node) throw new ApiFailure(`GitHub GraphQL (${what}): the check suite cannot be read`)
      logs.runsQuery.pages += 1
      listed.push(...nodesOf(data.node.checkRuns, what))
      cursor = nextCursor(data.node.checkRuns, what)
    }
    if (listed.length !== suite.checkRuns?.totalCount) throw new ApiFailure(`GitHub GraphQL (${what}): ${suite.checkRuns?.totalCount ?? 0} check runs announced, ${listed.length} listed`)
    for (const r of listed) {
      runs.push({ id: r.databaseId, conclusion: r.conclusion?.toLowerCase() ?? null, status: r.status.toLowerCase(), completedAt: r.completedAt ? iso(r.completedAt) : null, externalId: r.externalId, detailsUrl: r.detailsUrl, url: r.url, app: suite.app?.slug ?? null })
    }
  }
  return runs.sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '') || a.id - b.id)
}

/**
 * Times as one canonical text (UTC, milliseconds always written), so that comparing two texts is
 * comparing two instants, whichever source (GitHub's seconds, S3's milliseconds) they came from.
 */
export function iso(t: string): string {
  const ms = Date.parse(t)
  if (Number.isNaN(ms)) throw new ApiFailure(`GitHub sent a time that is not one: "${t}"`)
  return new Date(ms).toISOString()
}

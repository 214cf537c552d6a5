import { buildSchema, graphql, type GraphQLSchema } from 'graphql'

/*
 * GitHub's GraphQL API, the part sox-gate asks: which pull requests are associated with a commit,
 * and (for the audit) deployments with their statuses, commits with their check suites and runs,
 * and a branch's history of a path.
 * The schema below is a faithful subset of GitHub's public schema (same type, field and argument
 * names), so a query that GitHub would reject for a wrong name or type is rejected here too, and
 * graphql-js executes it exactly as a GraphQL server does (aliases, variables, fragments).
 */
const SDL = `
scalar GitObjectID
scalar DateTime
scalar GitTimestamp
scalar URI
type Query {
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
  node(id: ID!): Node
}
interface Node { id: ID! }
type RateLimit { cost: Int! limit: Int! nodeCount: Int! remaining: Int! resetAt: DateTime! used: Int! }
type Repository {
  nameWithOwner: String!
  object(oid: GitObjectID, expression: String): GitObject
  defaultBranchRef: Ref
  deployments(after: String, before: String, environments: [String!], first: Int, last: Int, orderBy: DeploymentOrder = {direction: ASC, field: CREATED_AT}): DeploymentConnection!
}
interface GitObject { oid: GitObjectID! abbreviatedOid: String! }
type Blob implements GitObject { oid: GitObjectID! abbreviatedOid: String! }
type Commit implements GitObject & Node {
  id: ID!
  oid: GitObjectID!
  abbreviatedOid: String!
  associatedPullRequests(first: Int, last: Int, after: String, before: String): PullRequestConnection
  checkSuites(after: String, before: String, filterBy: CheckSuiteFilter, first: Int, last: Int): CheckSuiteConnection
  committedDate: DateTime!
  history(after: String, author: CommitAuthor, before: String, first: Int, last: Int, path: String, since: GitTimestamp, until: GitTimestamp): CommitHistoryConnection!
  messageHeadline: String!
  parents(after: String, before: String, first: Int, last: Int): CommitConnection!
  url: URI!
}
type PullRequestConnection { totalCount: Int! nodes: [PullRequest] pageInfo: PageInfo! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! endCursor: String startCursor: String }
type PullRequest { number: Int! merged: Boolean! mergedAt: DateTime state: String! title: String! repository: Repository! }
interface Actor { avatarUrl(size: Int): URI! login: String! resourcePath: URI! url: URI! }
type User implements Actor & Node { id: ID! avatarUrl(size: Int): URI! login: String! resourcePath: URI! url: URI! }
type Bot implements Actor & Node { id: ID! avatarUrl(size: Int): URI! login: String! resourcePath: URI! url: URI! }
type Ref implements Node { id: ID! name: String! prefix: String! target: GitObject }
input DeploymentOrder { direction: OrderDirection! field: DeploymentOrderField! }
enum DeploymentOrderField { CREATED_AT }
enum OrderDirection { ASC DESC }
type DeploymentConnection { nodes: [Deployment] pageInfo: PageInfo! totalCount: Int! }
type Deployment implements Node {
  commit: Commit
  commitOid: String!
  createdAt: DateTime!
  creator: Actor!
  databaseId: Int
  description: String
  environment: String
  id: ID!
  latestEnvironment: String
  latestStatus: DeploymentStatus
  originalEnvironment: String
  payload: String
  ref: Ref
  state: DeploymentState
  statuses(after: String, before: String, first: Int, last: Int): DeploymentStatusConnection
  task: String
  updatedAt: DateTime!
}
enum DeploymentState { ABANDONED ACTIVE DESTROYED ERROR FAILURE INACTIVE IN_PROGRESS PENDING QUEUED SUCCESS WAITING }
type DeploymentStatusConnection { nodes: [DeploymentStatus] pageInfo: PageInfo! totalCount: Int! }
type DeploymentStatus implements Node {
  createdAt: DateTime!
  creator: Actor!
  deployment: Deployment!
  description: String
  environment: String
  environmentUrl: URI
  id: ID!
  logUrl: URI
  state: DeploymentStatusState!
  updatedAt: DateTime!
}
enum DeploymentStatusState { ERROR FAILURE INACTIVE IN_PROGRESS PENDING QUEUED SUCCESS WAITING }
input CommitAuthor { emails: [String!] id: ID }
type CommitHistoryConnection { nodes: [Commit] pageInfo: PageInfo! totalCount: Int! }
type CommitConnection { nodes: [Commit] pageInfo: PageInfo! totalCount: Int! }
input CheckSuiteFilter { appId: Int checkName: String }
input CheckRunFilter { appId: Int checkName: String checkType: CheckRunType conclusions: [CheckConclusionState!] status: CheckStatusState statuses: [CheckStatusState!] }
enum CheckRunType { ALL LATEST }
enum CheckConclusionState { ACTION_REQUIRED CANCELLED FAILURE NEUTRAL SKIPPED STALE STARTUP_FAILURE SUCCESS TIMED_OUT }
enum CheckStatusState { COMPLETED IN_PROGRESS PENDING QUEUED REQUESTED WAITING }
type CheckSuiteConnection { nodes: [CheckSuite] pageInfo: PageInfo! totalCount: Int! }
type CheckSuite implements Node {
  app: App
  checkRuns(after: String, before: String, filterBy: CheckRunFilter, first: Int, last: Int): CheckRunConnection
  commit: Commit!
  conclusion: CheckConclusionState
  createdAt: DateTime!
  databaseId: Int
  id: ID!
  status: CheckStatusState!
}
type App implements Node { databaseId: Int id: ID! name: String! slug: String! }
type CheckRunConnection { nodes: [CheckRun] pageInfo: PageInfo! totalCount: Int! }
type CheckRun implements Node {
  completedAt: DateTime
  conclusion: CheckConclusionState
  databaseId: Int
  detailsUrl: URI
  externalId: String
  id: ID!
  name: String!
  permalink: URI!
  startedAt: DateTime
  status: CheckStatusState!
  summary: String
  text: String
  title: String
  url: URI!
}
`

export interface AssociatedPull {
  number: number
  /** The pull request's repository, when not this one (say, the upstream of a fork). */
  inRepository?: string
  merged_at: string | null
  state: string
  title: string
}

let schema: GraphQLSchema | undefined

/**
 * More of the graph than the associated pull requests, served by another helper (the audit's:
 * fake-audit-github.ts): fields of the repository, of each commit, and of the query root, and
 * which branch names or other expressions `object(expression:)` resolves.
 */
export interface GraphQLExtension {
  repository?: Record<string, unknown>
  commit?: (oid: string) => Record<string, unknown>
  query?: Record<string, unknown>
  /** The commit an `expression` (a branch name) names, if any. */
  resolve?: (expression: string) => string | undefined
  known?: (oid: string) => boolean
}

/**
 * Executes one GraphQL request body ({query, variables}) against the scenario's commits.
 * `known(sha)` says whether GitHub has the commit; `pulls(sha)` lists its associated pull requests.
 */
export async function executeGraphQL(
  body: { query?: unknown; variables?: unknown },
  owner: string,
  name: string,
  known: (sha: string) => boolean,
  pulls: (sha: string) => AssociatedPull[],
  extend?: (commit: (oid: string) => Record<string, unknown>) => GraphQLExtension
): Promise<unknown> {
  schema ??= buildSchema(SDL)
  const commit = (oid: string): Record<string, unknown> => ({
    ...extension?.commit?.(oid),
    __typename: 'Commit',
    oid,
    abbreviatedOid: oid.slice(0, 7),
    associatedPullRequests: ({ first }: { first?: number }) => {
      const all = pulls(oid)
      const nodes = all.slice(0, first ?? 30).map((p) => ({ number: p.number, merged: p.merged_at !== null, mergedAt: p.merged_at, state: p.merged_at ? 'MERGED' : p.state.toUpperCase(), title: p.title, repository: { nameWithOwner: p.inRepository ?? `${owner}/${name}` } }))
      return { totalCount: all.length, nodes, pageInfo: { hasNextPage: nodes.length < all.length, hasPreviousPage: false, endCursor: null, startCursor: null } }
    }
  })
  const extension = extend?.(commit)
  const exists = (oid: string): boolean => known(oid) || extension?.known?.(oid) === true
  const rootValue = {
    ...extension?.query,
    repository: (args: { owner: string; name: string }) =>
      args.owner.toLowerCase() === owner && args.name.toLowerCase() === name
        ? {
            ...extension?.repository,
            nameWithOwner: `${owner}/${name}`,
            object: ({ oid, expression }: { oid?: string; expression?: string }) => {
              const id = oid ?? (expression === undefined ? undefined : extension?.resolve?.(expression))
              return id && exists(id) ? commit(id) : null
            }
          }
        : null
  }
  const typeResolver = (value: { __typename: string }) => value.__typename
  return graphql({ schema, source: String(body.query ?? ''), variableValues: (body.variables ?? {}) as Record<string, unknown>, rootValue, typeResolver })
}

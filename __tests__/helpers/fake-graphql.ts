import { buildSchema, graphql, type GraphQLSchema } from 'graphql'

/*
 * GitHub's GraphQL API, the part sox-gate asks: which pull requests are associated with a commit.
 * The schema below is a faithful subset of GitHub's public schema (same type, field and argument
 * names), so a query that GitHub would reject for a wrong name or type is rejected here too, and
 * graphql-js executes it exactly as a GraphQL server does (aliases, variables, fragments).
 */
const SDL = `
scalar GitObjectID
scalar DateTime
type Query { repository(owner: String!, name: String!, followRenames: Boolean = true): Repository }
type Repository { nameWithOwner: String! object(oid: GitObjectID, expression: String): GitObject }
interface GitObject { oid: GitObjectID! abbreviatedOid: String! }
type Blob implements GitObject { oid: GitObjectID! abbreviatedOid: String! }
type Commit implements GitObject {
  oid: GitObjectID!
  abbreviatedOid: String!
  associatedPullRequests(first: Int, last: Int, after: String, before: String): PullRequestConnection
}
type PullRequestConnection { totalCount: Int! nodes: [PullRequest] pageInfo: PageInfo! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! endCursor: String startCursor: String }
type PullRequest { number: Int! merged: Boolean! mergedAt: DateTime state: String! title: String! repository: Repository! }
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
 * Executes one GraphQL request body ({query, variables}) against the scenario's commits.
 * `known(sha)` says whether GitHub has the commit; `pulls(sha)` lists its associated pull requests.
 */
export async function executeGraphQL(body: { query?: unknown; variables?: unknown }, owner: string, name: string, known: (sha: string) => boolean, pulls: (sha: string) => AssociatedPull[]): Promise<unknown> {
  schema ??= buildSchema(SDL)
  const commit = (oid: string) => ({
    __typename: 'Commit',
    oid,
    abbreviatedOid: oid.slice(0, 7),
    associatedPullRequests: ({ first }: { first?: number }) => {
      const all = pulls(oid)
      const nodes = all.slice(0, first ?? 30).map((p) => ({ number: p.number, merged: p.merged_at !== null, mergedAt: p.merged_at, state: p.merged_at ? 'MERGED' : p.state.toUpperCase(), title: p.title, repository: { nameWithOwner: p.inRepository ?? `${owner}/${name}` } }))
      return { totalCount: all.length, nodes, pageInfo: { hasNextPage: nodes.length < all.length, hasPreviousPage: false, endCursor: null, startCursor: null } }
    }
  })
  const rootValue = {
    repository: (args: { owner: string; name: string }) =>
      args.owner.toLowerCase() === owner && args.name.toLowerCase() === name
        ? { nameWithOwner: `${owner}/${name}`, object: ({ oid }: { oid?: string }) => (oid && known(oid) ? commit(oid) : null) }
        : null
  }
  const typeResolver = (value: { __typename: string }) => value.__typename
  return graphql({ schema, source: String(body.query ?? ''), variableValues: (body.variables ?? {}) as Record<string, unknown>, rootValue, typeResolver })
}

import { describeApiError, type GitHubClient } from '../github/client.js'

/** An API failure: the audit stops with this one line and exit 2, never with a population that has holes. */
export class ApiFailure extends Error {}

/**
 * One GraphQL request through the action's client (retries, timeouts, proxy, rate limits). Any
 * error GitHub reports, even beside partial data, fails the whole request: a page with a hole is
 * not a page.
 */
export async function graphql<T>(client: GitHubClient, what: string, query: string, variables: Record<string, unknown>): Promise<T> {
  try {
    return await client.graphql<T>(query, variables)
  } catch (e) {
    const errors = (e as { errors?: { message?: string; type?: string }[] }).errors
    if (errors?.length) throw new ApiFailure(`GitHub GraphQL (${what}): ${errors.map((x) => `${x.type ? `${x.type}: ` : ''}${x.message ?? ''}`).join('; ')}`)
    throw new ApiFailure(`GitHub GraphQL (${what}): ${describeApiError(e)}`)
  }
}

export interface Page<T> {
  totalCount: number
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  nodes: (T | null)[]
}

/** The nodes of a page; a null node (one GitHub could not resolve) is a hole, so it fails. */
export function nodesOf<T>(page: Page<T> | null | undefined, what: string): T[] {
  if (!page) throw new ApiFailure(`GitHub GraphQL (${what}): no connection in the answer`)
  const nodes = page.nodes.filter((n): n is T => n !== null)
  if (nodes.length !== page.nodes.length) throw new ApiFailure(`GitHub GraphQL (${what}): ${page.nodes.length - nodes.length} of ${page.nodes.length} items came back empty`)
  return nodes
}

/** A next page that GitHub announces but gives no cursor for would loop or stop short: both are holes. */
export function nextCursor(page: Page<unknown>, what: string): string | null {
  if (!page.pageInfo.hasNextPage) return null
  if (!page.pageInfo.endCursor) throw new ApiFailure(`GitHub GraphQL (${what}): a next page is announced without a cursor`)
  return page.pageInfo.endCursor
}

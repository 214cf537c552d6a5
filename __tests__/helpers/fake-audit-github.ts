import { GraphQLError } from 'graphql'
import type { components } from '@octokit/openapi-types'
import type { GraphQLExtension } from './fake-graphql.js'

/*
 * What `sox-gate audit` reads from GitHub's GraphQL API, served from a fake GitHub's scenario:
 * deployments (with their statuses and their commit's check suites and runs), a branch's history
 * of a path, node lookups for further pages, and the rate limit. Connections behave as GitHub's:
 * `first` or `last` is required and at most 100, cursors are opaque, check runs are the latest of
 * each name unless `checkType: ALL` is asked for, and bot logins carry no `[bot]` suffix.
 */

type Deployment = components['schemas']['deployment']
type DeploymentStatus = components['schemas']['deployment-status']

/** A check run the scenario holds besides those the action POSTs (for the benchmark, and histories). */
export interface SeedCheckRun {
  sha: string
  name: string
  conclusion: 'success' | 'failure' | 'neutral' | 'cancelled'
  completedAt: string
  externalId?: string
  detailsUrl?: string
  /** The GitHub App that posted it (slug); default github-actions. */
  app?: string
  id?: number
}

/** A commit on the default branch, for `history(path:)`: newest first in `defaultBranch.commits`. */
export interface HistoryCommit {
  sha: string
  committedDate: string
  message: string
  /** Paths the commit changed. */
  files: string[]
  parents: string[]
}

export interface AuditScenario {
  checkRuns?: SeedCheckRun[]
  defaultBranch?: { name: string; commits: HistoryCommit[] }
}

/** A check run as the fake recorded it from POST /repos/{o}/{r}/check-runs. */
export interface RecordedCheckRun {
  id: number
  body: Record<string, unknown>
  /** When the fake received it: GitHub's completed_at unless the body gave one. */
  at?: string
}

interface PageArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

const cursor = (i: number): string => Buffer.from(`cursor:v2:${i}`).toString('base64')
const offset = (c: string): number => {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(c, 'base64').toString('utf8'))
  if (!m) throw new GraphQLError(`\`${c}\` does not appear to be a valid cursor.`)
  return Number(m[1])
}

/** One page of a connection, refusing what GitHub refuses (no `first`/`last`, more than 100). */
export function connection<T>(field: string, args: PageArgs, all: readonly T[], map: (item: T) => unknown = (x) => x): { totalCount: number; nodes: unknown[]; pageInfo: Record<string, unknown> } {
  const { first, last } = args
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`, { extensions: { type: 'MISSING_PAGINATION_BOUNDARIES' } })
  }
  for (const [k, v] of [['first', first], ['last', last]] as const) {
    if (v !== undefined && v !== null && (v < 0 || v > 100)) throw new GraphQLError(`Requesting ${v} records on the \`${field}\` connection exceeds the \`${k}\` limit of 100 records.`, { extensions: { type: 'EXCESSIVE_PAGINATION' } })
  }
  let start = args.after ? offset(args.after) + 1 : 0
  let end = args.before ? offset(args.before) : all.length
  if (first !== undefined && first !== null) end = Math.min(end, start + first)
  if (last !== undefined && last !== null) start = Math.max(start, end - last)
  const nodes = all.slice(start, end).map(map)
  return {
    totalCount: all.length,
    nodes,
    pageInfo: { hasNextPage: end < all.length, hasPreviousPage: start > 0, endCursor: nodes.length ? cursor(end - 1) : null, startCursor: nodes.length ? cursor(start) : null }
  }
}

/** GraphQL's Actor for a REST user: bots are `Bot` and their login has no `[bot]` suffix. */
function actor(user: { login: string; type?: string } | null | undefined): Record<string, unknown> {
  const login = user?.login ?? 'ghost'
  const bot = user?.type === 'Bot' || login.endsWith('[bot]')
  const plain = login.replace(/\[bot\]$/, '')
  return { __typename: bot ? 'Bot' : 'User', id: `${bot ? 'BOT' : 'U'}_${plain}`, login: plain, avatarUrl: `https://avatars.githubusercontent.com/${plain}`, resourcePath: `/${plain}`, url: `https://github.com/${plain}` }
}

const STATE = (s: string): string => s.toUpperCase()

interface CheckRunView {
  id: number
  sha: string
  name: string
  status: string
  conclusion: string | null
  completedAt: string | null
  startedAt: string | null
  externalId: string | null
  detailsUrl: string | null
  app: string
  title: string | null
  summary: string | null
}

/**
 * The audit's part of the graph. `deployments()` lists the scenario's deployments (REST shape)
 * with their statuses; `recorded()` the check runs the action posted; the scenario's own
 * `audit.checkRuns` and `audit.defaultBranch` add the rest.
 */
export function auditGraphQL(source: { deployments: () => { deployment: Deployment; statuses: DeploymentStatus[] }[]; audit: () => AuditScenario | undefined; recorded: () => readonly RecordedCheckRun[] }): (commit: (oid: string) => Record<string, unknown>) => GraphQLExtension {
  // Sorted once per deployments list (the benchmark serves 18,250 and pages through them).
  let sortedFor: unknown
  let sorted: { deployment: Deployment; statuses: DeploymentStatus[] }[] = []
  const byCreation = (): typeof sorted => {
    const list = source.deployments()
    if (sortedFor !== list || sorted.length !== list.length) {
      sorted = [...list].sort((a, b) => a.deployment.created_at.localeCompare(b.deployment.created_at) || Number(a.deployment.id) - Number(b.deployment.id))
      sortedFor = list
    }
    return sorted
  }
  let runsIndexFor: unknown
  let runsIndexLength = -1
  let runsBySha = new Map<string, CheckRunView[]>()
  const checkRunsOf = (sha: string): CheckRunView[] => {
    const seeded = source.audit()?.checkRuns ?? []
    const recorded = source.recorded()
    if (runsIndexFor !== seeded || runsIndexLength !== seeded.length + recorded.length) {
      runsBySha = new Map()
      const add = (r: CheckRunView): void => void (runsBySha.get(r.sha) ?? runsBySha.set(r.sha, []).get(r.sha))?.push(r)
      seeded.forEach((r, i) => add({ id: r.id ?? 6_000_000 + i, sha: r.sha, name: r.name, status: 'COMPLETED', conclusion: STATE(r.conclusion), completedAt: r.completedAt, startedAt: r.completedAt, externalId: r.externalId ?? null, detailsUrl: r.detailsUrl ?? null, app: r.app ?? 'github-actions', title: null, summary: null }))
      for (const r of recorded) {
        const b = r.body
        const at = typeof b.completed_at === 'string' ? b.completed_at : (r.at ?? null)
        add({
          id: r.id,
          sha: String(b.head_sha),
          name: String(b.name),
          status: STATE(String(b.status ?? 'queued')),
          conclusion: typeof b.conclusion === 'string' ? STATE(b.conclusion) : null,
          completedAt: b.status === 'completed' ? at : null,
          startedAt: r.at ?? null,
          externalId: typeof b.external_id === 'string' ? b.external_id : null,
          detailsUrl: typeof b.details_url === 'string' ? b.details_url : null,
          app: 'github-actions',
          title: String((b.output as { title?: string } | undefined)?.title ?? '') || null,
          summary: String((b.output as { summary?: string } | undefined)?.summary ?? '') || null
        })
      }
      runsIndexFor = seeded
      runsIndexLength = seeded.length + recorded.length
    }
    return runsBySha.get(sha) ?? []
  }
  const history = (): HistoryCommit[] => source.audit()?.defaultBranch?.commits ?? []
  const historyCommit = (oid: string): HistoryCommit | undefined => history().find((c) => c.sha === oid)

  return (commit) => {
    const checkRunNode = (r: CheckRunView): Record<string, unknown> => ({
      id: `CR_${r.id}`,
      databaseId: r.id,
      name: r.name,
      status: r.status,
      conclusion: r.conclusion,
      completedAt: r.completedAt,
      startedAt: r.startedAt,
      externalId: r.externalId,
      detailsUrl: r.detailsUrl,
      title: r.title,
      summary: r.summary,
      text: null,
      url: `https://github.com/acme/ledger/runs/${r.id}`,
      permalink: `https://github.com/acme/ledger/runs/${r.id}`
    })
    const suite = (sha: string, app: string): Record<string, unknown> => {
      const runs = checkRunsOf(sha).filter((r) => r.app === app)
      return {
        __typename: 'CheckSuite',
        id: `CS_${app}_${sha}`,
        databaseId: null,
        app: { id: `A_${app}`, databaseId: app === 'github-actions' ? 15368 : 900_000, name: app === 'github-actions' ? 'GitHub Actions' : app, slug: app },
        status: 'COMPLETED',
        conclusion: null,
        createdAt: runs[0]?.startedAt ?? '2026-01-01T00:00:00Z',
        commit: () => commit(sha),
        checkRuns: (args: PageArgs & { filterBy?: { checkName?: string; checkType?: string; appId?: number } }) => {
          let list = runs.filter((r) => args.filterBy?.checkName === undefined || args.filterBy.checkName === null || r.name === args.filterBy.checkName)
          // GitHub's default, as the REST API's filter=latest: only the most recent run of each name.
          if ((args.filterBy?.checkType ?? 'LATEST') === 'LATEST') {
            const latest = new Map<string, CheckRunView>()
            for (const r of list) {
              const seen = latest.get(r.name)
              if (!seen || (r.completedAt ?? '') > (seen.completedAt ?? '') || ((r.completedAt ?? '') === (seen.completedAt ?? '') && r.id > seen.id)) latest.set(r.name, r)
            }
            list = list.filter((r) => latest.get(r.name) === r)
          }
          return connection('checkRuns', args, list, checkRunNode)
        }
      }
    }
    const deploymentNode = ({ deployment: d, statuses }: { deployment: Deployment; statuses: DeploymentStatus[] }): Record<string, unknown> => {
      // Statuses in the order they were created (REST lists them newest first).
      const ordered = [...statuses].sort((a, b) => a.created_at.localeCompare(b.created_at) || Number(a.id) - Number(b.id))
      const statusNode = (s: DeploymentStatus): Record<string, unknown> => ({ __typename: 'DeploymentStatus', id: `DES_${Number(s.id)}`, state: STATE(s.state), createdAt: s.created_at, updatedAt: s.updated_at, creator: actor(s.creator), description: s.description, environment: s.environment ?? null, environmentUrl: s.environment_url || null, logUrl: s.log_url || null, deployment: () => deploymentNode({ deployment: d, statuses }) })
      const latest = ordered.at(-1)
      return {
        __typename: 'Deployment',
        id: `DE_${Number(d.id)}`,
        databaseId: Number(d.id),
        commitOid: d.sha,
        commit: () => commit(d.sha),
        createdAt: d.created_at,
        updatedAt: d.updated_at,
        creator: actor(d.creator),
        description: d.description,
        environment: d.environment,
        latestEnvironment: d.environment,
        originalEnvironment: d.original_environment ?? d.environment,
        payload: JSON.stringify(d.payload),
        task: d.task,
        state: latest ? STATE(latest.state) : 'PENDING',
        ref: /^[0-9a-f]{40}$/.test(d.ref) ? null : { __typename: 'Ref', id: `REF_${d.ref}`, name: d.ref, prefix: 'refs/heads/', target: () => commit(d.sha) },
        latestStatus: latest ? statusNode(latest) : null,
        statuses: (args: PageArgs) => connection('statuses', args, ordered, statusNode)
      }
    }
    return {
      known: (oid) => checkRunsOf(oid).length > 0 || historyCommit(oid) !== undefined || source.deployments().some((d) => d.deployment.sha === oid),
      resolve: (expression) => {
        const branch = source.audit()?.defaultBranch
        return branch && (expression === branch.name || expression === `refs/heads/${branch.name}`) ? branch.commits[0]?.sha : undefined
      },
      commit: (oid) => {
        const h = historyCommit(oid)
        const runs = (): CheckRunView[] => checkRunsOf(oid)
        return {
          id: `C_${oid}`,
          url: `https://github.com/acme/ledger/commit/${oid}`,
          committedDate: h?.committedDate ?? '2026-01-01T00:00:00Z',
          messageHeadline: (h?.message ?? '').split('\n')[0],
          parents: (args: PageArgs) => connection('parents', args, h?.parents ?? [], (p) => commit(p)),
          checkSuites: (args: PageArgs & { filterBy?: { checkName?: string; appId?: number } }) => {
            const name = args.filterBy?.checkName
            const apps = [...new Set(runs().filter((r) => name === undefined || name === null || r.name === name).map((r) => r.app))].sort()
            return connection('checkSuites', args, apps, (app) => suite(oid, app))
          },
          history: (args: PageArgs & { path?: string; since?: string; until?: string }) => {
            // git log's path filter: the path itself, or anything below it when it names a folder.
            const all = history()
            const from = all.findIndex((c) => c.sha === oid)
            const touched = (c: HistoryCommit): boolean => args.path === undefined || args.path === null || c.files.some((f) => f === args.path || f.startsWith(`${String(args.path).replace(/\/+$/, '')}/`))
            const inTime = (c: HistoryCommit): boolean => (!args.since || c.committedDate >= new Date(args.since).toISOString()) && (!args.until || c.committedDate <= new Date(args.until).toISOString())
            const list = (from < 0 ? [] : all.slice(from)).filter((c) => touched(c) && inTime(c))
            return connection('history', args, list, (c) => commit(c.sha))
          }
        }
      },
      repository: {
        defaultBranchRef: () => {
          const branch = source.audit()?.defaultBranch
          return branch ? { __typename: 'Ref', id: `REF_${branch.name}`, name: branch.name, prefix: 'refs/heads/', target: () => (branch.commits[0] ? commit(branch.commits[0].sha) : null) } : null
        },
        deployments: (args: PageArgs & { environments?: string[] | null; orderBy?: { direction: 'ASC' | 'DESC'; field: 'CREATED_AT' } }) => {
          let list = byCreation()
          if (args.environments) list = list.filter((d) => (args.environments as string[]).includes(d.deployment.environment))
          if (args.orderBy?.direction === 'DESC') list = [...list].reverse()
          return connection('deployments', args, list, deploymentNode)
        }
      },
      query: {
        rateLimit: () => ({ cost: 1, limit: 5000, nodeCount: 0, remaining: 4999, resetAt: '2030-01-01T00:00:00Z', used: 1 }),
        node: ({ id }: { id: string }) => {
          const m = /^DE_(\d+)$/.exec(id)
          if (m) {
            const d = byCreation().find((x) => Number(x.deployment.id) === Number(m[1]))
            return d ? deploymentNode(d) : null
          }
          const s = /^CS_(.+)_([0-9a-f]{40})$/.exec(id)
          if (s) return suite(s[2] as string, s[1] as string)
          return null
        }
      }
    }
  }
}

import { bundlePrefix, joinKey, storeUrlText } from '../evidence/store/location.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import type { GitHubClient } from '../github/client.js'
import { inspectBundles, missing, type Inspected, type Level } from './bundles.js'
import { configChanges, type ConfigChange } from './config-changes.js'
import { chooseDecision, deploymentExceptions, type Chosen } from './decide.js'
import { readDeployments, type DeploymentRead } from './deployments.js'
import { ApiFailure, graphql } from './graphql.js'
import { readLedger, type LedgerIndex } from './ledger-index.js'
import type { AuditException, AuditOptions, DeploymentFact, EvidenceFact } from './model.js'
import type { QueryLog } from './query-log.js'
import { Spill } from './spill.js'
import type { Row } from './rows.js'

/** Progress counters the shell prints from its own timer. */
export interface AuditProgress {
  deployments: number
  bundles: number
  bundlesTotal: number
  phase: string
}

export interface RepositoryAudit {
  repository: string
  defaultBranch: string
  read: DeploymentRead
  ledger?: { entries: number; findings: number; inPeriod: LedgerIndex['inPeriod']; relied: number; deployments: number }
  bundles: number
  configChanges: ConfigChange[]
  protectedGlobs: string[]
}

export interface Collected {
  rows: Row[]
  /** Exceptions that concern no deployment (ledger gaps, gate configuration changes). */
  other: AuditException[]
  repositories: RepositoryAudit[]
}

const REPOSITORY = `query AuditRepository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { nameWithOwner defaultBranchRef { name } }
}`

/**
 * Everything the audit reads, repository by repository: the deployments of the period, the
 * ledger, the bundles the deployments relied on, the gate's configuration changes; and, from
 * those facts, each deployment's decision, evidence and exceptions.
 */
export async function collect(o: AuditOptions, client: GitHubClient, store: ObjectStore | undefined, log: QueryLog, progress: AuditProgress): Promise<Collected> {
  const rows: Row[] = []
  const other: AuditException[] = []
  const repositories: RepositoryAudit[] = []
  for (const given of o.repos) {
    const [owner, name] = given.split('/') as [string, string]
    const info: { repository: { nameWithOwner: string; defaultBranchRef: { name: string } | null } | null } = await graphql(client, `repository ${given}`, REPOSITORY, { owner, name })
    if (!info.repository) throw new ApiFailure(`GitHub GraphQL: the repository ${given} cannot be read (it does not exist, or the token cannot see it)`)
    // The store's keys use the repository's own spelling (GITHUB_REPOSITORY), whatever case --repo was given in.
    const full = info.repository.nameWithOwner
    // --repo Acme/Ledger and --repo acme/ledger are one repository: its deployments are counted once.
    if (repositories.some((r) => r.repository === full)) continue
    const [canonOwner, canonName] = full.split('/') as [string, string]
    const repo = { owner: canonOwner, name: canonName, full, defaultBranch: info.repository.defaultBranchRef?.name ?? '' }
    progress.phase = `deployments of ${full}`
    // The deployments wait on disk while the ledger and the bundles are read (bounded memory).
    const spill = await Spill.create<DeploymentFact>()
    try {
      const already = rows.length
      const read = await readDeployments(client, repo, o, log, (d) => spill.push(d), () => (progress.deployments = already + spill.count))
      await spill.close()
      progress.deployments = already + spill.count
      repositories.push(await judgeRepository(o, client, store, log, progress, repo, read, spill, rows, other))
    } finally {
      await spill.dispose()
    }
  }
  rows.sort((a, b) => a.fact.repository.localeCompare(b.fact.repository) || a.fact.createdAt.localeCompare(b.fact.createdAt) || a.fact.id - b.fact.id)
  return { rows, other, repositories }
}

/** One repository's ledger, bundles and gate configuration, and its deployments judged against them. */
async function judgeRepository(
  o: AuditOptions,
  client: GitHubClient,
  store: ObjectStore | undefined,
  log: QueryLog,
  progress: AuditProgress,
  repo: { owner: string; name: string; full: string; defaultBranch: string },
  read: DeploymentRead,
  spill: Spill<DeploymentFact>,
  rows: Row[],
  other: AuditException[]
): Promise<RepositoryAudit> {
  const { owner: canonOwner, name: canonName, full } = repo
  let ledger: LedgerIndex | undefined
  const repoPrefix = o.store ? joinKey(o.store.prefix, canonOwner, canonName) : ''
  const bundleKey = (sha: string, run: { id: string; attempt: string }): string => (o.store ? bundlePrefix(o.store, { owner: canonOwner, repo: canonName, sha, runId: run.id, attempt: run.attempt }) : '')
  const where = (key: string): string => (o.store ? storeUrlText({ bucket: o.store.bucket, prefix: '' }, key) + (key.endsWith('/') ? '/' : '') : key)
  if (o.store && store) {
    progress.phase = `ledger of ${full}`
    ledger = await readLedger(store, repoPrefix, where(`${repoPrefix}/ledger/`), { from: o.from, to: o.to, environment: o.environment }, log)
    for (const f of ledger.findings) other.push({ code: 'ledger-gap', repository: full, deploymentId: null, sha: '', at: '', subject: 'ledger', finding: f })
  }
  const decide = (d: DeploymentFact): Chosen => chooseDecision(d, ledger?.bySha.get(d.sha), o.store !== undefined, o.environment)
  const needed = new Map<string, string | null>()
  for await (const d of spill.items()) {
    const x = decide(d).before
    if (x?.source === 'ledger' && x.run) needed.set(bundleKey(d.sha, x.run), x.manifestSha256)
  }
  let inspected = new Map<string, Inspected>()
  if (store && needed.size > 0) {
    progress.phase = `evidence of ${full}`
    progress.bundlesTotal += needed.size
    const level: Level = o.verify === 'all' ? 'full' : 'store'
    const before = progress.bundles
    inspected = await inspectBundles(store, repoPrefix, needed, level, where, log, (n) => (progress.bundles = before + n))
  }
  let relying = 0
  const relied = new Set<string>()
  const facts: DeploymentFact[] = []
  for await (const d of spill.items()) facts.push(d)
  facts.reverse().forEach((d) => {
    const c = decide(d)
    const x = c.before
    let evidence: EvidenceFact | undefined
    if (x?.source === 'ledger' && x.run) {
      relying += 1
      relied.add(x.ref)
      evidence = inspected.get(bundleKey(d.sha, x.run))?.fact
    } else if (x?.source === 'check-run') evidence = checkRunEvidence(d, x.ref, x.manifestSha256)
    const note = o.store && !x ? checkRunNote(d) : undefined
    rows.push({ fact: d, decision: x, evidence, exceptions: deploymentExceptions(d, c, evidence, note) })
  })
  progress.phase = `gate configuration of ${full}`
  const config = repo.defaultBranch ? await configChanges(client, repo, o.controls, o, log) : { changes: [], exceptions: [], globs: [] }
  other.push(...config.exceptions)
  return {
    repository: full,
    defaultBranch: repo.defaultBranch,
    read,
    ...(ledger ? { ledger: { entries: ledger.entries, findings: ledger.findings.length, inPeriod: ledger.inPeriod, relied: relied.size, deployments: relying } } : {}),
    bundles: needed.size,
    configChanges: config.changes,
    protectedGlobs: config.globs
  }
}



/** Without a store, the check run is where the evidence is named: its external_id carries the manifest's sha256. */
function checkRunEvidence(d: DeploymentFact, id: string, manifestSha256: string | null): EvidenceFact {
  const run = d.checkRuns.find((r) => String(r.id) === id)
  const location = run?.url ?? `check run ${id}`
  if (!manifestSha256) return missing(location, 'the check run names no manifest sha256 (external_id): the bundle it stands for cannot be identified')
  return { location, status: 'not-read', detail: `the check run names manifest sha256 ${manifestSha256}; without --store the bundle is not read (verify the run's artifact with sox-gate verify --expect-sha256)`, attestation: '', emergency: null, pullRequests: [], evaluatedAt: null }
}

/** What the check runs said when the ledger holds no decision: information for the finding, never an allow. */
function checkRunNote(d: DeploymentFact): string | undefined {
  const allow = d.checkRuns.filter((r) => r.conclusion === 'success').at(-1)
  return allow ? `check run ${allow.id} says success at ${allow.completedAt ?? '?'}, but with a store the ledger is the record, and it holds no entry for this commit before the deployment` : undefined
}

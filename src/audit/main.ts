import { ConfigError } from '../errors.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import { S3ObjectStore } from '../evidence/store/s3.js'
import { createClient } from '../github/client.js'
import { progressInterval } from '../pipeline/progress.js'
import { parseAuditArgs } from './args.js'
import { collect, type AuditProgress } from './collect.js'
import { ApiFailure } from './graphql.js'
import { prepareOut } from './output.js'
import { QueryLog } from './query-log.js'
import { writeAudit } from './report.js'
import { commandHelp } from '../cli/help.js'

export interface AuditIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  cwd: string
  env: NodeJS.ProcessEnv
  clock: () => Date
  stderrIsTTY?: boolean
}

/** A rate limit is waited out up to this long (once), then the audit fails closed: a year's audit may wait an hour's reset. */
const RATE_LIMIT_WAIT_S = 3600

/**
 * `sox-gate audit` (SPEC §14): reads, then writes; exit 0 when there is no exception, 1 when
 * there are. A usage, configuration, API or store failure is thrown (one line, exit 2) before
 * anything is written: never a population with holes.
 */
export async function runAudit(argv: readonly string[], io: AuditIo): Promise<number> {
  const args = parseAuditArgs(argv, io.cwd)
  if (args.help) {
    io.stdout(commandHelp('audit'))
    return 0
  }
  const o = args
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN
  if (!token) throw ConfigError.at('', 'audit: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can read the repositories\' deployments, checks, contents and pull requests')
  await prepareOut(o.out).then(() => undefined)
  const baseUrl = io.env.GITHUB_API_URL || 'https://api.github.com'
  const serverUrl = (io.env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const client = createClient({ token, baseUrl, warn: (m) => io.stderr(`sox-gate: ${m}\n`), maxRateLimitWait: RATE_LIMIT_WAIT_S })
  let githubRequests = 0
  client.hook.before('request', () => {
    githubRequests += 1
  })
  const counted = o.store ? countingStore(new S3ObjectStore(o.store.bucket, io.env)) : undefined
  const log = new QueryLog()
  const progress: AuditProgress = { deployments: 0, bundles: 0, bundlesTotal: 0, phase: 'starting' }
  const started = Date.now()
  const ticker = io.stderrIsTTY ? setInterval(() => io.stderr(`audit: ${progress.deployments.toLocaleString('en-US')} deployments read, ${progress.bundles.toLocaleString('en-US')} of ${progress.bundlesTotal.toLocaleString('en-US')} bundles checked — ${progress.phase} (${Math.round((Date.now() - started) / 1000)} s)\n`), progressInterval(io.env)) : undefined
  ticker?.unref()
  try {
    const collected = await collect(o, client, counted?.store, log, progress).catch(failClosed)
    const now = o.now ?? io.clock()
    const summary = await writeAudit(o, collected, log, { github: () => githubRequests, store: () => ({ ...(counted?.counts ?? {}) }) }, counted?.store, now, serverUrl).catch(failClosed)
    const byCode: Record<string, number> = {}
    for (const x of summary.exceptions) byCode[x.code] = (byCode[x.code] ?? 0) + 1
    if (o.format === 'json') {
      io.stdout(JSON.stringify({ out: summary.out, manifestSha256: summary.manifestSha256, population: summary.rows, successful: summary.successful, exceptions: summary.exceptions.length, byCode, sample: summary.sample.length, seed: summary.seed, requests: { github: githubRequests, store: counted?.counts ?? {} } }, null, 2) + '\n')
    } else {
      const lines = [
        `audit of ${collected.repositories.map((r) => r.repository).join(', ')} → ${o.environment}, ${o.from.toISOString()} to ${o.to.toISOString()}`,
        `population: ${summary.rows} deployments, ${summary.successful} reached ${o.environment}`,
        `exceptions: ${summary.exceptions.length}${summary.exceptions.length ? ` (${Object.entries(byCode).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
        ...summary.exceptions.slice(0, 20).map((x) => `  ${x.code}: ${x.finding}`),
        ...(summary.exceptions.length > 20 ? [`  … and ${summary.exceptions.length - 20} more in exceptions.csv`] : []),
        `sample: ${summary.sample.length} (${summary.sample.filter((s) => s.draw !== undefined).length} drawn, seed ${summary.seed.length > 20 ? `${summary.seed.slice(0, 16)}…` : summary.seed})`,
        `requests: ${githubRequests} to GitHub${counted ? `, ${Object.values(counted.counts).reduce((a, b) => a + b, 0)} store operations` : ''}`,
        `written: ${summary.out} (manifest sha256 ${summary.manifestSha256}); check it with: sox-gate verify ${summary.out}`
      ]
      io.stdout(lines.join('\n') + '\n')
    }
    if (ticker) io.stderr(`audit: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    return summary.exceptions.length > 0 ? 1 : 0
  } finally {
    if (ticker) clearInterval(ticker)
  }
}

/** An API or store failure is one clear line and exit 2; anything else is a bug and says so. */
function failClosed(e: unknown): never {
  if (e instanceof ApiFailure) throw ConfigError.at('', `audit: ${e.message} — nothing was written`)
  if (e instanceof ConfigError) throw e
  const m = (e as Error).message ?? String(e)
  if (/^(GetObject|ListObjectVersions|HeadObject|PutObject|ListObjectsV2) s3:\/\//.test(m)) throw ConfigError.at('', `audit: the evidence store cannot be read: ${m} — nothing was written`)
  throw e
}

/** The store with a count of its operations, for audit.json (a get or read is one GET, a get of a corrupted object a HEAD and a GET more; a listing counts once however many pages). */
function countingStore(inner: S3ObjectStore): { store: ObjectStore; counts: Record<string, number> } {
  const counts: Record<string, number> = {}
  const tally = (k: string): void => void (counts[k] = (counts[k] ?? 0) + 1)
  const store: ObjectStore = {
    put: (...a) => (tally('put'), inner.put(...a)),
    get: (...a) => (tally('get'), inner.get(...a)),
    read: (...a) => (tally('read'), inner.read(...a)),
    retention: (...a) => (tally('retention'), inner.retention(...a)),
    list: (...a) => (tally('list'), inner.list(...a)),
    history: (...a) => (tally('history'), inner.history(...a)),
    historyStream: (...a) => (tally('history'), inner.historyStream(...a))
  }
  return { store, counts }
}

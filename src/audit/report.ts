import { TOOL_NAME, TOOL_VERSION } from '../evidence/version.js'
import type { ObjectStore } from '../evidence/store/object-store.js'
import { inspectBundles } from './bundles.js'
import type { Collected } from './collect.js'
import { succeeded } from './decide.js'
import { renderAuditHtml } from './html.js'
import { EXCEPTION_CODES, type AuditException, type AuditOptions } from './model.js'
import { AUDIT_FILES, SealedFile, writeStableJson, type AuditManifest } from './output.js'
import type { QueryLog } from './query-log.js'
import { EXCEPTION_COLUMNS, exceptionValues, POPULATION_COLUMNS, populationValues, SAMPLE_COLUMNS, sampleValues, type Row, type SampleItem } from './rows.js'
import { drawSample, sampleSize } from './sample.js'
import { bundlePrefix, joinKey, storeUrlText } from '../evidence/store/location.js'

export interface AuditSummary {
  rows: number
  successful: number
  exceptions: AuditException[]
  sample: SampleItem[]
  seed: string
  manifestSha256: string
  out: string
}

const byCode = (a: AuditException, b: AuditException): number =>
  EXCEPTION_CODES.indexOf(a.code) - EXCEPTION_CODES.indexOf(b.code) || a.repository.localeCompare(b.repository) || a.at.localeCompare(b.at) || (a.deploymentId ?? 0) - (b.deploymentId ?? 0) || a.finding.localeCompare(b.finding)

/**
 * Writes the audit folder (SPEC §14): population.csv first (its sha256 is the default seed), then
 * the sample drawn from it, exceptions.csv, audit.json, audit.html, and manifest.json sealing them.
 */
export async function writeAudit(o: AuditOptions, c: Collected, log: QueryLog, counts: { github: () => number; store: () => Record<string, number> }, store: ObjectStore | undefined, now: Date, serverUrl: string): Promise<AuditSummary> {
  const files = []
  const population = await SealedFile.create(o.out, 'population.csv')
  await population.csvRow(POPULATION_COLUMNS)
  for (const r of c.rows) await population.csvRow(populationValues(r))
  const populationFile = await population.close()
  files.push(populationFile)

  // The sample frame: successful deployments, in population.csv's order.
  const frame = c.rows.filter((r) => succeeded(r.fact) !== undefined)
  const wanted = o.sample.kind === 'count' ? o.sample.n : sampleSize(o.sample.confidence, o.sample.rate)
  const seed = o.seed ?? populationFile.sha256
  const drawn = drawSample(seed, frame.length, wanted)
  const items = new Map<Row, SampleItem>()
  drawn.positions.forEach((p, k) => items.set(frame[p] as Row, { row: frame[p] as Row, draw: k + 1, added: [] }))
  for (const r of c.rows) {
    const codes = [...new Set(r.exceptions.map((x) => x.code))]
    const added = [...(codes.length ? [`exception: ${codes.join(', ')}`] : []), ...(r.evidence?.emergency ? ['emergency change'] : [])]
    if (added.length === 0) continue
    const item = items.get(r) ?? { row: r, added: [] }
    item.added.push(...added.filter((a) => !item.added.includes(a)))
    items.set(r, item)
  }
  const sample = c.rows.filter((r) => items.has(r)).map((r) => items.get(r) as SampleItem)

  // With --verify sample, the sample's bundles are verified at every level now; what fails is an exception too.
  const late: AuditException[] = []
  if (o.verify === 'sample' && store && o.store) {
    for (const repo of [...new Set(sample.map((s) => s.row.fact.repository))]) {
      const [owner, name] = repo.split('/') as [string, string]
      const needed = new Map<string, string | null>()
      for (const s of sample) {
        const x = s.row.decision
        if (s.row.fact.repository === repo && x?.source === 'ledger' && x.run && s.row.evidence?.status === 'store-checked') needed.set(bundlePrefix(o.store, { owner, repo: name, sha: s.row.fact.sha, runId: x.run.id, attempt: x.run.attempt }), x.manifestSha256)
      }
      if (needed.size === 0) continue
      const full = await inspectBundles(store, joinKey(o.store.prefix, owner, name), needed, 'full', (k) => storeUrlText({ bucket: o.store?.bucket as string, prefix: '' }, k) + '/', log)
      for (const s of sample) {
        const x = s.row.decision
        if (s.row.fact.repository !== repo || x?.source !== 'ledger' || !x.run) continue
        const got = full.get(bundlePrefix(o.store, { owner, repo: name, sha: s.row.fact.sha, runId: x.run.id, attempt: x.run.attempt }))
        if (!got || !s.row.evidence) continue
        s.verified = got.fact
        if (got.fact.status !== 'verified') {
          const e: AuditException = { code: 'evidence-not-intact', repository: repo, deploymentId: s.row.fact.id, sha: s.row.fact.sha, at: s.row.fact.createdAt, subject: got.fact.location, finding: `found by verifying the sampled bundle at every level: ${got.fact.detail}` }
          late.push(e)
          if (!s.added.some((a) => a.startsWith('exception'))) s.added.push('exception: evidence-not-intact (found in the sample)')
        }
      }
    }
  }

  const exceptions = [...c.rows.flatMap((r) => r.exceptions), ...c.other, ...late].sort(byCode)
  const exceptionsFile = await SealedFile.create(o.out, 'exceptions.csv')
  await exceptionsFile.csvRow(EXCEPTION_COLUMNS)
  for (const x of exceptions) await exceptionsFile.csvRow(exceptionValues(x))
  files.push(await exceptionsFile.close())

  const sampleFile = await SealedFile.create(o.out, 'sample.csv')
  await sampleFile.csvRow(SAMPLE_COLUMNS)
  for (const [i, s] of sample.entries()) await sampleFile.csvRow(sampleValues(s, i + 1))
  files.push(await sampleFile.close())

  const audit = auditJson(o, c, log, counts, now, { exceptions, sample, seed, populationSha256: populationFile.sha256, wanted, frame: frame.length, numbersTaken: drawn.numbersTaken })
  files.push(await writeStableJson(o.out, 'audit.json', audit))
  const html = await SealedFile.create(o.out, 'audit.html')
  await html.write(renderAuditHtml({ o, c, exceptions, sample, seed, seedIsDefault: o.seed === undefined, wanted, frame: frame.length, now, serverUrl }))
  files.push(await html.close())

  const manifest: AuditManifest = {
    auditVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: now.toISOString(),
    period: { from: o.from.toISOString(), to: o.to.toISOString() },
    repositories: c.repositories.map((r) => r.repository),
    environment: o.environment,
    files: files.sort((a, b) => AUDIT_FILES.indexOf(a.path as (typeof AUDIT_FILES)[number]) - AUDIT_FILES.indexOf(b.path as (typeof AUDIT_FILES)[number]))
  }
  const sealed = await writeStableJson(o.out, 'manifest.json', manifest)
  return { rows: c.rows.length, successful: frame.length, exceptions, sample, seed, manifestSha256: sealed.sha256, out: o.out }
}

function auditJson(o: AuditOptions, c: Collected, log: QueryLog, counts: { github: () => number; store: () => Record<string, number> }, now: Date, s: { exceptions: AuditException[]; sample: SampleItem[]; seed: string; populationSha256: string; wanted: number; frame: number; numbersTaken: number }): unknown {
  const byFinal: Record<string, number> = {}
  for (const r of c.rows) byFinal[r.fact.latest?.state ?? 'no status'] = (byFinal[r.fact.latest?.state ?? 'no status'] ?? 0) + 1
  const byCodeCount: Record<string, number> = {}
  for (const x of s.exceptions) byCodeCount[x.code] = (byCodeCount[x.code] ?? 0) + 1
  return {
    auditVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: now.toISOString(),
    command: {
      repositories: o.repos,
      environment: o.environment,
      from: o.from.toISOString(),
      to: o.to.toISOString(),
      store: o.store ? storeUrlText(o.store) : null,
      checkName: o.checkName,
      controls: o.controls,
      verify: o.verify,
      sample: o.sample.kind === 'count' ? { n: o.sample.n } : { confidence: o.sample.confidence, tolerableRate: o.sample.rate }
    },
    requests: { github: counts.github(), store: counts.store() },
    queries: log.queries,
    reconciliation: c.repositories.map((r) => {
      const rows = c.rows.filter((x) => x.fact.repository === r.repository)
      return {
        repository: r.repository,
        deployments: {
          listedForEnvironment: r.read.totalCount,
          received: r.read.received,
          readFrom: r.read.direction === 'ASC' ? 'the oldest' : 'the newest',
          createdAfterPeriod: r.read.newer,
          createdBeforePeriod: r.read.older,
          createdInPeriod: r.read.inPeriod,
          populationRows: rows.length,
          balanced: r.read.inPeriod === rows.length,
          note: 'the environment\'s deployments are read from the end of its history nearer the period (readFrom) and reading stops at the first one past the period, so listedForEnvironment also counts deployments on the far side that were not read; createdAfterPeriod and createdBeforePeriod count those read and left out'
        },
        decisions: {
          fromLedger: rows.filter((x) => x.decision?.source === 'ledger').length,
          fromCheckRuns: rows.filter((x) => x.decision?.source === 'check-run').length,
          none: rows.filter((x) => !x.decision).length
        },
        ...(r.ledger
          ? {
              ledger: {
                entries: r.ledger.entries,
                findings: r.ledger.findings,
                entriesWrittenInPeriod: r.ledger.inPeriod,
                entriesReliedOn: r.ledger.relied,
                deploymentsRelyingOnThem: r.ledger.deployments,
                note: 'entries written in the period include pull-request runs, re-runs and blocks that no deployment relied on; each deployment relies on at most one, and a redeployment relies on the same one again'
              }
            }
          : {}),
        bundlesInspected: r.bundles,
        gateConfiguration: { defaultBranch: r.defaultBranch, followed: r.protectedGlobs, changes: r.configChanges }
      }
    }),
    population: { rows: c.rows.length, successful: s.frame, byFinalStatus: byFinal, sha256: s.populationSha256 },
    exceptions: { total: s.exceptions.length, byCode: byCodeCount },
    sample: {
      rule: o.sample.kind === 'count' ? `--sample ${o.sample.n}` : `n = ceil(ln(1 - ${o.sample.confidence}) / ln(1 - ${o.sample.rate})) = ${s.wanted}`,
      wanted: s.wanted,
      frame: s.frame,
      drawn: s.sample.filter((x) => x.draw !== undefined).length,
      addedOnTop: s.sample.filter((x) => x.draw === undefined).length,
      seed: s.seed,
      seedSource: o.seed === undefined ? 'the sha256 of population.csv' : '--seed',
      numbersTaken: s.numbersTaken,
      algorithm: 'SHA-256 counter mode over "SEED:i"; 32-bit big-endian words; rejection sampling; partial Fisher-Yates over the successful deployments in population.csv order (docs/audit.md)',
      items: s.sample.map((x) => ({ repository: x.row.fact.repository, deploymentId: x.row.fact.id, draw: x.draw ?? null, why: [x.draw !== undefined ? 'drawn' : '', ...x.added].filter(Boolean) }))
    }
  }
}

// The audit benchmark's world (scripts/bench-audit.mjs bundles and runs it in a process of its
// own, so the tool's CPU and memory are measured alone): a year of 50 deployments a day to
// production, each with its statuses, the gate's check run (external_id = its manifest sha256),
// its ledger entry and its stored bundle, served by the fake GitHub (REST + GraphQL) and the local
// S3 of __tests__/helpers. Generated at start, never committed. Prints one JSON line with the URLs.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ghDeployment, ghDeploymentStatus, startFakeGitHub, type Scenario } from '../__tests__/helpers/fake-github.js'
import type { SeedCheckRun } from '../__tests__/helpers/fake-audit-github.js'
import { startFakeS3 } from '../__tests__/helpers/fake-s3.js'
import { stableJson } from '../src/evidence/stable-json.js'
import { nameUuid } from '../src/evidence/uuid.js'
import { verifyBundle } from '../src/evidence/verify.js'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const N = Number(process.env.BENCH_AUDIT_DEPLOYMENTS ?? 18_250)
const PER_DAY = 50
// After the example change record's approval (2026-11-21): a deployment before it would rightly be approved-after-deploy.
const START = Date.parse('2027-01-01T00:00:00Z')
const STEP = 86_400_000 / PER_DAY
const TEMPLATE_RUN = '900000001'
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const shaOf = (i: number): string => sha256(`bench-deployment-${i}`).slice(0, 40)
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

/** One real bundle, made by the CLI on the example, whose commit and run are then replaced per deployment. */
function templateBundle(): { files: Map<string, string>; sha: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sox-bench-template-'))
  const change = JSON.parse(readFileSync(path.join(ROOT, 'examples/change.json'), 'utf8')) as { sha: string; repository: string }
  change.repository = 'acme/ledger'
  const changeFile = path.join(dir, 'change.json')
  writeFileSync(changeFile, JSON.stringify(change))
  const out = path.join(dir, 'bundle')
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', '--controls', 'examples/sox-controls.yml', '--change', changeFile, '--evidence', out, '--now', '2025-06-01T00:00:00Z'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GITHUB_REPOSITORY: 'acme/ledger', GITHUB_RUN_ID: TEMPLATE_RUN, GITHUB_RUN_ATTEMPT: '1', GITHUB_SHA: change.sha, GITHUB_EVENT_NAME: 'pull_request', GITHUB_SERVER_URL: 'https://github.com' }
  })
  if (r.status !== 0) throw new Error(`template bundle: exit ${r.status}: ${r.stderr}${r.stdout}`)
  const files = new Map<string, string>()
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(out, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(p)
      else files.set(p, readFileSync(path.join(out, p), 'utf8'))
    }
  }
  walk('')
  rmSync(dir, { recursive: true, force: true })
  return { files, sha: change.sha }
}

/** The template with commit `sha` and run `runId`: every file, and the manifest's hashes recomputed. */
function bundleFor(t: { files: Map<string, string>; sha: string }, sha: string, runId: string): Map<string, Buffer> {
  const swap = (text: string): string => text.replaceAll(t.sha, sha).replaceAll(t.sha.slice(0, 7), sha.slice(0, 7)).replaceAll(TEMPLATE_RUN, runId)
  // OSCAL's UUIDs are named by the map's sha256, the evaluation time and the run (render-files.ts): renamed for the new run.
  const m = JSON.parse(t.files.get('manifest.json') as string) as { controlMap: { sha256: string }; evaluatedAt: string; controls: { id: string }[] }
  const names = [':assessment-results', ':result', ...m.controls.flatMap((c) => [`:observation:${c.id}`, `:finding:${c.id}`])]
  const seed = (run: string): string => `${m.controlMap.sha256}:${m.evaluatedAt}:${run}`
  const renamed = (text: string): string => names.reduce((x, n) => x.replaceAll(nameUuid(seed(TEMPLATE_RUN) + n), nameUuid(seed(runId) + n)), text)
  const out = new Map<string, Buffer>()
  for (const [rel, text] of t.files) if (rel !== 'manifest.json') out.set(rel, Buffer.from(rel.startsWith('oscal/') ? renamed(swap(text)) : swap(text)))
  const manifest = JSON.parse(swap(t.files.get('manifest.json') as string)) as { files: { path: string; sha256: string; size: number }[] }
  manifest.files = manifest.files.map((f) => {
    const b = out.get(f.path) as Buffer
    return { path: f.path, sha256: sha256(b), size: b.length }
  })
  out.set('manifest.json', Buffer.from(stableJson(manifest)))
  return out
}

async function main(): Promise<void> {
  const t = templateBundle()
  const s3 = await startFakeS3({ buckets: { evidence: 'enabled' } })
  const lockUntil = new Date(Date.now() + 2557 * 86_400_000)
  const deployments: NonNullable<Scenario['deployments']> = []
  const checkRuns: SeedCheckRun[] = []
  let previous: string | null = null
  for (let i = 0; i < N; i++) {
    const sha = shaOf(i)
    const runId = String(Number(TEMPLATE_RUN) + 1 + i)
    const created = START + i * STEP
    const bundle = bundleFor(t, sha, runId)
    const manifestSha256 = sha256(bundle.get('manifest.json') as Buffer)
    for (const [rel, body] of bundle) s3.seed('evidence', `sox/acme/ledger/${sha}/${runId}-1/${rel}`, body, { lockUntil, lastModified: new Date(created - 240_000) })
    const entry = Buffer.from(stableJson({ sequence: i + 1, previous, manifestSha256, decision: 'allow', sha, environment: 'production', run: { id: runId, attempt: '1' } }))
    s3.seed('evidence', `sox/acme/ledger/ledger/${String(i + 1).padStart(12, '0')}.json`, entry, { lockUntil, lastModified: new Date(created - 240_000) })
    previous = sha256(entry)
    checkRuns.push({ sha, name: 'SOX compliance gate', conclusion: 'success', completedAt: iso(created - 300_000), externalId: manifestSha256, detailsUrl: `https://github.com/acme/ledger/actions/runs/${runId}`, id: 7_000_000 + i })
    const d = ghDeployment(sha, 'production', 'github-actions[bot]', iso(created))
    const status = (state: 'in_progress' | 'success' | 'inactive', at: number): ReturnType<typeof ghDeploymentStatus> => ({ ...ghDeploymentStatus(d, state), created_at: iso(at), updated_at: iso(at) })
    const statuses = [status('in_progress', created + 10_000), status('success', created + 60_000)]
    // GitHub marks the previous successful deployment inactive when the next one succeeds.
    if (i < N - 1) statuses.push(status('inactive', created + STEP + 60_000))
    deployments.push({ deployment: d, statuses: statuses.reverse() })
  }
  // Sanity: a generated bundle verifies at every level, so the audit's verdicts are about the audit.
  const probe = mkdtempSync(path.join(tmpdir(), 'sox-bench-probe-'))
  for (const [rel, body] of bundleFor(t, shaOf(0), String(Number(TEMPLATE_RUN) + 1))) {
    mkdirSync(path.dirname(path.join(probe, rel)), { recursive: true })
    writeFileSync(path.join(probe, rel), body)
  }
  const v = await verifyBundle(probe)
  rmSync(probe, { recursive: true, force: true })
  if (v.findings.length) throw new Error(`a generated bundle does not verify: ${v.findings.join('; ')}`)
  const map = t.files.get('inputs/control-map.yml') as string
  const github = await startFakeGitHub({ deployments, contents: { 'acme/ledger@main': { '.github/sox-controls.yml': map } }, audit: { checkRuns, defaultBranch: { name: 'main', commits: [{ sha: 'ba5e'.repeat(10), committedDate: '2024-06-01T00:00:00Z', message: 'initial', files: ['.github/sox-controls.yml'], parents: [] }] } } })
  process.stdout.write(JSON.stringify({ github: github.url, s3: s3.url, deployments: N, objects: s3.objects('evidence').size }) + '\n')
}

await main()

// The audit benchmark (issue 23), called by `npm run bench` (or run alone: node scripts/bench-audit.mjs):
// a year of 50 deployments a day (18,250 deployments, their statuses, check runs, ledger entries and
// stored bundles) served by the fake GitHub and the local S3 in a process of their own
// (scripts/bench-audit-world.ts, bundled here with esbuild); `sox-gate audit` runs against them as a
// user runs it, and its wall time, CPU time, peak RSS and request counts are printed beside the targets.
//   BENCH_AUDIT_DEPLOYMENTS=18250   size of the year (the world)
//   BENCH_AUDIT_FULL_DAYS=31        days audited with --verify all (every bundle at every level): the rate per bundle
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const DATA = path.join(ROOT, 'bench-data')
const node = process.env.BENCH_NODE ?? process.execPath
const CLI = process.env.BENCH_CLI ?? path.join(ROOT, 'dist/cli.js')
const FULL_DAYS = Number(process.env.BENCH_AUDIT_FULL_DAYS ?? 31)
mkdirSync(DATA, { recursive: true })

// Bundled outside the repository (it is generated code, not ours to lint).
const worldJs = path.join(tmpdir(), `sox-gate-bench-audit-world-${process.pid}.mjs`)
await build({
  entryPoints: [path.join(ROOT, 'scripts/bench-audit-world.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: worldJs,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
  define: { 'import.meta.url': JSON.stringify(`file://${path.join(ROOT, 'scripts/bench-audit-world.ts')}`) }
})

process.stdout.write('\naudit (issue 23): generating a year of deployments, check runs, ledger entries and bundles…\n')
const started = Date.now()
const world = spawn(node, ['--max-old-space-size=8192', worldJs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } })
const urls = await new Promise((resolve, reject) => {
  let out = ''
  world.stdout.on('data', (d) => {
    out += d.toString('utf8')
    const line = out.split('\n').find((l) => l.startsWith('{'))
    if (line) resolve(JSON.parse(line))
  })
  world.on('exit', (code) => reject(new Error(`the benchmark world exited (${code}) before it served`)))
})
process.stdout.write(`  served: ${urls.deployments.toLocaleString('en-US')} deployments, ${urls.objects.toLocaleString('en-US')} objects in the store (${((Date.now() - started) / 1000).toFixed(0)} s to generate)\n`)

const env = { PATH: process.env.PATH, GITHUB_TOKEN: 'ghp_bench', GITHUB_API_URL: urls.github, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: urls.s3, AWS_EC2_METADATA_DISABLED: 'true' }

/** One audit as a user runs it: wall, CPU and peak RSS of its own process, and what audit.json recorded. */
function audit(label, args) {
  const out = path.join(DATA, `audit-${label}`)
  rmSync(out, { recursive: true, force: true })
  const t0 = process.hrtime.bigint()
  const r = spawn(node, ['--import', path.join(ROOT, 'scripts/bench-rss.mjs'), CLI, 'audit', '--repo', 'acme/ledger', '--environment', 'production', '--store', 's3://evidence/sox', '--out', out, '--now', '2028-01-02T00:00:00Z', ...args], { cwd: ROOT, env })
  return new Promise((resolve) => {
    let stderr = ''
    let stdout = ''
    r.stdout.on('data', (d) => (stdout += d))
    r.stderr.on('data', (d) => (stderr += d))
    r.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9
      const rss = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024
      const cpu = Number(/BENCH_CPU_US=(\d+)/.exec(stderr)?.[1] ?? 0) / 1e6
      if (code !== 0 && code !== 1) {
        process.stdout.write(`  ${label}: exit ${code}\n${stdout}${stderr}\n`)
        resolve(undefined)
        return
      }
      const a = JSON.parse(readFileSync(path.join(out, 'audit.json'), 'utf8'))
      const graphql = a.queries.filter((q) => q.endpoint.startsWith('POST /graphql')).reduce((n, q) => n + q.pages, 0)
      resolve({ seconds, cpu, rss, code, a, graphql })
    })
  })
}

const show = (label, m, target) => {
  const store = Object.entries(m.a.requests.store).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')
  process.stdout.write(`  ${label.padEnd(44)} ${String(m.a.population.rows).padStart(6)} rows  wall ${m.seconds.toFixed(1).padStart(6)} s  CPU ${m.cpu.toFixed(1).padStart(6)} s  peak RSS ${m.rss.toFixed(0).padStart(4)} MB  GitHub requests ${m.a.requests.github} (${m.graphql} GraphQL pages)  store: ${store}  exceptions ${m.a.exceptions.total}${target ? `  ${target(m)}` : ''}\n`)
}

try {
  const year = await audit('year', ['--from', '2027-01-01', '--to', '2028-01-01', '--verify', 'sample'])
  if (year) {
    show('a year, --verify sample (store checks for all)', year, (m) => `target: CPU ≤ 60 s ${m.cpu <= 60 ? 'met' : 'NOT met'}, RSS ≤ 256 MB ${m.rss <= 256 ? 'met' : 'NOT met'}; wall includes GitHub's 1 s pacing of GraphQL requests (Octokit's throttling)`)
  }
  const to = new Date(Date.parse('2027-01-01T00:00:00Z') + FULL_DAYS * 86_400_000).toISOString().slice(0, 10)
  const full = FULL_DAYS > 0 ? await audit('full', ['--from', '2027-01-01', '--to', to, '--verify', 'all']) : undefined
  if (full) {
    show(`${FULL_DAYS} days, --verify all (every level)`, full)
    const rows = full.a.population.rows
    process.stdout.write(`    every level of verify on every bundle: ${((full.cpu / rows) * 1000).toFixed(1)} ms CPU a bundle, so a year's ${urls.deployments.toLocaleString('en-US')} would take about ${((full.cpu / rows) * urls.deployments / 60).toFixed(0)} CPU minutes\n`)
  }
} finally {
  world.kill()
  rmSync(worldJs, { force: true })
}

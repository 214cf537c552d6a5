import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ghDeployment, ghDeploymentStatus, startFakeGitHub, type FakeGitHub, type Scenario } from './helpers/fake-github.js'
import type { SeedCheckRun } from './helpers/fake-audit-github.js'
import { shaOf } from './helpers/audit-world.js'
import { cli } from './helpers/store-run.js'
import { ROOT } from './helpers/corpus.js'

// Audits without a store: decisions come from the gate's check runs, as the fake GitHub serves
// them through GraphQL (seeded here, as the action would have posted them).

const DAY = '2026-03-10'
const at = (hhmm: string): string => `${DAY}T${hhmm}:00Z`

function deployment(sha: string, created: string, states: [string, string][], creator = 'github-actions[bot]'): NonNullable<Scenario['deployments']>[number] {
  const d = ghDeployment(sha, 'production', creator, created)
  return { deployment: d, statuses: states.map(([state, when]) => ({ ...ghDeploymentStatus(d, state as 'success'), created_at: when, updated_at: when })).reverse() }
}
const run = (sha: string, conclusion: SeedCheckRun['conclusion'], completedAt: string, externalId: string | undefined = 'ab'.repeat(32)): SeedCheckRun => ({ sha, name: 'SOX compliance gate', conclusion, completedAt, ...(externalId ? { externalId } : {}), detailsUrl: 'https://github.com/acme/ledger/actions/runs/77' })

async function audit(server: FakeGitHub, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; out: string }> {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'sox-audit-')), 'out')
  const r = await cli(['audit', '--repo', 'acme/ledger', '--environment', 'production', '--from', '2026-03-01', '--to', '2026-04-01', '--out', out, '--now', '2026-04-02T00:00:00Z', ...extra], { GITHUB_TOKEN: 'ghp_auditor', GITHUB_API_URL: server.url, SOX_GATE_HTTP_RETRY_BASE_MS: '1', ...env })
  return { ...r, out }
}
const codes = (out: string): string[] =>
  readFileSync(path.join(out, 'exceptions.csv'), 'utf8')
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',').slice(0, 3).join(','))

describe('without --store, the check runs decide', () => {
  const A = shaOf(1)
  const B = shaOf(2)
  const C = shaOf(3)
  const D = shaOf(4)
  const E = shaOf(5)
  let server: FakeGitHub
  let ids: number[]
  beforeAll(async () => {
    const deployments = [
      // Allowed at 09:00, deployed at 10:00; a later block (10:30) does not undo the allow it relied on.
      deployment(A, at('10:00'), [['in_progress', at('10:00')], ['success', at('10:05')]]),
      // Allowed only after it reached production.
      deployment(B, at('11:00'), [['success', at('11:05')]]),
      // Never judged by the gate.
      deployment(C, at('12:00'), [['success', at('12:05')]]),
      // Allowed, but the check run names no bundle.
      deployment(D, at('13:00'), [['success', at('13:05')]]),
      // Created before the period: not in it.
      deployment(E, '2026-02-27T23:59:59Z', [['success', '2026-02-28T00:00:10Z']]),
      // Created in the period but never reached production: no exception.
      deployment(C, at('14:00'), [['failure', at('14:05')]])
    ]
    ids = deployments.map((d) => Number(d.deployment.id))
    server = await startFakeGitHub({
      deployments,
      audit: { checkRuns: [run(A, 'success', at('09:00')), run(A, 'failure', at('10:30')), run(B, 'success', at('11:30')), run(D, 'success', at('12:30'), ''), run(E, 'success', '2026-02-27T23:00:00Z')] }
    })
  })
  afterAll(() => server.close())

  test('each deployment gets the latest decision before it reached production, and its exceptions', async () => {
    const r = await audit(server)
    expect(r.code).toBe(1)
    expect(codes(r.out)).toEqual([`deployed-without-allow,acme/ledger,${ids[2]}`, `approved-after-deploy,acme/ledger,${ids[1]}`, `evidence-missing,acme/ledger,${ids[3]}`])
    const population = readFileSync(path.join(r.out, 'population.csv'), 'utf8')
    expect(population.split('\r\n').filter(Boolean)).toHaveLength(1 + 5)
    expect(population).not.toContain(E)
    const a = JSON.parse(readFileSync(path.join(r.out, 'audit.json'), 'utf8'))
    expect(a.reconciliation[0].deployments).toMatchObject({ listedForEnvironment: 6, received: 6, createdInPeriod: 5, populationRows: 5 })
    expect(a.reconciliation[0].decisions).toEqual({ fromLedger: 0, fromCheckRuns: 2, none: 3 })
  })

  test('a progress line on stderr when it is a terminal, none when piped; stdout keeps the result', async () => {
    const piped = await audit(server, [], { SOX_GATE_PROGRESS_MS: '20' })
    expect(piped.stderr).not.toContain('deployments read')
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'sox-audit-')), 'out')
    const command = `'${process.execPath}' '${path.join(ROOT, 'dist/cli.js')}' audit --repo acme/ledger --environment production --from 2026-03-01 --to 2026-04-01 --out '${out}' > '${out}.txt'`
    // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr stays on the terminal.
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, GITHUB_TOKEN: 'ghp_auditor', GITHUB_API_URL: server.url, SOX_GATE_PROGRESS_MS: '20' } })
    let terminal = ''
    child.stdout.on('data', (d: Buffer) => (terminal += d.toString('utf8')))
    await new Promise((resolve) => child.on('close', resolve))
    const lines = terminal.split(/\r?\n/).filter((l) => l.startsWith('audit:'))
    expect(lines.length).toBeGreaterThan(1)
    expect(lines[0]).toMatch(/^audit: \d+ deployments read, \d+ of \d+ bundles checked — .+ \(\d+ s\)$/)
    expect(lines.at(-1)).toMatch(/^audit: done in \d+\.\d s$/)
    expect(readFileSync(`${out}.txt`, 'utf8')).not.toContain('deployments read')
  })

  test('every check run is asked for (checkType ALL): GitHub\'s default would show only the latest, a block after the deployment', async () => {
    const r = await audit(server)
    const graphql = server.requests.filter((q) => q.path === '/graphql').map((q) => (q.body as { query: string }).query)
    expect(graphql.some((q) => q.includes('checkType: ALL'))).toBe(true)
    const row = readFileSync(path.join(r.out, 'population.csv'), 'utf8').split('\r\n').find((l) => l.includes(`,${ids[0]},`)) as string
    expect(row).toContain(',allow,2026-03-10T09:00:00.000Z,check-run,')
    expect(row).toContain('failure 2026-03-10T10:30:00.000Z')
  })

  test('a different population gives a different default seed; --seed fixes it', async () => {
    const before = await audit(server)
    const seedBefore = JSON.parse(readFileSync(path.join(before.out, 'audit.json'), 'utf8')).sample.seed as string
    const extra = await startFakeGitHub({ deployments: [deployment(A, at('15:00'), [['success', at('15:01')]])], audit: { checkRuns: [run(A, 'success', at('09:00'))] } })
    try {
      const other = await audit(extra)
      const seedOther = JSON.parse(readFileSync(path.join(other.out, 'audit.json'), 'utf8')).sample.seed as string
      expect(seedOther).toMatch(/^[0-9a-f]{64}$/)
      expect(seedOther).not.toBe(seedBefore)
      const fixed = await audit(extra, ['--seed', 'auditor-2026'])
      expect(JSON.parse(readFileSync(path.join(fixed.out, 'audit.json'), 'utf8')).sample).toMatchObject({ seed: 'auditor-2026', seedSource: '--seed' })
    } finally {
      await extra.close()
    }
  })
})

describe('what does not fit one query is paged, never cut short', () => {
  test('250 deployments, one with 23 statuses and one commit with 14 check runs', async () => {
    const sha = shaOf(9)
    const many = Array.from({ length: 250 }, (_, i) => deployment(shaOf(100 + i), `2026-03-0${1 + (i % 9)}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`, [['success', `2026-03-0${1 + (i % 9)}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:30Z`]]))
    const busy = deployment(sha, at('10:00'), Array.from({ length: 23 }, (_, i) => [i === 22 ? 'success' : 'in_progress', `${DAY}T10:${String(i + 1).padStart(2, '0')}:00Z`] as [string, string]))
    const runs = [...Array.from({ length: 13 }, (_, i) => run(sha, 'failure', `${DAY}T0${Math.floor(i / 6)}:${String(i * 4).padStart(2, '0')}:00Z`)), run(sha, 'success', at('09:59'))]
    const server = await startFakeGitHub({ deployments: [...many, busy], audit: { checkRuns: [...runs, ...many.map((d) => run(d.deployment.sha, 'success', '2026-02-01T00:00:00Z'))] } })
    try {
      const r = await audit(server)
      expect(r.stderr).not.toContain('sox-gate')
      const rows = readFileSync(path.join(r.out, 'population.csv'), 'utf8').split('\r\n').filter(Boolean)
      expect(rows).toHaveLength(252)
      const busyRow = rows.find((l) => l.includes(sha)) as string
      expect(busyRow).toContain(',allow,')
      const a = JSON.parse(readFileSync(path.join(r.out, 'audit.json'), 'utf8'))
      expect(a.queries.find((q: { endpoint: string }) => q.endpoint.includes('(with statuses')).pages).toBe(3)
      expect(a.queries.find((q: { endpoint: string }) => q.endpoint.includes('node(Deployment).statuses')).pages).toBe(1)
      expect(a.queries.find((q: { endpoint: string }) => q.endpoint.includes('node(CheckSuite).checkRuns')).pages).toBe(1)
      expect(r.code).toBe(0)
    } finally {
      await server.close()
    }
  })
})

test('an old period is read from the oldest end, a recent one from the newest: only as far as the period', async () => {
  const when = ['2025-11-15', '2026-01-15', '2026-02-10', '2026-02-20', '2026-03-05', '2026-03-06', '2026-03-07', '2026-09-08'].map((d) => `${d}T12:00:00Z`)
  const server = await startFakeGitHub({ deployments: when.map((t, i) => deployment(shaOf(200 + i), t, [['success', t]])), audit: { checkRuns: when.map((t, i) => run(shaOf(200 + i), 'success', '2025-01-01T00:00:00Z')) } })
  try {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'sox-audit-')), 'out')
    const r = await cli(['audit', '--repo', 'acme/ledger', '--environment', 'production', '--from', '2026-02-01', '--to', '2026-03-01', '--out', out], { GITHUB_TOKEN: 'x', GITHUB_API_URL: server.url })
    expect(r.code).toBe(0)
    const a = JSON.parse(readFileSync(path.join(out, 'audit.json'), 'utf8'))
    expect(a.queries.find((q: { endpoint: string }) => q.endpoint.includes('(with statuses')).parameters.orderBy).toBe('CREATED_AT ASC')
    // The history runs to September: the February period is nearer its oldest end. Two before the
  // period, the two in it, and the first one after it: then reading stops.
    expect(a.reconciliation[0].deployments).toMatchObject({ listedForEnvironment: 8, received: 5, readFrom: 'the oldest', createdBeforePeriod: 2, createdAfterPeriod: 1, createdInPeriod: 2, populationRows: 2 })
  } finally {
    await server.close()
  }
})

describe('failures are one clear line and exit 2, and nothing is written', () => {
  const dep = (): Scenario => ({ deployments: [deployment(shaOf(1), at('10:00'), [['success', at('10:01')]])] })
  test('GitHub answering 502 to every GraphQL request (after the retries)', async () => {
    const server = await startFakeGitHub({ ...dep(), faults: [{ method: 'POST', path: /^\/graphql$/, status: 502, message: 'Bad Gateway', times: 100 }] })
    try {
      const r = await audit(server)
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('audit:') || l.startsWith('sox-gate'))).toEqual([expect.stringMatching(/^audit: GitHub GraphQL \(repository acme\/ledger\): POST \/graphql: 502 Bad Gateway — nothing was written$/)])
      expect(existsSync(path.join(r.out, 'population.csv'))).toBe(false)
    } finally {
      await server.close()
    }
  })

  test('an evidence store that cannot be reached', async () => {
    const server = await startFakeGitHub(dep())
    try {
      const r = await audit(server, ['--store', 's3://evidence/sox'], { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1' })
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^audit: the evidence store cannot be read: ListObjectVersions s3:\/\/evidence\/sox\/acme\/ledger\/ledger\/: .* — nothing was written$/m)
      expect(existsSync(path.join(r.out, 'population.csv'))).toBe(false)
    } finally {
      await server.close()
    }
  })

  test('no token', async () => {
    const server = await startFakeGitHub(dep())
    try {
      const r = await audit(server, [], { GITHUB_TOKEN: '' })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('audit: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)')
    } finally {
      await server.close()
    }
  })

  test('a bad command line: every problem at once, with the usage', async () => {
    const r = await cli(['audit', '--environment', 'production', '--from', '2026-02-30', '--to', '2026-03-01', '--sample', '10', '--confidence', '0.9', '--verify', 'some', '--bogus'], { GITHUB_TOKEN: 'x' })
    expect(r.code).toBe(2)
    for (const line of ['sox-gate: unknown option --bogus', 'sox-gate: --repo OWNER/REPO is required', 'sox-gate: --from must be a date (YYYY-MM-DD, midnight UTC)', 'sox-gate: give --sample N or --confidence and --tolerable-rate, not both', 'sox-gate: --verify must be one of all, sample, not "some"', '(see sox-gate help audit)']) expect(r.stderr).toContain(line)
  })
})

test('the fake refuses what GitHub refuses: a connection without first or last, or more than 100', async () => {
  const server = await startFakeGitHub({})
  try {
    const ask = async (q: string): Promise<{ errors?: { message: string }[] }> => (await fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: 'bearer x' }, body: JSON.stringify({ query: q }) })).json() as Promise<{ errors?: { message: string }[] }>
    expect((await ask('{ repository(owner: "acme", name: "ledger") { deployments { totalCount } } }')).errors?.[0]?.message).toBe('You must provide a `first` or `last` value to properly paginate the `deployments` connection.')
    expect((await ask('{ repository(owner: "acme", name: "ledger") { deployments(first: 101) { totalCount } } }')).errors?.[0]?.message).toBe('Requesting 101 records on the `deployments` connection exceeds the `first` limit of 100 records.')
    expect((await ask('{ repository(owner: "acme", name: "ledger") { deployments(first: 1) { nodes { sha } } } }')).errors?.[0]?.message).toBe('Cannot query field "sha" on type "Deployment".')
  } finally {
    await server.close()
  }
})

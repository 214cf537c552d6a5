import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runActionInPullRequest } from './helpers/gate-run.js'
import { startFakeResults, unzip, type FakeResults } from './helpers/fake-results.js'
import { workspace } from './helpers/run.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
`
const PASSING = '<testsuite name="posting"><testcase name="balances [CM-01]"/></testsuite>'
const FAILING = '<testsuite name="posting"><testcase name="balances [CM-01]"><failure/></testcase></testsuite>'

let results: FakeResults | undefined
afterEach(async () => {
  await results?.close()
  results = undefined
})

function runnerEnv(fake: FakeResults): NodeJS.ProcessEnv {
  return { ACTIONS_RUNTIME_TOKEN: fake.token, ACTIONS_RESULTS_URL: `${fake.url}/`, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '777', GITHUB_RUN_ATTEMPT: '2' }
}

function bundleFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? bundleFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
}

describe('evidence upload to the Actions results service', () => {
  test('the bytes received are the bundle, the finalize hash matches, artifact-id is the service\'s', async () => {
    results = await startFakeResults()
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'retention-days': '30' }, runnerEnv(results))
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ decision: 'allow', 'artifact-id': '424242' })
    const twirp = results.calls.filter((c) => c.path.startsWith('/twirp/'))
    expect(twirp.map((c) => c.path.split('/').pop())).toEqual(['CreateArtifact', 'FinalizeArtifact'])
    // Twirp JSON with protobuf field names; the backend ids come from the token's scp claim.
    expect(twirp[0]?.body).toMatchObject({ workflow_run_backend_id: 'run-backend-7', workflow_job_run_backend_id: 'job-backend-9', name: 'sox-evidence-777-2', version: 7, mime_type: 'application/zip' })
    const days = (Date.parse(String(twirp[0]?.body?.expires_at)) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThan(30.1)
    const received = results.blob()
    expect(twirp[1]?.body).toMatchObject({ name: 'sox-evidence-777-2', size: String(received.length), hash: `sha256:${createHash('sha256').update(received).digest('hex')}` })
    const zipped = unzip(received)
    const evidence = path.join(dir, 'sox-evidence')
    expect([...zipped.keys()].sort()).toEqual(bundleFiles(evidence).sort())
    for (const [name, bytes] of zipped) expect(bytes.equals(readFileSync(path.join(evidence, name)))).toBe(true)
    expect(r.summary).toContain('Evidence: artifact [`sox-evidence-777-2`]')
    expect(r.outputs['evidence-sha256']).toBe(createHash('sha256').update(readFileSync(path.join(evidence, 'manifest.json'))).digest('hex'))
  })

  test('upload refused, evidence required: the step fails naming the cause, decision block, no artifact-id', async () => {
    results = await startFakeResults({ failCreate: true })
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'artifact-name': 'ledger-evidence' }, runnerEnv(results))
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
    expect(r.outputs['artifact-id']).toBeUndefined()
    expect(r.stdout).toMatch(/::error::SOX compliance gate: could not upload the evidence bundle as artifact "ledger-evidence": .*403.* — no evidence, no deployment \(evidence-required: true\)/)
  })

  test('upload refused, evidence-required false: a warning, the decision stands, no artifact-id', async () => {
    results = await startFakeResults({ failCreate: true })
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING })
    const r = await runActionInPullRequest(dir, { 'evidence-required': 'false' }, runnerEnv(results))
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    expect(r.outputs['artifact-id']).toBeUndefined()
    expect(r.stdout).toMatch(/::warning::SOX compliance gate: could not upload the evidence bundle .*\(evidence-required: false, so the step goes on\)/)
  })

  test('a blocked change with an evidence failure stays blocked even when evidence is optional', async () => {
    results = await startFakeResults({ failCreate: true })
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': FAILING })
    const r = await runActionInPullRequest(dir, { 'evidence-required': 'false' }, runnerEnv(results))
    expect(r.code).toBe(1)
    expect(r.outputs.decision).toBe('block')
  })

  test('a bundle that cannot be written (evidence-dir holds a file of the user where the bundle writes one) fails the step as a configuration error', async () => {
    const dir = workspace({ '.github/sox-controls.yml': MAP, 'reports/r.xml': PASSING, 'out/keep.txt': 'mine', 'out/report.html': 'mine' })
    const r = await runActionInPullRequest(dir, { 'evidence-dir': 'out', 'upload-evidence': 'false' })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(r.outputs['evidence-sha256']).toBeUndefined()
    expect(r.stdout).toContain('could not write the evidence bundle to out: report.html already exists and is not a file of an earlier sox-gate bundle: not overwritten')
    expect(readFileSync(path.join(dir, 'out/keep.txt'), 'utf8')).toBe('mine')
    expect(readFileSync(path.join(dir, 'out/report.html'), 'utf8')).toBe('mine')
  })
})

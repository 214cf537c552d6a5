import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import { BASE_SHA, ghArtifact, ghCommit, ghPull, ghReview, WEB_FLOW, type FakeGitHub, type Scenario } from './helpers/fake-github.js'
import { startFakeResults, type FakeResults, type StoredArtifact } from './helpers/fake-results.js'
import { ROOT } from './helpers/corpus.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { runCli } from './helpers/run.js'
import { makeZip } from './helpers/zip.js'

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-03, title: Period close locks, tests: [{ suite: "close.*" }] }
`
const leg = (os: string, failing = false): string => `<testsuites>
  <testsuite name="posting"><testcase classname="ledger.Posting" name="balances [CM-01]">${failing ? `<failure message="expected 0 but was 1 on ${os}"/>` : ''}</testcase></testsuite>
  <testsuite name="close.PeriodTest"><testcase name="locks"/></testsuite>
</testsuites>`

const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const PAYLOAD = { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: BASE_SHA } } }
const alice = { name: 'Alice', email: 'alice@acme.example', login: 'alice' }

/** Pull request #42 by alice, approved on its head by carol: only the reports decide. */
function approved(extra: Scenario = {}): Scenario {
  return { pulls: { 42: { pr: ghPull(42, 'alice', HEAD, 1), reviews: [ghReview('carol', 'APPROVED', HEAD, '2026-11-20T10:00:00Z')], commits: [ghCommit(HEAD, alice, WEB_FLOW, 'Post entries atomically')] } }, ...extra }
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let results: FakeResults | undefined
let run: GateRun | undefined
afterEach(async () => {
  await results?.close()
  await run?.server.close()
  results = undefined
  run = undefined
})

function runnerEnv(fake: FakeResults): Record<string, string> {
  return { ACTIONS_RUNTIME_TOKEN: fake.token, ACTIONS_RESULTS_URL: `${fake.url}/` }
}

/** Three legs of a matrix, each uploading its JUnit report as `junit-OS` (ids 101..103). */
async function matrix(failingLeg?: string): Promise<StoredArtifact[]> {
  const oses = ['linux', 'macos', 'windows']
  return Promise.all(oses.map(async (os, i) => ({ id: 101 + i, name: `junit-${os}`, zip: await makeZip({ 'TEST-ledger.xml': leg(os, os === failingLeg) }) })))
}

async function gate(artifacts: StoredArtifact[], inputs: Record<string, string>, options: { scenario?: Scenario; workspaceFiles?: Record<string, string> } = {}): Promise<GateRun> {
  results = await startFakeResults({ artifacts })
  run = await runGateScenario(options.scenario ?? approved(), { map: MAP, report: leg('local'), payload: PAYLOAD, sha: MERGE, inputs, env: runnerEnv(results), workspaceFiles: options.workspaceFiles })
  return run
}

/** `sox-gate check` offline on what the action kept and the unpacked artifacts: the same rules, the same decision. */
function offlineDecision(dir: string): string {
  const bundle = path.join(dir, 'sox-evidence')
  const { evaluatedAt } = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as { evaluatedAt: string }
  const args = ['check', '--format', 'json', '--change', 'sox-evidence/change.json', '--controls', 'sox-evidence/inputs/control-map.yml', '--reports', '.sox-gate/artifacts/**', '--now', evaluatedAt]
  if (existsSync(path.join(bundle, 'inputs/trusted-control-map.yml'))) args.push('--base-controls', 'sox-evidence/inputs/trusted-control-map.yml')
  const r = runCli(args, dir)
  return r.stdout ? (JSON.parse(r.stdout) as { decision: string }).decision : `exit ${r.code}: ${r.stderr}`
}

const errorLines = (stdout: string): string[] => stdout.split('\n').filter((l) => l.startsWith('::error'))
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'sox-evidence/manifest.json'), 'utf8')) as { reportArtifacts?: { runId: number; otherRun: boolean; min: number; artifacts: { id: number; name: string; size: number; digest: string; downloadedSha256: string; path: string; files: number }[] }; reports: { path: string }[] }

describe('report-artifacts: a matrix build\'s legs, each uploading its reports', () => {
  test('one leg of three fails: block, and the failing leg is named by its artifact', async () => {
    const r = await gate(await matrix('windows'), { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3' })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ decision: 'block', failed: '1' })
    expect(r.stdout).not.toContain('::notice::report-artifacts')
    expect(r.stdout).toContain('::error title=SOX control CM-01 failed')
    // The log, the job summary and the check run say which leg: its artifact.
    expect(r.stdout).toContain('FAIL artifact junit-windows (id 103): 1 report, 2 tests: 1 passed, 1 failed')
    expect(r.stdout).toContain('ok   artifact junit-linux (id 101): 1 report, 2 tests: 2 passed')
    expect(r.summary).toMatch(/\| `junit-windows` \| 103 \| \d+ B \| `sha256:[0-9a-f]{64}` \| 1 \| 2 \| ❌ 1 report, 2 tests: 1 passed, 1 failed \|/)
    const check = r.server.checkRuns[0]?.body as { output: { summary: string; annotations: { path: string; title: string }[] } }
    expect(check.output.summary).toContain('`junit-windows`')
    // The failing test's annotation points into the failing leg's report, under its artifact's folder.
    expect(check.output.annotations).toContainEqual(expect.objectContaining({ path: '.sox-gate/artifacts/junit-windows/TEST-ledger.xml', title: 'Test failed (control CM-01): posting › ledger.Posting › balances [CM-01]' }))
    // Every leg was read, from the folder of its own artifact.
    expect(manifestOf(r.dir).reports.map((x) => x.path)).toEqual(['.sox-gate/artifacts/junit-linux/TEST-ledger.xml', '.sox-gate/artifacts/junit-macos/TEST-ledger.xml', '.sox-gate/artifacts/junit-windows/TEST-ledger.xml'])
    expect(offlineDecision(r.dir)).toBe('block')
  })

  test('a leg whose suite crashed: the reason names the report inside its artifact\'s folder', async () => {
    const legs = await matrix()
    ;(legs[1] as StoredArtifact).zip = await makeZip({ 'TEST-ledger.xml': '<testsuite name="posting"><error message="BeforeAll: database unreachable"/><testcase classname="ledger.Posting" name="balances [CM-01]"/></testsuite>' })
    const r = await gate(legs, { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3' })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('report .sox-gate/artifacts/junit-macos/TEST-ledger.xml records a crash')
    expect(r.stdout).toContain('FAIL artifact junit-macos (id 102): 1 report, 2 tests: 1 passed, 1 error, 1 crash')
  })

  test('all three pass: allow, with each artifact\'s id, size and digest in the manifest and the change record', async () => {
    const legs = await matrix()
    const r = await gate(legs, { 'report-artifacts': 'junit-linux\njunit-macos, junit-windows', 'report-artifacts-min': '3' })
    expect(r.code).toBe(0)
    expect(r.outputs.decision).toBe('allow')
    const expected = legs.map((l) => ({ id: l.id, name: l.name, size: l.zip.length, digest: `sha256:${sha256(l.zip)}`, downloadedSha256: sha256(l.zip), path: `.sox-gate/artifacts/${l.name}`, files: 1 }))
    const manifest = manifestOf(r.dir)
    expect(manifest.reportArtifacts).toEqual({ repository: 'acme/ledger', runId: 4242, otherRun: false, patterns: ['junit-linux', 'junit-macos', 'junit-windows'], min: 3, artifacts: expected })
    const change = JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8')) as { reportArtifacts: unknown }
    expect(change.reportArtifacts).toEqual(manifest.reportArtifacts)
    for (const l of legs) expect(r.summary).toContain(`| \`${l.name}\` | ${l.id} | ${l.zip.length} B | \`sha256:${sha256(l.zip)}\` | 1 | 2 | ✅`)
    // The real protocol: one list of the run, then a signed URL per artifact from the job that uploaded it, then the blob.
    const twirp = results?.calls.filter((c) => c.path.startsWith('/twirp/')) ?? []
    expect(twirp[0]).toEqual({ method: 'POST', path: '/twirp/github.actions.results.api.v1.ArtifactService/ListArtifacts', body: { workflow_run_backend_id: 'run-backend-7', workflow_job_run_backend_id: 'job-backend-9' } })
    expect(twirp.filter((c) => c.path.endsWith('/GetSignedArtifactURL')).map((c) => c.body)).toEqual(legs.map((l) => ({ workflow_run_backend_id: 'run-backend-7', workflow_job_run_backend_id: `job-backend-${l.id}`, name: l.name })))
    expect(results?.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toEqual(legs.map((l) => `/blob/download/${l.id}.zip?sig=fake-read`))
    // The bundle verifies with the new record, and re-performing it offline (the change record loads) gives the same decision.
    expect(offlineDecision(r.dir)).toBe('allow')
    const verified = runCli(['verify', 'sox-evidence'], r.dir)
    expect(verified.stderr).toBe('')
    expect(verified.code).toBe(0)
    expect(verified.stdout).toContain('reportArtifacts equals change.json and names every artifact a report came from')
    // An artifact record edited in the manifest alone no longer agrees with the change record.
    const manifestFile = path.join(r.dir, 'sox-evidence/manifest.json')
    writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace(`sha256:${sha256(legs[2]?.zip as Buffer)}`, `sha256:${'0'.repeat(64)}`))
    const tampered = runCli(['verify', 'sox-evidence'], r.dir)
    expect(tampered.code).toBe(1)
    expect(tampered.stdout + tampered.stderr).toContain("manifest reportArtifacts is not change.json's")
  })

  test('two of three with report-artifacts-min 3: fails before reading anything, naming what is missing', async () => {
    const legs = (await matrix()).filter((l) => l.name !== 'junit-windows')
    const r = await gate(legs, { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3' })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(errorLines(r.stdout)).toContain(
      '::error title=sox-gate configuration error::report-artifacts: 2 artifacts matched (junit-linux, junit-macos) but report-artifacts-min is 3: 1 missing — a job that failed or was cancelled before it uploaded its reports proves nothing; the run has junit-linux, junit-macos'
    )
    // Nothing was downloaded, and the required check still says why.
    expect(results?.calls.some((c) => c.path.endsWith('/GetSignedArtifactURL'))).toBe(false)
    expect(r.server.checkRuns[0]?.body).toMatchObject({ conclusion: 'failure', output: { title: 'BLOCK: configuration error' } })
    expect(existsSync(path.join(r.dir, 'sox-evidence/manifest.json'))).toBe(false)
  })

  test('a name that matched no artifact fails even when the count is met, saying what the run has', async () => {
    const legs = (await matrix()).filter((l) => l.name !== 'junit-windows')
    const r = await gate(legs, { 'report-artifacts': 'junit-linux, junit-macos, junit-windows' })
    expect(r.code).toBe(2)
    expect(errorLines(r.stdout)).toEqual([
      '::error title=sox-gate configuration error::report-artifacts: "junit-windows" matched no artifact of workflow run 4242: the run has junit-linux, junit-macos',
      expect.stringContaining('::error::sox-gate could not evaluate the change (configuration error)')
    ])
  })

  test('attack: an artifact whose listed name is a path is refused before it is downloaded (it would unpack outside its folder)', async () => {
    const legs = await matrix()
    const escaping: StoredArtifact = { id: 120, name: '../../reports', zip: await makeZip({ 'TEST-ledger.xml': leg('escape') }) }
    const r = await gate([...legs, escaping], { 'report-artifacts': 'junit-*, ../../reports', 'report-artifacts-min': '3' })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(errorLines(r.stdout)).toContain('::error title=sox-gate configuration error::report-artifacts: artifact name "../../reports" cannot be used as a folder name under .sox-gate/artifacts')
    expect(results?.calls.some((c) => c.path.includes('/120.zip'))).toBe(false)
    expect(existsSync(path.join(r.dir, 'reports/TEST-ledger.xml'))).toBe(false)
  })

  test('a corrupt zip gives one clear line naming its artifact, no stack trace', async () => {
    const legs = await matrix()
    // What arrived is what was uploaded (the digests agree), but it is no zip: a truncated upload.
    const cut = legs[1] as StoredArtifact
    cut.zip = cut.zip.subarray(0, cut.zip.length - 30)
    const r = await gate(legs, { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3' })
    expect(r.code).toBe(2)
    const lines = errorLines(r.stdout).filter((l) => l.includes('junit-macos'))
    expect(lines[0]).toMatch(/^::error title=sox-gate configuration error,file=.sox-gate\/artifacts\/junit-macos::artifact "junit-macos" \(id 102\) is corrupt: not a readable zip \([^)\n]+\)$/)
    // The one line, and the step's failure message that repeats every problem.
    expect(lines).toHaveLength(2)
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m)
  })

  test('a zip that differs from the digest recorded at upload is refused, naming both hashes', async () => {
    const legs = await matrix()
    const swapped = legs[0] as StoredArtifact
    const recorded = `sha256:${sha256(swapped.zip)}`
    swapped.digest = recorded
    swapped.zip = await makeZip({ 'TEST-ledger.xml': leg('linux').replace('<testcase name="locks"/>', '') })
    const r = await gate(legs, { 'report-artifacts': 'junit-*' })
    expect(r.code).toBe(2)
    expect(errorLines(r.stdout)[0]).toBe(`::error title=sox-gate configuration error::.sox-gate/artifacts/junit-linux: artifact "junit-linux" (id 101) is corrupt: the zip downloaded has sha256 ${sha256(swapped.zip)}, but ${recorded} was recorded when it was uploaded`)
  })

  test('an artifact that cannot be downloaded (deleted since it was listed) gives one line naming it', async () => {
    const legs = await matrix()
    ;(legs[2] as StoredArtifact).gone = true
    const r = await gate(legs, { 'report-artifacts': 'junit-*' })
    expect(r.code).toBe(2)
    expect(errorLines(r.stdout)[0]).toBe('::error title=sox-gate configuration error::.sox-gate/artifacts/junit-windows: artifact "junit-windows" (id 103) could not be downloaded: Failed to GetSignedArtifactURL: Received non-retryable error: Failed request: (404) Not Found: no artifact junit-windows in job job-backend-103')
  })

  test('an entry that climbs out of its folder (zip slip) is refused and nothing lands outside', async () => {
    const legs = await matrix()
    // Same length as "../evil.xml", patched into the local and central headers alike.
    const zip = await makeZip({ 'TEST-ledger.xml': leg('linux'), 'ab/evil.xml': leg('evil') })
    const evil = Buffer.from(zip.toString('latin1').replaceAll('ab/evil.xml', '../evil.xml'), 'latin1')
    ;(legs[0] as StoredArtifact).zip = evil
    const r = await gate(legs, { 'report-artifacts': 'junit-*' })
    expect(r.code).toBe(2)
    expect(errorLines(r.stdout)[0]).toMatch(/file=.sox-gate\/artifacts\/junit-linux::artifact "junit-linux" \(id 101\) is corrupt: not a readable zip \(invalid relative path: \.\.\/evil\.xml\)/)
    expect(existsSync(path.join(r.dir, '.sox-gate/artifacts/evil.xml'))).toBe(false)
  })

  test('files left in .sox-gate/artifacts by an earlier run are not read', async () => {
    const r = await gate(await matrix(), { 'report-artifacts': 'junit-*' }, { workspaceFiles: { '.sox-gate/artifacts/junit-linux/TEST-stale.xml': leg('stale', true), '.sox-gate/artifacts/junit-old/TEST-old.xml': leg('old', true) } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('::notice::report-artifacts: 3 artifacts matched, but report-artifacts-min is 1: a run where only 1 arrived would have been judged on that one alone. Set report-artifacts-min: 3 if every one is expected.')
    expect(readdirSync(path.join(r.dir, '.sox-gate/artifacts')).sort()).toEqual(['junit-linux', 'junit-macos', 'junit-windows'])
    expect(existsSync(path.join(r.dir, '.sox-gate/artifacts/junit-linux/TEST-stale.xml'))).toBe(false)
  })

  test('with a reports input, an artifact none of whose files it matches fails the run by name', async () => {
    const legs = await matrix()
    ;(legs[2] as StoredArtifact).zip = await makeZip({ 'results.xml': leg('windows', true) })
    const r = await gate(legs, { 'report-artifacts': 'junit-*', reports: '.sox-gate/artifacts/*/TEST-*.xml' })
    expect(r.code).toBe(2)
    expect(errorLines(r.stdout)[0]).toBe(
      '::error title=sox-gate configuration error,file=.sox-gate/artifacts/junit-windows::artifact "junit-windows" (id 103, 1 file) gave no report: the reports globs match none of its files, so its job\'s results would go unread (leave the reports input empty to read every file of every artifact)'
    )
  })

  test('another run\'s artifacts (run-id) are read through the REST API with the github-token', async () => {
    const legs = await matrix()
    const scenario = approved({ runArtifacts: { runs: { 9999: legs.map((l) => ghArtifact(l.id, l.name, l.zip.length, `sha256:${sha256(l.zip)}`, 9999)) }, heads: { 9999: HEAD }, zipUrl: (id) => results?.downloadUrl(id) ?? '' } })
    const r = await gate(legs, { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3', 'run-id': '9999' }, { scenario })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const manifest = manifestOf(r.dir)
    expect(manifest.reportArtifacts).toMatchObject({ runId: 9999, otherRun: true, runHeadSha: HEAD, artifacts: legs.map((l) => ({ id: l.id, name: l.name, digest: `sha256:${sha256(l.zip)}` })) })
    const rest = (r.server as FakeGitHub).requests.filter((q) => q.path.includes('/actions/'))
    expect(rest.map((q) => `${q.method} ${q.path}${q.query}`)).toEqual([
      'GET /repos/acme/ledger/actions/runs/9999',
      'GET /repos/acme/ledger/actions/runs/9999/artifacts?per_page=100&page=1',
      ...legs.map((l) => `GET /repos/acme/ledger/actions/artifacts/${l.id}/zip`)
    ])
    for (const q of rest) expect(q.authorization).toBe('token ghs_faketoken')
    // Nothing asked the results service: another run's artifacts are not this run's to list.
    expect(results?.calls.filter((c) => c.path.startsWith('/twirp/'))).toEqual([])
  })

  test('attack: run-id naming a green run of another commit is refused before anything is downloaded (exit 2)', async () => {
    const legs = await matrix()
    const older = 'ab'.repeat(20)
    const scenario = approved({ runArtifacts: { runs: { 9998: legs.map((l) => ghArtifact(l.id, l.name, l.zip.length, `sha256:${sha256(l.zip)}`, 9998)) }, heads: { 9998: older }, zipUrl: (id) => results?.downloadUrl(id) ?? '' } })
    const r = await gate(legs, { 'report-artifacts': 'junit-*', 'report-artifacts-min': '3', 'run-id': '9998' }, { scenario })
    expect(r.code).toBe(2)
    expect(r.outputs.decision).toBe('block')
    expect(errorLines(r.stdout)[0]).toBe('::error title=sox-gate configuration error::run-id: workflow run 9998 tested commit abababa, not the evaluated commit 9f8e7d6: its reports prove nothing about this change')
    expect((r.server as FakeGitHub).requests.filter((q) => q.path.includes('/artifacts'))).toEqual([])
    expect(results?.calls.filter((c) => c.method === 'GET')).toEqual([])
  })

  test('bad artifact inputs are reported together, exit 2', async () => {
    const r = await gate([], { 'report-artifacts-min': '0', 'run-id': 'latest' })
    expect(r.code).toBe(2)
    const lines = errorLines(r.stdout)
    expect(lines).toContain('::error title=sox-gate configuration error::input report-artifacts-min must be a whole number from 1 to 10000, not "0"')
    expect(lines).toContain('::error title=sox-gate configuration error::input run-id must be a workflow run id (a whole number), not "latest"')
    expect(lines).toContain('::error title=sox-gate configuration error::input run-id is set but report-artifacts is empty: name the artifacts of that run to read reports from')
  })
})

test('action.yml is valid YAML and declares the artifact inputs', () => {
  const action = YAML.parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
  expect(action.inputs['report-artifacts']).toBeDefined()
  expect(action.inputs['report-artifacts-min']?.default).toBe('1')
  expect(action.inputs['run-id']).toBeDefined()
})

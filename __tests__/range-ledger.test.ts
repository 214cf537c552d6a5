import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { ghCommit, ghDeployment, ghDeploymentStatus, ghFile, ghPull, ghReview, WEB_FLOW, type Scenario } from './helpers/fake-github.js'
import type { FakeS3 } from './helpers/fake-s3.js'
import { runGateScenario, type GateRun } from './helpers/gate-run.js'
import { awsEnv, cli, fakeS3, s3Client, sha256 } from './helpers/store-run.js'
import { PASSING_REPORT, person, SHIPPED_MAP, T1 } from './helpers/shipped.js'

// SPEC §13 "The range start is a fact the gate wrote", with an evidence store: the start for an
// environment is the sha of the newest ledger entry that allowed a deployment to it, read back
// from the ledger's head with every link checked. Deployment statuses are not even read, so no
// status anyone forges can move the start.
const B0 = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0'
const X1 = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1'
const H41 = '4141414141414141414141414141414141414141'
const DIRECT = 'd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1'
const HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'
const MERGE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const LEDGER = 'sox/acme/ledger/ledger/'
const MAP = SHIPPED_MAP
const REPORT = PASSING_REPORT
const map = { '.github/sox-controls.yml': MAP }

let s3: FakeS3 | undefined
afterEach(async () => {
  await s3?.close()
  s3 = undefined
})

async function gate(fake: FakeS3, scenario: Scenario, o: { payload: object; sha: string; event?: string; runId: string; store?: boolean }): Promise<GateRun> {
  const inputs: Record<string, string> = { environment: 'production', ...(o.store === false ? {} : { 'evidence-store': 's3://evidence/sox' }) }
  const r = await runGateScenario(scenario, { map: MAP, report: REPORT, event: o.event ?? 'push', payload: o.payload, sha: o.sha, inputs, env: { ...awsEnv(fake), GITHUB_RUN_ID: o.runId } })
  await r.server.close()
  expect(r.offline?.decision).toBe(r.outputs.decision)
  return r
}

/** #41 (zed, approved by carol) squash-merged by GitHub as X1 on B0: the first deployment to production. */
function firstDeploy(): Scenario {
  const pr = ghPull(41, 'zed', H41, 1, { at: T1, sha: X1 })
  const squash = ghCommit(X1, person('zed'), WEB_FLOW, 'Ledger export (#41)', { parents: [B0] })
  return {
    pulls: { 41: { pr, reviews: [ghReview('carol', 'APPROVED', H41, T1)], commits: [ghCommit(H41, person('zed'), person('zed'), 'export')] } },
    commitPulls: { [X1]: [pr] },
    contents: { [`acme/ledger@${B0}`]: map },
    compares: { [`${B0}...${X1}`]: { commits: [squash], files: [ghFile('src/ledger/export.ts')] } }
  }
}
const pushOf = (before: string, after: string): { payload: object; sha: string } => ({ payload: { ref: 'refs/heads/main', before, after }, sha: after })

/**
 * Then mallory pushed DIRECT on X1 (its gate blocked it), and made it look deployed: a success
 * at DIRECT whose run is the deploy workflow on main at DIRECT, completed with success — the
 * one thing no check on GitHub's side can tell from a real deployment (say the push also
 * rewrote the deploy workflow so that it skips the gate). #42 was then squash-merged as MERGE.
 */
function afterDirectPush(): Scenario {
  const pr = ghPull(42, 'alice', HEAD, 1, { at: T1, sha: MERGE })
  const direct = ghCommit(DIRECT, person('mallory'), person('mallory'), 'quick fix', { parents: [X1] })
  const squash = ghCommit(MERGE, person('alice'), WEB_FLOW, 'Post entries (#42)', { parents: [DIRECT] })
  const forged = ghDeployment(DIRECT, 'production', 'github-actions[bot]', '2026-11-21T08:00:00Z')
  return {
    pulls: { 42: { pr, reviews: [ghReview('carol', 'APPROVED', HEAD, T1)], commits: [ghCommit(HEAD, person('alice'), person('alice'), 'post')] } },
    commitPulls: { [MERGE]: [pr], [DIRECT]: [] },
    contents: { [`acme/ledger@${X1}`]: map, [`acme/ledger@${DIRECT}`]: map },
    compares: { [`${X1}...${MERGE}`]: { commits: [direct, squash], files: [ghFile('src/ledger/posting.ts')] }, [`${DIRECT}...${MERGE}`]: { commits: [squash], files: [ghFile('src/ledger/posting.ts')] } },
    deployments: [{ deployment: forged, statuses: [ghDeploymentStatus(forged, 'success', 'github-actions[bot]', 'https://github.com/acme/ledger/actions/runs/600')] }],
    runsById: { 600: { headSha: DIRECT, headBranch: 'main', event: 'push' } }
  }
}

const entries = (fake: FakeS3): Record<string, unknown>[] =>
  [...fake.objects('evidence')].filter(([k]) => k.startsWith(LEDGER)).map(([, v]) => JSON.parse(v.body.toString('utf8')) as Record<string, unknown>)
const changeOf = (r: GateRun): { range?: { source: string; start: string }; rangeStart?: { ledger?: { entry?: { sequence: number; sha: string }; note: string }; deployments?: unknown[] } } =>
  JSON.parse(readFileSync(path.join(r.dir, 'sox-evidence/change.json'), 'utf8'))
const DIRECT_BLOCKS = 'direct push, no review: commit d1d1d1d by mallory is in the deployed range a1a1a1a…c0ffee0, and no pull request brought it'

describe('with an evidence store, the ledger gives the range start', () => {
  test("a forged success, even one bound to a default-branch run of the deploy workflow, neither starts the range nor hides the direct push: the ledger's last allow does", async () => {
    const fake = (s3 = await fakeS3())
    const first = await gate(fake, firstDeploy(), { ...pushOf(B0, X1), runId: '801' })
    expect(first.outputs.decision).toBe('allow')
    expect(entries(fake)).toMatchObject([{ sequence: 1, decision: 'allow', sha: X1, environment: 'production', judged: 'deployment' }])
    const r = await gate(fake, afterDirectPush(), { ...pushOf(DIRECT, MERGE), runId: '802' })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    // The deployments were not read: nothing anyone writes there decides the start.
    expect(r.server.requests.some((q) => q.path.includes('/deployments'))).toBe(false)
    expect(changeOf(r).range).toMatchObject({ source: 'ledger', start: X1 })
    expect(changeOf(r).rangeStart?.ledger?.note).toBe('ledger entry 000000000001, the head, allowed run 801-1 to deploy a1a1a1a to production')
    expect(r.summary).toContain('Deployed range a1a1a1a…c0ffee0 from a1a1a1a, the last deployment to production the gate allowed (its ledger): 2 commits, 1 pull request, 1 direct push.')
    // And the block is the ledger's newest entry: the next deployment still starts at X1.
    expect(entries(fake).map((e) => [e.sequence, e.decision, e.sha])).toEqual([
      [1, 'allow', X1],
      [2, 'block', MERGE]
    ])
  })

  test("a pull request's allow for the same environment is no start: its head is not on main and vouches for no history", async () => {
    const fake = (s3 = await fakeS3())
    await gate(fake, firstDeploy(), { ...pushOf(B0, X1), runId: '801' })
    // #42 gated as a pull request, with the same inputs (environment production): an allow, judged as a pull request.
    const pr = afterDirectPush()
    const prRun = await gate(fake, { ...pr, pulls: { 42: { ...pr.pulls![42]!, pr: ghPull(42, 'alice', HEAD, 1) } } }, { event: 'pull_request', payload: { action: 'synchronize', number: 42, pull_request: { number: 42, head: { sha: HEAD }, base: { sha: DIRECT } } }, sha: MERGE, runId: '803' })
    expect(prRun.outputs.decision).toBe('allow')
    expect(entries(fake)[1]).toMatchObject({ sequence: 2, decision: 'allow', sha: HEAD, environment: 'production', judged: 'pull-request' })
    const r = await gate(fake, afterDirectPush(), { ...pushOf(DIRECT, MERGE), runId: '804' })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(DIRECT_BLOCKS)
    expect(changeOf(r).rangeStart?.ledger?.note).toBe("ledger entry 000000000001, chained to the head 000000000002 (2 entries checked), allowed run 801-1 to deploy a1a1a1a to production; passed over: 000000000002 (a pull request's head, not a deployment)")
  })

  test('an empty ledger: the start is looked for in the deployments, and a forged one is passed over there too', async () => {
    const fake = (s3 = await fakeS3())
    const r = await gate(fake, { ...afterDirectPush(), runsById: { 600: { headSha: DIRECT, headBranch: 'mallory/fix', event: 'push' } } }, { ...pushOf(DIRECT, MERGE), runId: '805' })
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('no successful deployment to production can be trusted as the range start')
    expect(changeOf(r).rangeStart?.ledger?.note).toBe('the ledger sox/acme/ledger/ledger/ has no entries yet')
  })

  test('two runs at the same moment both start at the last allow, and still chain in the ledger', async () => {
    // Both runs are held at their append's ledger listing until both have listed: they really race.
    const fake = (s3 = await fakeS3({ ledgerListBarrier: 2 }))
    // The first deployment's entry, as a run writes it (a run of its own would pass the barrier).
    const client = s3Client(fake)
    const first = JSON.stringify({ sequence: 1, previous: null, manifestSha256: sha256('manifest 801'), decision: 'allow', sha: X1, environment: 'production', judged: 'deployment', run: { id: '801', attempt: '1' } })
    await client.send(new PutObjectCommand({ Bucket: 'evidence', Key: `${LEDGER}000000000001.json`, Body: first, ChecksumSHA256: sha256(first, 'base64'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }))
    client.destroy()
    const [a, b] = await Promise.all([gate(fake, afterDirectPush(), { ...pushOf(DIRECT, MERGE), runId: '806' }), gate(fake, afterDirectPush(), { ...pushOf(DIRECT, MERGE), runId: '807' })])
    expect([a.outputs.decision, b.outputs.decision]).toEqual(['block', 'block'])
    for (const r of [a, b]) expect(changeOf(r).rangeStart?.ledger?.entry?.sha).toBe(X1)
    const all = entries(fake)
    expect(all.map((e) => [e.sequence, e.previous])).toEqual([
      [1, null],
      [2, sha256(first)],
      [3, expect.stringMatching(/^[0-9a-f]{64}$/)]
    ])
    expect(fake.calls.filter((c) => c.code === 'PreconditionFailed').map((c) => c.key)).toEqual([`${LEDGER}000000000002.json`])
    const walked = await cli(['ledger', 's3://evidence/sox/acme/ledger'], awsEnv(fake))
    expect(walked.stdout).toMatch(/^intact: ledger s3:\/\/evidence\/sox\/acme\/ledger\/ledger\/: 3 entries/)
  })
})

describe('a ledger that cannot show its last allow blocks, naming the finding', () => {
  async function tampered(write: (put: (key: string, body: string) => Promise<void>, first: string) => Promise<void>): Promise<GateRun> {
    const fake = (s3 = await fakeS3())
    await gate(fake, firstDeploy(), { ...pushOf(B0, X1), runId: '801' })
    const client = s3Client(fake)
    const put = async (key: string, body: string): Promise<void> => {
      await client.send(new PutObjectCommand({ Bucket: 'evidence', Key: key, Body: body, ChecksumSHA256: sha256(body, 'base64'), ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) }))
    }
    await write(put, fake.objects('evidence').get(`${LEDGER}000000000001.json`)?.body.toString('utf8') ?? '')
    client.destroy()
    return gate(fake, afterDirectPush(), { ...pushOf(DIRECT, MERGE), runId: '808' })
  }
  const forgedEntry = (sequence: number, previous: string): string =>
    JSON.stringify({ sequence, previous, manifestSha256: sha256('made up'), decision: 'allow', sha: DIRECT, environment: 'production', judged: 'deployment', run: { id: '666', attempt: '1' } })

  test('an entry chained to the wrong bytes (someone with s3:PutObject, guessing): block, "break"', async () => {
    const r = await tampered((put) => put(`${LEDGER}000000000002.json`, forgedEntry(2, sha256('not entry 1'))))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain(`the evidence store could not give the range start: the ledger ${LEDGER} cannot show where the last allowed deployment to production was: break: entry 000000000002 names previous ${sha256('not entry 1')}`)
  })

  test('a gap below the head: block, naming the missing entry', async () => {
    const r = await tampered((put, first) => put(`${LEDGER}000000000003.json`, forgedEntry(3, sha256(first))))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('entry 000000000002 is missing (a gap below the head 000000000003)')
  })

  test('the allowing entry itself written over with a later version: block', async () => {
    const r = await tampered((put) => put(`${LEDGER}000000000001.json`, forgedEntry(1, '').replace('"previous":""', '"previous":null')))
    expect(r.outputs.decision).toBe('block')
    expect(r.stdout).toContain('entry 000000000001 was written over 1 time after it was stored')
  })
})

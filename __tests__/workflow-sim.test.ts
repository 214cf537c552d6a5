import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { makeApp } from './helpers/fake-github-lifecycle.js'
import { bash, startSimulation, type RunCommand, type Simulation, type SimulationOptions } from './helpers/workflow-sim.js'

// The workflow simulator itself (issues 20 and 24): GitHub's decisions about which workflows,
// jobs and steps run, and what they may do, on workflows whose expected behaviour is read by
// hand from their YAML (and GitHub's documentation), not from the simulator.

const MAP = `version: 1
system: ledger-service
reports: ["reports/*.xml"]
controls:
  - { id: CM-01, title: Entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Changes are approved by someone other than their authors, approval: {} }
`
const CASES = [{ name: 'posting balances [CM-01]', suite: 'posting' }]
const FILES = { '.github/sox-controls.yml': MAP, 'src/posting.ts': 'export const post = 1\n', 'package.json': '{"name":"ledger"}\n' }

/** A workflow of one job whose steps are `run:` commands (the default handler records them). */
const echo = (name: string, on: string) => `name: ${name}\non:\n${on}\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${name}\n`

let sim: Simulation | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})
async function start(o: Partial<SimulationOptions> & { workflows: Record<string, string> }): Promise<Simulation> {
  sim = await startSimulation({ branches: { main: FILES }, tests: { '*': CASES }, ...o })
  return sim
}
const names = (o: { runs: { name: string }[] }) => o.runs.map((r) => r.name).sort()

describe('triggers, as GitHub decides them', () => {
  test("activity types (pull_request's default: opened, synchronize, reopened; review: all) and branch filters (the base for pull requests, the pushed branch for pushes)", async () => {
    const s = await start({
      branches: { main: FILES, release: FILES },
      workflows: {
        'pr-default.yml': echo('pr-default', '  pull_request:'),
        'pr-edited.yml': echo('pr-edited', '  pull_request:\n    types: [edited]'),
        'pr-main.yml': echo('pr-main', '  pull_request:\n    branches: [main]'),
        'push-main.yml': echo('push-main', '  push:\n    branches: [main]'),
        'push-not-features.yml': echo('push-not-features', "  push:\n    branches-ignore: ['feature/**']"),
        'push-one-level.yml': echo('push-one-level', "  push:\n    branches: ['feature/*']"),
        'review.yml': echo('review', '  pull_request_review:'),
        'target.yml': echo('target', '  pull_request_target:')
      }
    })
    // The head branch is pushed (feature/a/b: not feature/*, which stops at a slash), then opened.
    const opened = await s.openPullRequest({ head: 'feature/a/b', by: 'alice', files: { 'src/posting.ts': 'export const post = 2\n' } })
    expect(names(opened)).toEqual(['pr-default', 'pr-main', 'target'])
    const pr = opened.run('pr-default')
    // pull_request: the test merge (refs/pull/42/merge); the run's head is the pull request's head.
    expect(pr).toMatchObject({ sha: s.repo.resolve('refs/pull/42/merge'), ref: 'refs/pull/42/merge', headSha: s.head('feature/a/b'), headBranch: 'feature/a/b' })
    expect(s.repo.commits.get(pr.sha)?.parents).toEqual([s.head('main'), s.head('feature/a/b')])
    // pull_request_target: the default branch's head and ref.
    expect(opened.run('target')).toMatchObject({ sha: s.head('main'), ref: 'refs/heads/main' })
    expect(names(await s.push({ branch: 'feature/a/b', by: 'alice', files: { 'src/b.ts': 'b' } }))).toEqual(['pr-default', 'pr-main', 'target'])
    expect(names(await s.review(42, { by: 'carol' }))).toEqual(['review'])
    const review = s.repo.pulls.get(42)?.reviews[0]
    expect(names(await s.dismissReview(42, Number(review?.id), { by: 'carol' }))).toEqual(['review'])
    // A second pull request, into release: the base filter keeps pr-main out.
    expect(names(await s.openPullRequest({ head: 'fix', base: 'release', by: 'bob', files: { 'src/c.ts': 'c' } }))).toEqual(['pr-default', 'push-not-features', 'target'])
    // Retargeting is `edited`, not among the default types.
    expect(names(await s.retarget(42, 'release', { by: 'alice' }))).toEqual(['pr-edited'])
    expect(names(await s.retarget(42, 'main', { by: 'alice' }))).toEqual(['pr-edited'])
    // Merging: `closed` (no default type) and the push to main.
    expect(names(await s.merge(42, { by: 'carol' }))).toEqual(['push-main', 'push-not-features'])
    expect(names(await s.push({ branch: 'feature/x', by: 'bob', files: { 'src/d.ts': 'd' } }))).toEqual(['push-one-level'])
  })

  test("a pull request runs its own copy of a pull_request workflow; pull_request_target runs the default branch's", async () => {
    const s = await start({ workflows: { 'ci.yml': echo('ci', '  pull_request:'), 'target.yml': echo('target', '  pull_request_target:') } })
    const opened = await s.openPullRequest({ head: 'change-ci', by: 'alice', files: { '.github/workflows/ci.yml': echo('ci', '  pull_request:').replace('echo ci', 'echo changed'), '.github/workflows/target.yml': echo('target', '  pull_request_target:').replace('echo target', 'echo changed') } })
    expect(opened.run('ci').job('only').steps[0]?.run).toBe('echo changed')
    expect(opened.run('target').job('only').steps[0]?.run).toBe('echo target')
  })

  test('a local action (uses: ./) is read from the workspace: without a checkout of it the step fails, as on GitHub', async () => {
    const wf = `name: local\non: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./\n`
    const s = await start({ workflows: { 'local.yml': wf } })
    const step = (await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('local').job('gate').steps[0]
    expect(step?.outcome).toBe('failure')
    expect(step?.error).toMatch(/^Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '.*'\. Did you forget to run actions\/checkout before running your local action\?$/)
  })

  test('an invalid workflow fails the simulation with the parser\'s message (a misspelt permission); so does an action the simulator does not run', async () => {
    const bad = echo('bad', '  push:').replace('jobs:', 'permissions:\n  pull-request: read\njobs:')
    const s = await start({ workflows: { 'bad.yml': bad } })
    await expect(s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).rejects.toThrow(/invalid workflow \.github\/workflows\/bad\.yml:\n.*Unexpected value 'pull-request'/)
    await s.close()
    const unknown = await start({ workflows: { 'u.yml': echo('u', '  push:').replace('- run: echo u', '- uses: actions/setup-node@v4') } })
    await expect(unknown.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).rejects.toThrow(/uses actions\/setup-node@v4, which the simulator does not know/)
  })
})

const STATUS = `name: status
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.hello.outputs.text }}
    steps:
      - id: hello
        run: say hello
      - id: tolerated
        continue-on-error: true
        run: exit 1
      - id: fails
        run: exit 1
      - id: after-failure
        run: echo never
      - id: cleanup
        if: failure()
        run: echo cleanup
      - id: always
        if: \${{ always() && steps.fails.outcome == 'failure' && steps.tolerated.conclusion == 'success' }}
        run: echo always
  b:
    needs: a
    runs-on: ubuntu-latest
    steps: [{ run: echo b }]
  c:
    needs: a
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ needs.a.outputs.greeting }} \${{ needs.a.result }}
  d:
    needs: a
    if: failure()
    runs-on: ubuntu-latest
    steps: [{ run: echo d }]
  e:
    needs: b
    if: always()
    runs-on: ubuntu-latest
    steps: [{ run: echo e }]
  f:
    needs: e
    runs-on: ubuntu-latest
    steps: [{ run: echo f }]
  g:
    needs: a
    if: needs.a.result == 'failure'
    runs-on: ubuntu-latest
    steps: [{ run: echo g }]
  h:
    needs: a
    if: \${{ !cancelled() && needs.a.result == 'failure' }}
    runs-on: ubuntu-latest
    steps: [{ run: echo h }]
`

describe('if:, status functions and outputs', () => {
  test("GitHub's semantics: a failed step skips the rest but for failure()/always(); continue-on-error; a job's status functions look at every job upstream; a plain job if is success() && (…)", async () => {
    const onRun = (c: RunCommand) => (c.command === 'exit 1' ? 1 : c.command === 'say hello' ? { outputs: { text: 'hi' } } : 0)
    const s = await start({ workflows: { 'status.yml': STATUS }, onRun })
    const run = (await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('status')
    const a = run.job('a')
    expect(a.result).toBe('failure')
    expect(a.steps.map((x) => [x.id, x.outcome, x.conclusion])).toEqual([
      ['hello', 'success', 'success'],
      ['tolerated', 'failure', 'success'],
      ['fails', 'failure', 'failure'],
      ['after-failure', 'skipped', 'skipped'],
      ['cleanup', 'success', 'success'],
      ['always', 'success', 'success']
    ])
    expect(a.outputs).toEqual({ greeting: 'hi' })
    const results = Object.fromEntries(run.jobs.map((j) => [j.id, j.result]))
    // b: success() of a failed need; e: always(); f: its need e passed, but a (upstream) failed; g: wrapped in success() &&.
    expect(results).toEqual({ a: 'failure', b: 'skipped', c: 'success', d: 'success', e: 'success', f: 'skipped', g: 'skipped', h: 'success' })
    expect(run.job('c').steps[0]?.run).toBe('echo hi failure')
    expect(run.conclusion).toBe('failure')
  })

  test('a matrix: every combination less exclude, include merged; fail-fast cancels the legs not yet run', async () => {
    const wf = `name: m
on: push
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [18, 20]
        os: [linux, windows]
        exclude: [{ node: 18, os: windows }]
        include: [{ node: 20, experimental: true }, { node: 22, os: linux }]
    steps:
      - run: test \${{ matrix.node }} \${{ matrix.os }} \${{ matrix.experimental || 'no' }}
`
    const s = await start({ workflows: { 'm.yml': wf } })
    const run = (await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('m')
    expect(run.legs('t').map((l) => l.steps[0]?.run)).toEqual(['test 18 linux no', 'test 20 linux true', 'test 20 windows true', 'test 22 linux no'])
    expect(run.legs('t').map((l) => l.name)).toEqual(['t (18, linux)', 't (20, linux, true)', 't (20, windows, true)', 't (22, linux)'])
    await s.close()
    const failing = await start({ workflows: { 'm.yml': wf }, onRun: (c) => (c.command.includes(' 20 linux') ? 1 : 0) })
    const legs = (await failing.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('m').legs('t')
    expect(legs.map((l) => l.result)).toEqual(['success', 'failure', 'cancelled', 'cancelled'])
  })
})

/** A job that tests (jest + jest-junit into reports/) and runs the gate, with these permissions. */
const gateJob = (permissions: string) => `    runs-on: ubuntu-latest
    permissions: ${permissions}
    steps:
      - uses: actions/checkout@v4
      - run: npx jest --ci --reporters=default --reporters=jest-junit
        env: { JEST_JUNIT_OUTPUT_DIR: reports }
      - id: gate
        uses: sox-gate/sox-gate@v1
        with: { upload-evidence: 'false', attest: 'false' }
`

describe('permissions: each job gets a GITHUB_TOKEN with its permissions, and the fake GitHub refuses what it lacks', () => {
  test('a gate job without checks: write: its check run is refused (403) and the gate warns, as on GitHub; with it, the check is posted', async () => {
    const wf = `name: gate\non: push\njobs:\n  without:\n${gateJob('{ contents: read, pull-requests: read }')}  with:\n${gateJob('{ contents: read, pull-requests: read, checks: write }')}`
    const s = await start({ workflows: { 'gate.yml': wf } })
    const pushed = await s.push({ branch: 'main', by: 'alice', files: { 'src/posting.ts': 'export const post = 3\n' } })
    const run = pushed.run('gate')
    const [without, withChecks] = [run.job('without'), run.job('with')]
    // A direct push: nobody approved it, so both block; only the second can say so on the commit.
    expect(without.step('gate').outputs.decision).toBe('block')
    expect(without.step('gate').annotations).toContainEqual({ level: 'warning', message: expect.stringMatching(/could not publish the check run "SOX compliance gate": .*403.*Resource not accessible by integration/) })
    const refused = s.github.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/check-runs'))
    expect(refused.map((q) => q.authorization)).toEqual([`token ${without.token}`, `token ${withChecks.token}`])
    expect(pushed.checkRuns).toHaveLength(1)
    expect(pushed.checkRuns[0]?.body).toMatchObject({ name: 'SOX compliance gate', head_sha: s.head('main'), conclusion: 'failure' })
  }, 60_000)

  test('id-token: write lets the gate mint an OIDC token and sign (Fulcio and Rekor stand-ins); storing the attestation needs attestations: write', async () => {
    const job = (permissions: string) => gateJob(permissions).replace("attest: 'false'", "attest: 'auto'")
    const wf = `name: gate\non: push\njobs:\n  stores:\n${job('{ contents: read, pull-requests: read, id-token: write, attestations: write }')}  signs:\n${job('{ contents: read, pull-requests: read, id-token: write }')}  neither:\n${job('{ contents: read, pull-requests: read }')}`
    const s = await start({ workflows: { 'gate.yml': wf } })
    const run = (await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('gate')
    expect(run.job('stores').step('gate').outputs['attestation-url']).toMatch(/^https:\/\/github\.com\/acme\/ledger\/attestations\/\d+$/)
    expect(s.github.attestations).toHaveLength(1)
    expect(run.job('signs').step('gate').annotations).toContainEqual({ level: 'warning', message: expect.stringContaining("storing it in acme/ledger's attestations failed (needs `permissions: attestations: write`): POST /repos/acme/ledger/attestations: 403 Resource not accessible by integration") })
    expect(run.job('neither').step('gate').annotations).toContainEqual({ level: 'notice', message: expect.stringContaining('the job cannot mint an OIDC token') })
  }, 60_000)

  test("no permissions: key: the repository's restricted default (contents read); a token dies with its job", async () => {
    const wf = `name: calls\non: push\njobs:\n  calls:\n    runs-on: ubuntu-latest\n    steps:\n      - run: call contents\n        env:\n          TOKEN: \${{ github.token }}\n      - run: call pulls\n        env:\n          TOKEN: \${{ secrets.GITHUB_TOKEN }}\n`
    const statuses: Record<string, number> = {}
    let token = ''
    const onRun = async (c: RunCommand) => {
      token = c.env.TOKEN as string
      const url = c.command.endsWith('contents') ? '/repos/acme/ledger/contents/src/posting.ts?ref=main' : '/repos/acme/ledger/pulls/42'
      statuses[c.command] = (await fetch(`${c.env.GITHUB_API_URL}${url}`, { headers: { authorization: `token ${c.env.TOKEN}` } })).status
      return 0
    }
    const s = await start({ workflows: { 'calls.yml': wf }, onRun })
    await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })
    expect(statuses).toEqual({ 'call contents': 200, 'call pulls': 403 })
    expect((await fetch(`${s.github.url}/repos/acme/ledger/contents/src/posting.ts?ref=main`, { headers: { authorization: `token ${token}` } })).status).toBe(401)
  })
})

describe('environments', () => {
  const wf = `name: deploy
on: [push, pull_request]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
        env:
          KEY: \${{ secrets.DEPLOY_KEY }}
  peek:
    runs-on: ubuntu-latest
    steps:
      - run: peek
        env:
          KEY: \${{ secrets.DEPLOY_KEY }}
  preview:
    runs-on: ubuntu-latest
    environment: { name: preview, deployment: false }
    steps: [{ run: ./preview.sh }]
`
  test("a branch policy: only main deploys (a pull request's ref is refs/pull/N/merge); the environment's secrets reach its job only; a deployment with its status, none with deployment: false", async () => {
    const keys: Record<string, string | undefined> = {}
    const s = await start({ workflows: { 'deploy.yml': wf }, environments: { production: { branches: ['main'], secrets: { DEPLOY_KEY: 'k3y' } } }, onRun: (c) => void (keys[`${c.run.event} ${c.command}`] = c.env.KEY) })
    const opened = await s.openPullRequest({ head: 'feature', by: 'alice', files: { a: 'a' } })
    for (const run of opened.runs) expect(run.job('deploy')).toMatchObject({ result: 'failure', steps: [] })
    expect(opened.runsOf('deploy').map((r) => r.job('deploy').error)).toEqual(['Branch "feature" is not allowed to deploy to production due to environment protection rules.', 'Branch "refs/pull/42/merge" is not allowed to deploy to production due to environment protection rules.'])
    expect(s.scenario.deployments ?? []).toEqual([])
    const merged = await s.merge(42, { by: 'carol' })
    const deploy = merged.run('deploy').job('deploy')
    expect(deploy.result).toBe('success')
    expect(s.ran('./deploy.sh').map((x) => x.run.event)).toEqual(['push'])
    expect(keys).toEqual({ 'push ./deploy.sh': 'k3y', 'push peek': '', 'pull_request peek': '', 'push ./preview.sh': undefined, 'pull_request ./preview.sh': undefined })
    // One deployment (production; preview has deployment: false), of the merge commit, in_progress then success.
    expect(s.scenario.deployments?.map((d) => [d.deployment.environment, d.deployment.sha, d.deployment.ref, d.statuses.map((x) => x.state)])).toEqual([['production', merged.sha, 'main', ['success', 'in_progress']]])
    expect(s.scenario.deployments?.[0]?.statuses[0]?.log_url).toBe(`https://github.com/acme/ledger/actions/runs/${merged.run('deploy').id}`)
  })
})

const CI = `name: CI
on: pull_request
permissions: { contents: read }
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test -- --ci --reporters=default --reporters=jest-junit
        env:
          JEST_JUNIT_OUTPUT_DIR: reports
      - uses: actions/upload-artifact@v4
        with: { name: reports, path: reports/, if-no-files-found: error }
`
const AFTER_CI = (permissions: string) => `name: After CI
on:
  workflow_run:
    workflows: [CI]
    types: [completed]
permissions: ${permissions}
jobs:
  read:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: reports
          path: reports
          run-id: \${{ github.event.workflow_run.id }}
          github-token: \${{ github.token }}
      - run: check reports/junit.xml
`

describe('workflow_run chains', () => {
  test("the run's completion triggers the default branch's listeners with GitHub's payload; they read its artifacts through the REST API (actions: read)", async () => {
    const seen: string[] = []
    const onRun = (c: RunCommand) => {
      if (!c.command.startsWith('check ')) return undefined
      seen.push(readFileSync(path.join(c.cwd, c.command.slice(6)), 'utf8'))
      return 0
    }
    const s = await start({ workflows: { 'ci.yml': CI, 'after.yml': AFTER_CI('{ actions: read }') }, onRun })
    // The pull request also edits the listener: workflow_run runs main's copy all the same.
    const opened = await s.openPullRequest({ head: 'feature', by: 'alice', files: { 'src/posting.ts': 'x', '.github/workflows/after.yml': AFTER_CI('{ actions: read }').replace('check reports', 'echo hijacked') } })
    expect(names(opened)).toEqual(['After CI', 'CI'])
    const [ci, after] = [opened.run('CI'), opened.run('After CI')]
    expect(after).toMatchObject({ event: 'workflow_run', action: 'completed', triggeredBy: ci.id, sha: s.head('main'), ref: 'refs/heads/main', headSha: s.head('main'), depth: 1 })
    expect(after.payload.workflow_run).toMatchObject({ id: ci.id, name: 'CI', path: '.github/workflows/ci.yml', head_sha: s.head('feature'), head_branch: 'feature', event: 'pull_request', status: 'completed', conclusion: 'success', run_attempt: 1 })
    expect((after.payload.workflow_run as { pull_requests: unknown[] }).pull_requests).toEqual([{ id: 1_000_042, number: 42, url: 'https://api.github.com/repos/acme/ledger/pulls/42', head: { ref: 'feature', sha: s.head('feature'), repo: { id: 42, url: 'https://api.github.com/repos/acme/ledger', name: 'ledger' } }, base: { ref: 'main', sha: s.head('main'), repo: { id: 42, url: 'https://api.github.com/repos/acme/ledger', name: 'ledger' } } }])
    expect(after.job('read').result).toBe('success')
    expect(after.job('read').steps[1]?.run).toBe('check reports/junit.xml')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toContain('<testcase classname="posting balances [CM-01]" name="posting balances [CM-01]"')
    // Both runs are in the API as GitHub lists them (newest first), completed.
    expect(s.scenario.workflowRuns?.map((r) => [r.id, r.name, r.head_sha, r.event, r.status, r.conclusion])).toEqual([
      [after.id, 'After CI', s.head('main'), 'workflow_run', 'completed', 'success'],
      [ci.id, 'CI', s.head('feature'), 'pull_request', 'completed', 'success']
    ])
    const listed = await fetch(`${s.github.url}/repos/acme/ledger/actions/workflows/ci.yml/runs?head_sha=${s.head('feature')}`, { headers: { authorization: 'token ghs_faketoken' } })
    expect(((await listed.json()) as { workflow_runs: { id: number }[] }).workflow_runs.map((r) => r.id)).toEqual([ci.id])
  })

  test('without actions: read the listener cannot read the other run\'s artifacts (403)', async () => {
    const s = await start({ workflows: { 'ci.yml': CI, 'after.yml': AFTER_CI('{ contents: read }') } })
    const read = (await s.openPullRequest({ head: 'feature', by: 'alice', files: { a: 'a' } })).run('After CI').job('read')
    expect(read.result).toBe('failure')
    expect(read.steps[0]?.error).toBe('Unable to download artifact(s): 403 Resource not accessible by integration')
  })

  test('a listener with no types runs on requested, in_progress and completed; a chain stops after three levels', async () => {
    const listen = (name: string, to: string, types = '\n    types: [completed]') => echo(name, `  workflow_run:\n    workflows: [${to}]${types}`)
    const s = await start({ workflows: { 'a.yml': echo('A', '  push:'), 'b.yml': listen('B', 'A'), 'c.yml': listen('C', 'B'), 'd.yml': listen('D', 'C'), 'e.yml': listen('E', 'D'), 'all.yml': listen('All', 'A', '') } })
    const pushed = await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })
    expect(pushed.runs.map((r) => `${r.name}${r.action ? `/${r.action}` : ''}`)).toEqual(['A', 'All/requested', 'All/in_progress', 'All/completed', 'B/completed', 'C/completed', 'D/completed'])
    // The listener that ran while A was still running saw it so.
    expect(pushed.runsOf('All').map((r) => (r.payload.workflow_run as { status: string }).status)).toEqual(['queued', 'in_progress', 'completed'])
  })

  test('every run an event causes is created at once: a workflow that looks finds the others queued (then in progress, then completed)', async () => {
    const seen: string[] = []
    const onRun = async (c: RunCommand) => {
      if (c.command !== 'look') return undefined
      const r = await fetch(`${c.env.GITHUB_API_URL}/repos/acme/ledger/actions/workflows/ci.yml/runs?head_sha=${c.env.HEAD}`, { headers: { authorization: `token ${c.env.TOKEN}` } })
      seen.push(...((await r.json()) as { workflow_runs: { status: string }[] }).workflow_runs.map((w) => w.status))
      return 0
    }
    const look = `name: look\non:\n  pull_request:\n  workflow_run:\n    workflows: [CI]\n    types: [in_progress]\npermissions: { actions: read }\njobs:\n  look:\n    runs-on: ubuntu-latest\n    steps:\n      - run: look\n        env:\n          TOKEN: \${{ github.token }}\n          HEAD: \${{ github.event.pull_request.head.sha || github.event.workflow_run.head_sha }}\n`
    const s = await start({ workflows: { 'ci.yml': CI, 'a-look.yml': look }, onRun })
    const opened = await s.openPullRequest({ head: 'feature', by: 'alice', files: { a: 'a' } })
    expect(opened.runs.map((r) => r.name)).toEqual(['look', 'CI', 'look'])
    expect(seen).toEqual(['queued', 'in_progress'])
    expect(s.scenario.workflowRuns?.find((r) => r.name === 'CI')?.status).toBe('completed')
  })

  test('a re-run: the same run, its next attempt, with the same event and commit; workflow_run is told again (in_progress, completed: GitHub sends no requested for a re-run)', async () => {
    const s = await start({ workflows: { 'a.yml': echo('A', '  push:'), 'b.yml': echo('B', '  workflow_run:\n    workflows: [A]') } })
    const first = (await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })).run('A')
    const again = await s.rerun(first.id)
    expect(again.runs.map((r) => `${r.name}${r.action ? `/${r.action}` : ''}`)).toEqual(['A', 'B/in_progress', 'B/completed'])
    expect(again.run('A')).toMatchObject({ id: first.id, attempt: 2, sha: first.sha })
    expect(s.scenario.workflowRuns?.find((r) => r.id === first.id)).toMatchObject({ run_attempt: 2, status: 'completed', conclusion: 'success' })
  })
})

describe('artifacts and jest-junit', () => {
  test("jest-junit writes ./junit.xml unless told (JEST_JUNIT_OUTPUT_DIR): an upload of reports/ with if-no-files-found: error fails, as the README's matrix recipe did", async () => {
    const s = await start({ workflows: { 'ci.yml': CI.replace('        env:\n          JEST_JUNIT_OUTPUT_DIR: reports\n', '') } })
    const test = (await s.openPullRequest({ head: 'feature', by: 'alice', files: { a: 'a' } })).run('CI').job('test')
    expect(test.result).toBe('failure')
    expect(test.steps.map((x) => x.outcome)).toEqual(['success', 'success', 'failure'])
    expect(test.steps[2]?.error).toBe('No files were found with the provided path: reports/. No artifacts will be uploaded.')
  })

  test("where jest-junit writes: package.json's jest-junit settings, overridden by its variables (outputFile wins, <rootDir> is jest's root)", async () => {
    const files: string[] = []
    const wf = (env: string) => `name: t\non: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: jest --reporters=jest-junit\n${env}      - run: list\n`
    const s = await start({
      branches: { main: { ...FILES, 'package.json': '{"jest-junit":{"outputDirectory":"out","outputName":"r.xml"}}' } },
      workflows: { 'a.yml': wf(''), 'b.yml': wf('        env:\n          JEST_JUNIT_OUTPUT_NAME: named.xml\n'), 'c.yml': wf('        env:\n          JEST_JUNIT_OUTPUT_FILE: <rootDir>/deep/file.xml\n          JEST_JUNIT_OUTPUT_DIR: ignored\n') },
      onRun: (c) => (c.command === 'list' ? void files.push(['out/r.xml', 'out/named.xml', 'deep/file.xml', 'junit.xml'].filter((f) => existsSync(path.join(c.workspace, f))).join()) : undefined)
    })
    await s.push({ branch: 'main', by: 'alice', files: { a: 'a' } })
    expect(files).toEqual(['out/r.xml', 'out/named.xml', 'deep/file.xml'])
  })
})

describe('workflow_dispatch, real shell steps, a GitHub App token from an environment', () => {
  test('inputs (defaults, types, required), and a run: step through bash writing GITHUB_OUTPUT', async () => {
    const wf = `name: manual
on:
  workflow_dispatch:
    inputs:
      target: { required: true, type: choice, options: [staging, production] }
      dry: { type: boolean, default: false }
jobs:
  go:
    runs-on: ubuntu-latest
    outputs: { said: "\${{ steps.say.outputs.said }}" }
    steps:
      - id: say
        run: echo "said=\${{ inputs.target }} \${{ inputs.dry && 'dry' || 'wet' }} \${{ github.event.inputs.dry }}" >> "$GITHUB_OUTPUT"
`
    const s = await start({ workflows: { 'manual.yml': wf }, onRun: bash })
    const run = (await s.dispatch('manual.yml', { by: 'carol', inputs: { target: 'production' } })).run('manual')
    expect(run).toMatchObject({ event: 'workflow_dispatch', sha: s.head('main'), ref: 'refs/heads/main' })
    expect(run.job('go').outputs).toEqual({ said: 'production wet false' })
    await expect(s.dispatch('manual.yml', { by: 'carol' })).rejects.toThrow("Required input 'target' not provided")
  })

  test("an App key kept in an environment only main may deploy from: a workflow_run job mints the App's token and posts as the App; the pull request's own run never reaches the key", async () => {
    const app = makeApp()
    const job = (on: string) => `name: ${on}
on: ${on === 'relay' ? 'pull_request' : '\n  workflow_run:\n    workflows: [relay]\n    types: [completed]'}
jobs:
  post:
    runs-on: ubuntu-latest
    environment: { name: sox-gate, deployment: false }
    steps:
      - id: app
        uses: actions/create-github-app-token@v2
        with:
          app-id: \${{ vars.SOX_GATE_APP_ID }}
          private-key: \${{ secrets.SOX_GATE_APP_KEY }}
      - run: post
        env:
          TOKEN: \${{ steps.app.outputs.token }}
          SHA: \${{ github.event.workflow_run.head_sha }}
`
    const onRun = async (c: RunCommand) => {
      const r = await fetch(`${c.env.GITHUB_API_URL}/repos/acme/ledger/check-runs`, { method: 'POST', headers: { authorization: `token ${c.env.TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'SOX compliance gate', head_sha: c.env.SHA, conclusion: 'success' }) })
      return r.status === 201 ? 0 : 1
    }
    const s = await start({ workflows: { 'relay.yml': job('relay'), 'post.yml': job('post') }, environments: { 'sox-gate': { branches: ['main'], vars: { SOX_GATE_APP_ID: String(app.id) }, secrets: { SOX_GATE_APP_KEY: app.privateKeyPem } } }, scenario: { app }, onRun })
    const opened = await s.openPullRequest({ head: 'feature', by: 'alice', files: { a: 'a' } })
    expect(opened.run('relay').job('post')).toMatchObject({ result: 'failure', error: 'Branch "refs/pull/42/merge" is not allowed to deploy to sox-gate due to environment protection rules.' })
    expect(opened.run('post').job('post').result).toBe('success')
    expect(opened.checkRuns.map((c) => [c.body.head_sha, c.app.id])).toEqual([[s.head('feature'), app.id]])
    expect(s.github.requiredCheck(s.head('feature'), 'SOX compliance gate', app.id)).toBe('success')
  })
})

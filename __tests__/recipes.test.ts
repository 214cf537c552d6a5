import { makeApp, type FakeApp } from './helpers/fake-github-lifecycle.js'
import { docBlocks } from './helpers/doc-blocks.js'
import { startSimulation, type Outcome, type RunHandler, type Simulation } from './helpers/workflow-sim.js'

// SPEC §13 through the recipes as a user copies them (issue 20): the README's two workflows and
// the hardened set-up of docs/github.md, run by the workflow simulator against the fake GitHub,
// the gate being dist/index.js. One pull request's life, event by event, with no manual re-run.

/** The workflow files a document shows: each yaml block whose first line names `# .github/workflows/FILE.yml`. */
function workflowsOf(...files: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const file of files) {
    for (const b of docBlocks(file)) {
      const name = /^# \.github\/workflows\/([\w.-]+\.ya?ml)\b/.exec(b.text)?.[1]
      if (b.lang === 'yaml' && name) out[name] = b.text
    }
  }
  return out
}

const MAP = `version: 1
system: ledger-service
control-owners: [olivia]
controls:
  - { id: CM-01, title: Journal entries balance, tests: [{ tag: CM-01 }] }
  - { id: CM-02, title: Changes are approved by someone other than their authors, key: true, approval: {} }
`
/** An author's own branch: a control map with no approval control. */
const WEAK_MAP = `version: 1
system: ledger-service
controls:
  - { id: CM-01, title: Journal entries balance, tests: [{ tag: CM-01 }] }
`
const FILES = { '.github/sox-controls.yml': MAP, 'src/posting.ts': 'export const post = 1\n', 'package.json': '{"name":"ledger","devDependencies":{"jest":"29","jest-junit":"17"}}\n', 'deploy.sh': '#!/bin/sh\n' }
const CASES = [{ name: 'posting balances [CM-01]', suite: 'posting' }]

let sim: Simulation | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** The newest check run named SOX compliance gate on the commit, as a required check without a source sees it. */
const verdictOn = (s: Simulation, sha: string, appId?: number) => s.github.requiredCheck(sha, 'SOX compliance gate', appId)
const summaryOf = (o: Outcome) => String((o.checkRun()?.body.output as { summary?: string } | undefined)?.summary ?? '')

describe("the README's workflows: a pull request's life, judged again at every step", () => {
  test('opened → approved → pushed → approved → retargeted and back → merged → deployed, with no manual re-run', async () => {
    const workflows = workflowsOf('README.md')
    expect(Object.keys(workflows).sort()).toEqual(['ci.yml', 'sox-gate.yml'])
    const s = (sim = await startSimulation({ branches: { main: FILES, sandbox: { ...FILES, '.github/sox-controls.yml': WEAK_MAP } }, workflows, tests: { '*': CASES }, environments: { production: { branches: ['main'] } } }))

    // Opened: the gate runs on the pull request event and on the tests' completion, and blocks (no approval).
    const opened = await s.openPullRequest({ head: 'feature/posting', by: 'alice', files: { 'src/posting.ts': 'export const post = 2\n' } })
    const head1 = s.head('feature/posting')
    expect(opened.gates('sox-gate.yml').map((g) => g.decision)).toEqual(['block', 'block'])
    expect(verdictOn(s, head1)).toBe('failure')
    expect(summaryOf(opened)).toContain('has 0 independent approvals')
    const testRuns = () => s.runs.filter((r) => r.name === 'CI').length
    const ranTests = testRuns()

    // Approved by carol: allow, on the same head, from the same test run.
    const approved = await s.review(opened.number, { by: 'carol' })
    expect(approved.gate('sox-gate.yml').decision).toBe('allow')
    expect(testRuns()).toBe(ranTests)
    expect(verdictOn(s, head1)).toBe('success')

    // A new push: block — carol's approval is on the old head.
    const pushed = await s.push({ branch: 'feature/posting', by: 'alice', files: { 'src/posting.ts': 'export const post = 3\n' } })
    const head2 = s.head('feature/posting')
    expect(pushed.gates('sox-gate.yml').at(-1)?.decision).toBe('block')
    expect(verdictOn(s, head2)).toBe('failure')
    expect(summaryOf(pushed)).toContain(`approval is on ${head1.slice(0, 7)}, head is ${head2.slice(0, 7)}: stale`)

    // Approved again: allow.
    expect((await s.review(opened.number, { by: 'carol' })).gate('sox-gate.yml').decision).toBe('allow')
    expect(verdictOn(s, head2)).toBe('success')

    // Retargeted to sandbox (a weaker map) and back: block until approved again.
    const away = await s.retarget(opened.number, 'sandbox', { by: 'alice' })
    expect(away.gate('sox-gate.yml').decision).toBe('block')
    expect(verdictOn(s, head2)).toBe('failure')
    const back = await s.retarget(opened.number, 'main', { by: 'alice' })
    expect(back.gate('sox-gate.yml').decision).toBe('block')
    expect(summaryOf(back)).toContain('was given before the base branch of pull request #42 last changed (to main)')
    expect(verdictOn(s, head2)).toBe('failure')
    expect((await s.review(opened.number, { by: 'carol' })).gate('sox-gate.yml').decision).toBe('allow')
    expect(verdictOn(s, head2)).toBe('success')
    expect(s.ran('./deploy.sh')).toEqual([])

    // Merged: the push to main is tested, judged as a deployment, allowed, and only then deployed.
    const merged = await s.merge(opened.number, { by: 'carol' })
    const pushGate = merged.gates('sox-gate.yml').at(-1)
    expect(pushGate?.run.event).toBe('workflow_run')
    expect(pushGate?.decision).toBe('allow')
    expect(verdictOn(s, merged.sha)).toBe('success')
    const deployed = s.ran('./deploy.sh')
    expect(deployed).toHaveLength(1)
    expect(deployed[0]?.run.event).toBe('workflow_run')
    expect(deployed[0]?.job.environment).toBe('production')
  }, 240_000)

  test('a direct push to main (no pull request) is tested, blocked, and never deployed', async () => {
    const s = (sim = await startSimulation({ branches: { main: FILES }, workflows: workflowsOf('README.md'), tests: { '*': CASES }, environments: { production: { branches: ['main'] } } }))
    const pushed = await s.push({ branch: 'main', by: 'mallory', files: { 'src/posting.ts': 'export const post = 9\n' } })
    expect(pushed.gates('sox-gate.yml').at(-1)?.decision).toBe('block')
    expect(summaryOf(pushed)).toContain('direct push, no review')
    expect(s.ran('./deploy.sh')).toEqual([])
  }, 120_000)

  test('least privilege: only the gate job can write checks; no job holds id-token; the deploy job runs in production only', async () => {
    const workflows = { ...workflowsOf('README.md'), ...workflowsOf('docs/github.md') }
    for (const text of Object.values(workflows)) {
      expect(text).toMatch(/^permissions: \{\}$/m)
      expect(text).not.toContain('id-token')
    }
    expect(workflows['ci.yml']).not.toContain('checks: write')
  })
})

describe('the hardened set-up (docs/github.md): a GitHub App posts the check, from a definition the pull request cannot change', () => {
  function hardened(app: FakeApp, more: Record<string, Record<string, string>> = {}, onRun?: RunHandler) {
    // The README's ci.yml; the relay and the gate of docs/github.md's hardened set-up (its matrix ci.yml is another recipe).
    const hardenedFiles = workflowsOf('docs/github.md')
    const workflows = { 'ci.yml': workflowsOf('README.md')['ci.yml'] as string, 'sox-gate-relay.yml': hardenedFiles['sox-gate-relay.yml'] as string, 'sox-gate.yml': hardenedFiles['sox-gate.yml'] as string }
    expect(Object.values(workflows).every((w) => w !== undefined)).toBe(true)
    return startSimulation({
      branches: { main: FILES, ...more },
      workflows,
      tests: { '*': CASES },
      scenario: { app },
      ...(onRun ? { onRun } : {}),
      environments: { production: { branches: ['main'] }, 'sox-gate': { branches: ['main'], vars: { SOX_GATE_APP_ID: String(app.id) }, secrets: { SOX_GATE_APP_KEY: app.privateKeyPem } } }
    })
  }

  test('the same life: every verdict is posted by the App, and a ruleset pinned to the App sees each one', async () => {
    const app = makeApp()
    const s = (sim = await hardened(app))
    const opened = await s.openPullRequest({ head: 'feature/posting', by: 'alice', files: { 'src/posting.ts': 'export const post = 2\n' } })
    const head = s.head('feature/posting')
    expect(verdictOn(s, head, app.id)).toBe('failure')
    expect(opened.checkRuns.every((c) => c.app.slug === app.slug)).toBe(true)
    expect(summaryOf(opened).split('\n')[0]).toMatch(/^Posted by GitHub App `sox-gate-acme` from `\.github\/workflows\/sox-gate\.yml` at `refs\/heads\/main` \((workflow_run|pull_request_target)\)\.$/)
    // A review reaches the gate through the relay's workflow_run.
    const approved = await s.review(opened.number, { by: 'carol' })
    expect(approved.run('SOX gate relay').jobs[0]?.result).toBe('success')
    expect(approved.gate('sox-gate.yml').run.event).toBe('workflow_run')
    expect(verdictOn(s, head, app.id)).toBe('success')
    await s.merge(opened.number, { by: 'carol' })
    expect(s.ran('./deploy.sh')).toHaveLength(1)
  }, 240_000)

  test('attack: the pull request adds a workflow that posts "SOX compliance gate: success" with its GITHUB_TOKEN — it does not count for a check required from the App', async () => {
    const app = makeApp()
    const forger = `name: looks harmless
on: pull_request
permissions:
  checks: write
jobs:
  forge:
    runs-on: ubuntu-latest
    steps:
      - run: gh api repos/acme/ledger/check-runs -f name="SOX compliance gate" -f head_sha="$SHA" -f conclusion=success
        env:
          SHA: \${{ github.event.pull_request.head.sha }}
`
    // The forger's step, done for real against the fake with its job's own token, while its job runs.
    const seen: { forged?: number; unpinned?: string; pinned?: string } = {}
    const s = (sim = await hardened(app, {}, async (c) => {
      if (!c.command.startsWith('gh api')) return undefined
      const sha = c.env.SHA as string
      const posted = await fetch(`${sim?.github.url}/repos/acme/ledger/check-runs`, { method: 'POST', headers: { authorization: `token ${c.job.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'SOX compliance gate', head_sha: sha, status: 'completed', conclusion: 'success', output: { title: 'ALLOW', summary: 'trust me' } }) })
      seen.forged = posted.status
      seen.unpinned = sim?.github.requiredCheck(sha, 'SOX compliance gate')
      seen.pinned = sim?.github.requiredCheck(sha, 'SOX compliance gate', app.id)
      return 0
    }))
    const opened = await s.openPullRequest({ head: 'sneaky', by: 'mallory', files: { 'src/posting.ts': 'export const post = 7\n', '.github/workflows/looks-harmless.yml': forger } })
    const head = s.head('sneaky')
    expect(opened.run('looks harmless').job('forge').result).toBe('success')
    // Its token could write checks: the forgery landed, and a requirement with no source took it.
    expect(seen).toMatchObject({ forged: 201, unpinned: 'success' })
    expect(opened.checkRuns.some((c) => c.app.slug === 'github-actions' && c.body.conclusion === 'success' && c.body.head_sha === head)).toBe(true)
    // The ruleset's requirement, pinned to the App, never saw it: only the gate's verdicts count.
    expect(seen.pinned).not.toBe('success')
    expect(verdictOn(s, head, app.id)).toBe('failure')
  }, 240_000)

  test('attack: the pull request edits sox-gate.yml to always allow — the gate that runs is main\'s', async () => {
    const app = makeApp()
    const s = (sim = await hardened(app))
    const lax = workflowsOf('docs/github.md')['sox-gate.yml']?.replace('reports-workflow: ci.yml', 'reports-workflow: ci.yml\n          mode: report-only') as string
    const opened = await s.openPullRequest({ head: 'lax', by: 'mallory', files: { 'src/posting.ts': 'export const post = 5\n', '.github/workflows/sox-gate.yml': lax } })
    expect(opened.gates('sox-gate.yml').every((g) => g.step.with.mode !== 'report-only')).toBe(true)
    expect(verdictOn(s, s.head('lax'), app.id)).toBe('failure')
  }, 240_000)

  test('attack: opened against a branch the author controls (no approval control there), then retargeted to main — never green without an approval given after the retarget', async () => {
    const app = makeApp()
    const s = (sim = await hardened(app, { sandbox: { ...FILES, '.github/sox-controls.yml': WEAK_MAP } }))
    // Her change is cut from main (so retargeting brings no map change along), opened against sandbox.
    await s.push({ branch: 'feature/x', from: 'main', by: 'alice', files: { 'src/posting.ts': 'export const post = 4\n' } })
    const opened = await s.openPullRequest({ head: 'feature/x', base: 'sandbox', by: 'alice' })
    const head = s.head('feature/x')
    // Judged by main's map (sandbox is not a trusted branch): the approval control blocks.
    expect(verdictOn(s, head, app.id)).toBe('failure')
    // A friend approves while it points at sandbox: green, for sandbox; then it is retargeted, and
    // the same commit's check is judged again (base changed: edited), or main would inherit it.
    await s.review(opened.number, { by: 'carol' })
    expect(verdictOn(s, head, app.id)).toBe('success')
    const retargeted = await s.retarget(opened.number, 'main', { by: 'alice' })
    expect(retargeted.gate('sox-gate.yml').decision).toBe('block')
    expect(verdictOn(s, head, app.id)).toBe('failure')
    // Approved again, after the retarget: now it may merge.
    await s.review(opened.number, { by: 'carol' })
    expect(verdictOn(s, head, app.id)).toBe('success')
  }, 240_000)

  test('attack: a re-run of an old head\'s gate after a newer head was approved posts failure on the old head, naming the current one', async () => {
    const app = makeApp()
    const s = (sim = await hardened(app))
    const opened = await s.openPullRequest({ head: 'feature/y', by: 'alice', files: { 'src/posting.ts': 'export const post = 6\n' } })
    const old = s.head('feature/y')
    const oldGateRun = opened.gates('sox-gate.yml').at(-1)?.run.id as number
    await s.push({ branch: 'feature/y', by: 'alice', files: { 'src/posting.ts': 'export const post = 8\n' } })
    const current = s.head('feature/y')
    await s.review(opened.number, { by: 'carol' })
    expect(verdictOn(s, current, app.id)).toBe('success')
    const rerun = await s.rerun(oldGateRun)
    expect(rerun.gate('sox-gate.yml').decision).toBe('block')
    expect(summaryOf(rerun)).toContain(`its head is now ${current.slice(0, 7)}, not ${old.slice(0, 7)}`)
    expect(verdictOn(s, old, app.id)).toBe('failure')
    expect(verdictOn(s, current, app.id)).toBe('success')
  }, 240_000)
})

describe('the matrix recipe (docs/github.md): one artifact per leg, every leg read', () => {
  function matrixSet(): Record<string, string> {
    const ci = docBlocks('docs/github.md').find((b) => b.lang === 'yaml' && b.text.startsWith('# .github/workflows/ci.yml: a matrix'))?.text as string
    // The README's gate, with the two inputs the recipe's text says to give it.
    const gate = workflowsOf('README.md')['sox-gate.yml']?.replace('report-artifacts: test-reports\n', 'report-artifacts: test-reports-*\n          report-artifacts-min: 3\n') as string
    expect(gate).toContain('report-artifacts-min: 3')
    return { 'ci.yml': ci, 'sox-gate.yml': gate }
  }

  test('three legs upload (jest-junit told where to write: the upload finds its reports); the gate reads all three and allows an approved pull request', async () => {
    const s = (sim = await startSimulation({ branches: { main: FILES }, workflows: matrixSet(), tests: { '*': CASES }, environments: { production: { branches: ['main'] } } }))
    const opened = await s.openPullRequest({ head: 'feature/m', by: 'alice', files: { 'src/posting.ts': 'export const post = 2\n' } })
    const legs = opened.run('CI').legs('test')
    expect(legs.map((l) => l.result)).toEqual(['success', 'success', 'success'])
    const approved = await s.review(opened.number, { by: 'carol' })
    const gate = approved.gate('sox-gate.yml')
    expect(gate.decision).toBe('allow')
    expect(gate.summary).toContain('3 artifacts of workflow run')
  }, 240_000)
})

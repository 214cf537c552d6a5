import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './helpers/corpus.js'
import { runActionInPullRequest } from './helpers/gate-run.js'

// The README's workflow, copied as written (issue 14): its test step's command and environment
// run on the example project (examples/ledger-app: jest + jest-junit), then the gate's step, with
// its inputs as the README gives them, reads what that produced.
interface Step {
  run?: string
  uses?: string
  id?: string
  env?: Record<string, string>
  with?: Record<string, string>
}
interface Workflow {
  jobs: Record<string, { steps: Step[]; needs?: string; if?: string }>
}

/** The README's workflow file of this name (`# .github/workflows/NAME` on a yaml block's first line). */
function readmeWorkflow(name: string): Workflow {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((b) => b.startsWith(`# .github/workflows/${name}`))
  if (!block) throw new Error(`no yaml block for .github/workflows/${name} in the README`)
  return parse(block) as Workflow
}

describe("the README's workflows, verbatim, on the example project", () => {
  test("ci.yml's test step writes the folder its upload step uploads, and what it wrote proves the example's controls", async () => {
    const testStep = readmeWorkflow('ci.yml').jobs.test?.steps.find((s) => s.run) as Step
    const upload = readmeWorkflow('ci.yml').jobs.test?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact')) as Step
    const gateStep = readmeWorkflow('sox-gate.yml').jobs.gate?.steps.find((s) => s.uses?.startsWith('sox-gate/sox-gate')) as Step
    expect(testStep.run).toContain('jest-junit')
    const dir = mkdtempSync(path.join(tmpdir(), 'sox-readme-'))
    cpSync(path.join(ROOT, 'examples/ledger-app'), dir, { recursive: true })
    // As the runner runs a `run:` step: bash, the step's env on top of the job's.
    const ran = spawnSync('bash', ['-e', '-c', testStep.run as string], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true', ...testStep.env }, timeout: 240_000 })
    expect(ran.status).toBe(0)
    const uploaded = String((upload.with as Record<string, string>).path).replace(/\/$/, '')
    expect(existsSync(path.join(dir, uploaded))).toBe(true)
    expect(readdirSync(path.join(dir, uploaded))).toEqual(['junit.xml'])
    // The gate reads that folder as the artifact it downloads (recipes.test.ts runs the two workflows end to end).
    expect(gateStep.with?.['report-artifacts']).toBe((upload.with as Record<string, string>).name)
    const r = await runActionInPullRequest(dir, { reports: `${uploaded}/**/*.xml`, 'upload-evidence': 'false' })
    expect(r.outputs.decision).toBe('allow')
    // By hand from examples/ledger-app/__tests__/posting.test.js: two CM-01 tests, one CM-03, all passing.
    expect(r.summary).toMatch(/\*\*CM-01\*\* Journal entries balance before they are posted \| ✅ PASS \| 2\/2 passed/)
    expect(r.summary).toMatch(/\*\*CM-03\*\* A closed period takes no more entries \| ✅ PASS \| 1\/1 passed/)
    expect(r.summary).toContain('1 report, 3 test cases (3 passed, 0 failed, 0 errors, 0 skipped), 0 not mapped to any control')
  }, 300_000)
})

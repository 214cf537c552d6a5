import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parse } from 'yaml'
import { ROOT } from './helpers/corpus.js'
import { docBlocks, type DocBlock } from './helpers/doc-blocks.js'
import { runCli, workspace } from './helpers/run.js'

// Every block a reader may copy from the README and docs/ (issue 24): it parses as what it says
// it is, a workflow passes GitHub's own parser and gives the action only inputs it declares, a
// control map is valid, a shell block is valid shell, and the README's own commands run. The
// workflows that run the gate are run end to end in recipes.test.ts; console blocks of cli.md and
// change-record.md in docs-cli.test.ts and docs-change-record.test.ts.

const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const all = DOCS.flatMap((file) => docBlocks(file).map((b) => ({ file, ...b })))
const named = (b: DocBlock & { file: string }) => `${b.file}:${b.line} (${b.lang || 'text'})`
const declared = Object.keys((parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs)

/** A whole workflow file: it names its triggers and its jobs. */
const isWorkflow = (doc: unknown): boolean => doc !== null && typeof doc === 'object' && 'jobs' in doc && 'on' in doc
/** A whole control map: a version and controls. */
const isControlMap = (doc: unknown): boolean => doc !== null && typeof doc === 'object' && 'version' in doc && 'controls' in doc

describe('every block of the README and docs/', () => {
  test('there are blocks to check, in every file that shows any', () => {
    expect(all.filter((b) => b.lang === 'yaml').length).toBeGreaterThanOrEqual(10)
  })

  test.each(all.filter((b) => b.lang === 'yaml').map((b) => [named(b), b] as const))('%s parses as YAML', (_, b) => {
    expect(() => parse(b.text)).not.toThrow()
  })

  const workflows = all.filter((b) => b.lang === 'yaml' && isWorkflow(parse(b.text)))
  test.each(workflows.map((b) => [named(b), b] as const))("%s is a workflow GitHub's parser accepts, and each step using the action gives declared inputs only", async (_, b) => {
    const parsed = parseWorkflow({ name: 'workflow.yml', content: b.text }, new NoOperationTraceWriter())
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([])
    const template = await convertWorkflowTemplate(parsed.context, parsed.value as NonNullable<typeof parsed.value>)
    expect((template.errors ?? []).map((e) => e.Message)).toEqual([])
    const steps = (parse(b.text) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> }).jobs
    for (const job of Object.values(steps)) {
      for (const step of job.steps ?? []) {
        if (!step.uses || !/^sox-gate\/sox-gate@/.test(step.uses)) continue
        for (const input of Object.keys(step.with ?? {})) expect([input, declared.includes(input)]).toEqual([input, true])
      }
    }
  })

  test('the workflows shown are the ones the recipe tests run', () => {
    expect(workflows.map((b) => b.text.split('\n')[0])).toEqual([
      '# .github/workflows/ci.yml: your tests, uploading their reports',
      '# .github/workflows/sox-gate.yml: the gate, re-run whenever its verdict can change',
      '# .github/workflows/ci.yml: a matrix, one artifact of reports per leg',
      '# .github/workflows/sox-gate-relay.yml: a review wakes the gate; it runs nothing of the pull request\'s',
      "# .github/workflows/sox-gate.yml: the gate, from the default branch's copy only, posting as the App"
    ])
  })

  const maps = all.filter((b) => b.lang === 'yaml' && isControlMap(parse(b.text)))
  test.each(maps.map((b) => [named(b), b] as const))('%s is a valid control map (sox-gate validate)', (_, b) => {
    const dir = workspace({ 'map.yml': b.text })
    const r = runCli(['validate', '--controls', 'map.yml'], dir)
    expect([r.stdout + r.stderr, r.code]).toEqual([expect.stringContaining('valid'), 0])
  })

  test.each(all.filter((b) => b.lang === 'sh').map((b) => [named(b), b] as const))('%s is valid shell (bash -n)', (_, b) => {
    const r = spawnSync('bash', ['-n'], { input: b.text, encoding: 'utf8' })
    expect([r.stderr, r.status]).toEqual(['', 0])
  })

  test.each(all.filter((b) => b.lang === 'json').map((b) => [named(b), b] as const))('%s parses as JSON (a fragment as the member of an object it is)', (_, b) => {
    const text = b.text.trim()
    expect(() => JSON.parse(text.startsWith('"') ? `{${text}}` : text)).not.toThrow()
  })
})

describe("the README's set-up commands, as a newcomer runs them", () => {
  test('`npm start` (after npm ci, which the test run itself needed): the bundled example allows, exit 0', () => {
    const r = spawnSync('npm', ['start', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('ALLOW')
    // What the README says of it: five rows, the four controls and SOX-GATE-INTEGRITY.
    for (const id of ['CM-01', 'CM-02', 'CM-03', 'CM-04', 'SOX-GATE-INTEGRITY']) expect(r.stdout).toContain(id)
  })
})

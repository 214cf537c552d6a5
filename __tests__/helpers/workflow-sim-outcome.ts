import type { FakeGitHub } from './fake-github.js'
import type { SimJob, SimRun, SimStep } from './workflow-sim-types.js'

/** The gate's step in a run: its decision output and its job summary. */
export interface GateStep {
  run: SimRun
  job: SimJob
  step: SimStep
  decision: string | undefined
  summary: string
}

const GATE = /^(sox-gate\/sox-gate@.+|\.\/?)$/

/** What one event (or a few, for a merge) caused: the runs, in the order they ran, and the check runs they posted. */
export class Outcome {
  constructor(
    readonly runs: SimRun[],
    readonly checkRuns: FakeGitHub['checkRuns']
  ) {}

  static join(a: Outcome, b: Outcome): Outcome {
    return new Outcome([...a.runs, ...b.runs], [...a.checkRuns, ...b.checkRuns])
  }

  private named(workflow: string): SimRun[] {
    return this.runs.filter((r) => r.name === workflow || r.path === workflow || r.path.endsWith(`/${workflow}`))
  }

  /** Runs of a workflow (by name, path or file name). */
  runsOf(workflow: string): SimRun[] {
    return this.named(workflow)
  }

  /** The one run of a workflow (by name, path or file name); throws naming what ran otherwise. */
  run(workflow: string): SimRun {
    const found = this.named(workflow)
    if (found.length !== 1) throw new Error(`${found.length} runs of ${workflow}; ran: ${this.describe()}`)
    return found[0] as SimRun
  }

  /** Every gate step that ran (not skipped), optionally of one workflow. */
  gates(workflow?: string): GateStep[] {
    const runs = workflow ? this.named(workflow) : this.runs
    return runs.flatMap((run) => run.jobs.flatMap((job) => job.steps.filter((s) => s.uses && GATE.test(s.uses) && s.outcome !== 'skipped').map((step) => ({ run, job, step, decision: step.outputs.decision, summary: step.summary ?? '' }))))
  }

  /** The one gate step that ran (optionally of one workflow); throws naming what ran otherwise. */
  gate(workflow?: string): GateStep {
    const found = this.gates(workflow)
    if (found.length !== 1) throw new Error(`${found.length} gate steps ran${workflow ? ` in ${workflow}` : ''}; ran: ${this.describe()}`)
    return found[0] as GateStep
  }

  /** The last check run of that name posted during this outcome. */
  checkRun(name = 'SOX compliance gate'): FakeGitHub['checkRuns'][number] | undefined {
    return [...this.checkRuns].reverse().find((c) => c.body.name === name)
  }

  /** "name (event/action #id: job=result, …)" for each run: what a failing assertion should show. */
  describe(): string {
    if (this.runs.length === 0) return 'nothing'
    return this.runs.map((r) => `${r.name} (${r.event}${r.action ? `/${r.action}` : ''} #${r.id}.${r.attempt}: ${r.jobs.map((j) => `${j.name}=${j.result}${j.error ? ` [${j.error}]` : ''}`).join(', ')})`).join('; ')
  }
}

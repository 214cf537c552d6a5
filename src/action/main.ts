import * as core from '@actions/core'
import { ConfigError } from '../errors.js'
import { runGate } from '../gate.js'
import { renderMarkdown } from '../render/markdown.js'
import { renderText } from '../render/text.js'
import { headline, mainReasons } from '../render/words.js'
import { readSettings } from './settings.js'

/** The action: settings → gate → outputs, summary, step result. */
export async function run(clock: () => Date = () => new Date()): Promise<void> {
  // Fail closed: until a decision is reached, the output says block.
  core.setOutput('decision', 'block')
  try {
    const settings = readSettings()
    const { map, result } = await runGate({ controlsPath: settings.controlMap, reportGlobs: settings.reports, now: clock(), cwd: settings.workspace })
    core.setOutput('decision', result.decision)
    core.setOutput('passed', String(result.counts.passed))
    core.setOutput('failed', String(result.counts.failed))
    core.setOutput('waived', String(result.counts.waived))
    core.info(renderText(map, result))
    for (const c of result.controls) {
      if (c.status === 'fail') core.error(`${c.id}: ${mainReasons(c).join('; ')}`, { title: `SOX control ${c.id} failed`, file: map.file, startLine: c.line })
    }
    await core.summary.addRaw(renderMarkdown(map, result)).write()
    if (result.decision === 'block') {
      if (settings.mode === 'enforce') core.setFailed(`SOX compliance gate: ${headline(result)}`)
      else core.warning(`SOX compliance gate (report-only, not enforced): ${headline(result)}`)
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) {
        core.error(p.message, { title: 'sox-gate configuration error', file: p.file, startLine: p.line, startColumn: p.col })
      }
      core.setFailed(`sox-gate could not evaluate the change (configuration error):\n${e.message}`)
    } else {
      core.setFailed(`sox-gate internal error: ${(e as Error).message}`)
      core.debug((e as Error).stack ?? '')
    }
    process.exitCode = 2
  }
}

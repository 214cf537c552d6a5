import { decisionObject } from '../render/decision-json.js'
import { escapesOf, renderMarkdown } from '../render/markdown.js'
import { renderCsv, renderFailuresCsv } from './csv.js'
import { renderHtml, type HtmlInputs } from './html.js'
import { renderOscal } from './oscal.js'
import { stableJson } from './stable-json.js'

/** Everything the rendered files are drawn from: the evaluation and what the manifest records. */
export type RenderInputs = HtmlInputs

/** The rendered files of a bundle and the order they are written in. */
export const RENDERED_FILES = ['decision.json', 'summary.md', 'controls.csv', 'failures.csv', 'report.html', 'oscal/assessment-results.json'] as const

/** Rendered files that bundles of earlier versions do not have: verify compares them only where the manifest lists them. */
export const ADDED_LATER: readonly string[] = ['failures.csv']

/**
 * Every rendered file of the bundle, from the evaluation and what the manifest records. The
 * writer and `verify` both call this one function, so a bundle re-rendered from its re-performed
 * result must equal the kept files byte for byte; `manifestVersion` renders each file as that
 * version of the bundle had it. Rendered one at a time, as they are asked for:
 * with thousands of failing tests each file is megabytes, and only one is held at once.
 */
export function* renderBundleFiles(x: RenderInputs): Generator<[(typeof RENDERED_FILES)[number], string]> {
  const seed = `${x.controlMapSha256}:${x.result.evaluatedAt}:${x.run.runId ?? ''}`
  yield ['decision.json', stableJson(decisionObject(x.map, x.result, x.manifestVersion === 1 ? undefined : x.mode))]
  yield ['summary.md', renderMarkdown(x.map, x.result, undefined, escapesOf(x.manifestVersion))]
  yield ['controls.csv', renderCsv(x.map, x.result)]
  yield ['failures.csv', renderFailuresCsv(x.result)]
  yield ['report.html', renderHtml(x)]
  yield ['oscal/assessment-results.json', stableJson(renderOscal({ map: x.map, result: x.result, toolVersion: x.toolVersion, reportFiles: x.reportFiles, seed, manifestVersion: x.manifestVersion }))]
}

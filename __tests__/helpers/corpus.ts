import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeWhen } from './prerequisites.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/**
 * The Node binary the bundled CLI and action run on: this one, or SOX_GATE_TEST_NODE (`.ci/run`
 * runs the CLI and action suites again on Node 24, the action's runtime, with it).
 */
export const NODE = process.env.SOX_GATE_TEST_NODE || process.execPath
/** The shared corpus of real reports lives beside the project, never inside it. */
export const CORPUS = path.resolve(ROOT, '../shared/corpus')
export const HAS_CORPUS = existsSync(CORPUS)
/** `describe` that skips, with its name saying why, when ../shared is not there. */
export const describeCorpus = describeWhen(HAS_CORPUS ? undefined : '../shared/corpus is absent (the shared corpus of real reports, beside the checkout)')
export const FIXTURES = path.join(ROOT, '__fixtures__')

/**
 * The files of a corpus folder, sorted. Jest runs a skipped describe's body to collect its tests,
 * so without the corpus this returns one placeholder row (for `test.each`) instead of throwing.
 */
export function corpusFiles(dir: string): string[] {
  return HAS_CORPUS ? readdirSync(path.join(CORPUS, dir)).sort() : ['(../shared/corpus is absent)']
}

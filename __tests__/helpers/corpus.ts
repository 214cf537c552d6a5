import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The shared corpus of real reports lives beside the project, never inside it. */
export const CORPUS = path.resolve(ROOT, '../shared/corpus')
export const HAS_CORPUS = existsSync(CORPUS)
/** `describe` that skips, with its name saying why, when ../shared is not there. */
export const describeCorpus = HAS_CORPUS ? describe : describe.skip
export const FIXTURES = path.join(ROOT, '__fixtures__')

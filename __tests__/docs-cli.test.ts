import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { COMMANDS } from '../src/cli/help.js'
import { ROOT } from './helpers/corpus.js'
import { differsFromShown, docBlocks, sessions, type Session } from './helpers/doc-blocks.js'
import { runCli, workspace } from './helpers/run.js'

// docs/cli.md (issue 24): every `$ sox-gate …` of its console blocks is run, in the page's order,
// from a folder holding a copy of examples/ (as the page says), with the bundled CLI, and must
// exit with the code its `# exit N` gives (0 without one) and print what the page shows.
const DOC = 'docs/cli.md'
const all: Session[] = docBlocks(DOC)
  .filter((b) => b.lang === 'console')
  .flatMap((b) => sessions(b))

describe('docs/cli.md: every example, run as the page shows it', () => {
  const dir = workspace({})
  cpSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true })

  test('the page has examples of every command it documents and of each mistake it names', () => {
    const commands = all.map((s) => s.args[1])
    for (const c of ['check', 'verify', 'validate', 'help', '--frobnicate', '-v']) expect(commands).toContain(c)
    expect(all.length).toBeGreaterThanOrEqual(15)
  })

  test.each(all.map((s) => [`line ${s.line}: ${s.command}`, s] as const))('%s', (_, s) => {
    expect(s.args[0]).toBe('sox-gate')
    const r = runCli(s.args.slice(1), dir)
    expect({ exit: r.code, differs: differsFromShown(r.stdout + r.stderr, s.output) }).toEqual({ exit: s.exit, differs: undefined })
  })

  test('every option of every command (sox-gate help COMMAND) is in the page\'s tables, and nothing else is', () => {
    const page = readFileSync(path.join(ROOT, DOC), 'utf8')
    const documented = new Set([...page.matchAll(/^\| `(--[a-z0-9-]+)[^`]*` \|/gm)].map((m) => m[1]))
    const known = new Set(Object.values(COMMANDS).flatMap((c) => c.options.map((o) => `--${o.name}`)))
    expect([...documented].sort()).toEqual([...known].sort())
    const synopses = docBlocks(DOC).find((b) => b.lang === '')?.text ?? ''
    for (const name of Object.keys(COMMANDS)) expect(synopses).toMatch(new RegExp(`^sox-gate ${name} `, 'm'))
  })
})

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './helpers/corpus.js'
import { differsFromShown, docBlocks, sessions, type DocBlock } from './helpers/doc-blocks.js'
import { runCli, workspace } from './helpers/run.js'

// docs/change-record.md (issue 24): its blocks copied verbatim, as a reader copies them, into a
// fresh folder; each console transcript run there with the bundled CLI and compared, line by
// line, with what the page shows. The page cannot rot without this failing.
const DOC = 'docs/change-record.md'
const blocks = docBlocks(DOC)
const only = (lang: string): DocBlock => {
  const found = blocks.filter((b) => b.lang === lang)
  if (found.length !== 1) throw new Error(`${DOC}: expected one ${lang} block, found ${found.length}`)
  return found[0] as DocBlock
}
const transcripts = blocks.filter((b) => b.lang === 'console').map((b) => ({ block: b, sessions: sessions(b) }))
const record = JSON.parse(only('json').text) as { commits: { coAuthors: unknown[] }[]; trust?: unknown }

/** The folder the page describes: change.json, the map and the report, each exactly as shown. */
function folder(extra: Record<string, string> = {}): string {
  return workspace({ 'change.json': only('json').text, '.github/sox-controls.yml': only('yaml').text, 'reports/junit.xml': only('xml').text, ...extra })
}

function runShown(dir: string, transcript: number): void {
  const t = transcripts[transcript]
  if (!t) throw new Error(`${DOC}: no console block number ${transcript + 1}`)
  for (const s of t.sessions) {
    expect(s.args[0]).toBe('sox-gate')
    const r = runCli(s.args.slice(1), dir)
    const printed = r.stdout + r.stderr
    expect({ line: s.line, exit: r.code, differs: differsFromShown(printed, s.output) }).toEqual({ line: s.line, exit: s.exit, differs: undefined })
  }
}

describe('docs/change-record.md, copied as a reader copies it', () => {
  test('the page holds one record, one map, one report and three transcripts', () => {
    expect(transcripts).toHaveLength(3)
    expect(record.trust).toBeUndefined()
  })

  test('the minimal record is accepted as is: ALLOW, and the approval control passes on carol', () => {
    const dir = folder()
    runShown(dir, 0)
    // The reason the page quotes, from --format json (text shows reasons only for what did not pass).
    const json = JSON.parse(runCli(['check', '--change', 'change.json', '--format', 'json'], dir).stdout) as { controls: { id: string; reasons: { message: string }[] }[] }
    const reason = 'pull request #42 has 1 independent approval (carol) on head 9f8e7d6; min-approvals is 1; authors: alice'
    expect(json.controls.find((c) => c.id === 'CM-02')?.reasons.map((r) => r.message)).toEqual([reason])
    expect(readFileSync(path.join(ROOT, DOC), 'utf8').replace(/\s+/g, ' ')).toContain(reason)
  })

  test('the same record is accepted with another map too (the repository example map): nothing in it is tied to a map', () => {
    const examples = ['examples/sox-controls.yml', 'examples/reports/java/TEST-com.example.ledger.close.PeriodCloseTest.xml', 'examples/reports/java/TEST-com.example.ledger.posting.PostingServiceTest.xml', 'examples/reports/web/junit.xml']
    const dir = folder(Object.fromEntries(examples.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')])))
    const r = runCli(['check', '--controls', 'examples/sox-controls.yml', '--change', 'change.json', '--now', '2026-11-22T12:00:00Z'], dir)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('ALLOW: 5 of 5 controls passed, 0 failed, 0 waived')
  })

  test('carol made a co-author, as the page says: her approval stops counting and the gate blocks, naming why', () => {
    const page = readFileSync(path.join(ROOT, DOC), 'utf8')
    const coAuthors = /"coAuthors": (\[\{[^\]]*\}\])/.exec(page)?.[1]
    expect(coAuthors).toBeDefined()
    record.commits[0]!.coAuthors = JSON.parse(coAuthors as string) as unknown[]
    runShown(folder({ 'change.json': JSON.stringify(record, null, 2) }), 1)
  })

  test('examples/change.json beside your own map: exit 2, one line naming the change record and both ways out; without trust it is accepted', () => {
    const example = readFileSync(path.join(ROOT, 'examples/change.json'), 'utf8')
    const dir = folder({ 'example-change.json': example })
    runShown(dir, 2)
    // The second way out, taken: the same record without `trust` is judged by the map as given.
    const withoutTrust = JSON.parse(example) as Record<string, unknown>
    delete withoutTrust.trust
    writeFileSync(path.join(dir, 'example-change.json'), JSON.stringify(withoutTrust))
    const r = runCli(['check', '--change', 'example-change.json'], dir)
    expect(r.stderr).toBe('')
    // Its people do not approve pull request #42's map: CM-02 is judged (and passes on carol), not refused.
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('records no trust facts: the control map given (.github/sox-controls.yml, sha256')
  })
})

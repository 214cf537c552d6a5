// A jest reporter: at the end of a run, every test that was skipped for something missing on
// this machine (helpers/prerequisites.ts names such a suite "… [skipped: why]"), counted by file
// and reason, so a green `npm test` never hides what it did not run.
export default class SkipReporter {
  onRunComplete(_contexts, results) {
    const byReason = new Map()
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status !== 'pending') continue
        const why = [...t.ancestorTitles, t.title].map((s) => /\[skipped: (.+)\]$/.exec(s)?.[1]).find(Boolean)
        if (!why) continue
        const name = file.testFilePath.replace(/^.*__tests__\//, '')
        const at = byReason.get(why) ?? new Map()
        at.set(name, (at.get(name) ?? 0) + 1)
        byReason.set(why, at)
      }
    }
    if (byReason.size === 0) {
      process.stderr.write('\nSkipped for something missing on this machine: nothing.\n')
      return
    }
    process.stderr.write('\nSkipped for something missing on this machine:\n')
    for (const [why, files] of byReason) {
      const list = [...files].map(([f, n]) => `${f} (${n})`).join(', ')
      process.stderr.write(`  - ${why}: ${list}\n`)
    }
  }
}

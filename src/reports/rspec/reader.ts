import { emitCase } from '../case-frame.js'
import { num, obj, str, streamJson } from '../json.js'
import { emptyStats, recordCrash, type ReportReader, type TestStatus } from '../model.js'

const STATUS: Record<string, TestStatus> = { passed: 'passed', failed: 'failed', pending: 'skipped' }

/**
 * RSpec `--format json` (`examples[]`): the full description less the example's own is the suite.
 * Errors outside of examples (a spec file that failed to load, a failing `before(:suite)`) are a
 * crash of the report (SPEC §12).
 */
export const rspecReader: ReportReader = {
  format: 'rspec',
  sniff: (head) => /^\s*\{/.test(head) && /"examples"\s*:\s*\[/.test(head) && /"full_description"|"version"\s*:\s*"3\./.test(head),
  async read(chunks, reportPath, sink) {
    const stats = emptyStats('rspec')
    await streamJson(chunks, reportPath, 'RSpec', ['$.examples.*', '$.summary'], (value, keys, line) => {
      if (keys.length === 1) {
        // $.summary: the only value at depth one.
        const outside = num(obj(value).errors_outside_of_examples_count) ?? 0
        if (outside > 0) recordCrash(stats, `${outside} error${outside === 1 ? '' : 's'} outside of examples (a file that failed to load, a failing before(:suite))`, line)
        return
      }
      const e = obj(value)
      const name = str(e.description) ?? ''
      const full = str(e.full_description) ?? name
      emitCase(reportPath, stats, sink, {
        line,
        suite: full.endsWith(name) ? full.slice(0, full.length - name.length).trim() : '',
        classname: '',
        name,
        file: str(e.file_path)?.replace(/^\.\//, ''),
        fileLine: num(e.line_number),
        status: STATUS[str(e.status) ?? ''] ?? 'error',
        duration: num(e.run_time),
        message: str(obj(e.exception).message) ?? str(e.pending_message)
      })
    })
    return stats
  }
}

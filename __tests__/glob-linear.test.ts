import { loadControlMap } from '../src/controls/load.js'
import { ConfigError } from '../src/errors.js'
import { ControlIndex } from '../src/engine/mapping.js'
import { testCase } from './helpers/engine.js'
import { runCli, workspace } from './helpers/run.js'

/*
 * Issue 22, item 3, from the attacker's side: the change writes its test names, so a glob
 * selector must answer in time linear in the name — picomatch's backtracking expressions took
 * 25-60 s for `*ledger*posting*balances*` on a 30 KB name, and hung on a pathological glob.
 */

const indexOf = (selectors: string): { match: (partial: Parameters<typeof testCase>[0]) => boolean } => {
  const map = loadControlMap(`version: 1\nsystem: s\ncontrols:\n  - { id: A, title: t, tests: [${selectors}] }\n`, 'map.yml')
  const index = new ControlIndex(map.controls)
  return { match: (partial) => index.match(testCase(partial)).length > 0 }
}

/** Milliseconds `f` takes, and its answer. */
function timed<T>(f: () => T): { ms: number; value: T } {
  const started = performance.now()
  const value = f()
  return { ms: performance.now() - started, value }
}

// "Well under a second" on a shared 2-core machine; RE2 takes milliseconds here, picomatch took minutes.
const BOUND_MS = 500

describe('globs are matched in linear time whatever name the change writes', () => {
  const pathological = '*a*a*a*a*a*a*a*a*b'
  const megabyte = 'a'.repeat(1_000_000)

  test('name: the pathological glob against a 1 MB test name', () => {
    const { ms, value } = timed(() => indexOf(`{ name: "${pathological}" }`).match({ name: megabyte }))
    expect(value).toBe(false)
    expect(ms).toBeLessThan(BOUND_MS)
  })

  test('suite: and file: the same, on a 1 MB suite name and a 1 MB file path', () => {
    const suite = timed(() => indexOf(`{ suite: "${pathological}" }`).match({ name: 'x', suite: megabyte, classname: megabyte.slice(1) }))
    expect(suite.value).toBe(false)
    expect(suite.ms).toBeLessThan(BOUND_MS)
    const file = timed(() => indexOf(`{ file: "${pathological}" }`).match({ name: 'x', file: megabyte }))
    expect(file.value).toBe(false)
    expect(file.ms).toBeLessThan(BOUND_MS)
    const deep = timed(() => indexOf('{ file: "src/**/close/**/*.ts" }').match({ name: 'x', file: `src/${'a/'.repeat(500_000)}x.ts` }))
    expect(deep.value).toBe(false)
    expect(deep.ms).toBeLessThan(BOUND_MS)
  })

  test('*ledger*posting*balances* against a 30 KB name: no match, then a match at its very end', () => {
    const index = indexOf('{ name: "*ledger*posting*balances*" }')
    const name = 'ledger posting '.repeat(2_000)
    expect(name.length).toBe(30_000)
    const miss = timed(() => index.match({ name }))
    expect(miss.value).toBe(false)
    expect(miss.ms).toBeLessThan(BOUND_MS)
    const hit = timed(() => index.match({ name: `${name}balances` }))
    expect(hit.value).toBe(true)
    expect(hit.ms).toBeLessThan(BOUND_MS)
  })

  test('through the CLI: a hand-written report with a 1 MB test name, a map with the pathological glob — an answer in seconds', () => {
    const map = `version: 1\nsystem: s\nreports: ["r.xml"]\ncontrols:\n  - { id: A, title: t, tests: [{ name: "${pathological}" }, { suite: "${pathological}" }, { tag: A }] }\n`
    const report = `<testsuite name="${megabyte}"><testcase classname="${megabyte}" name="${megabyte}"/><testcase name="proof [A]"/></testsuite>\n`
    const dir = workspace({ '.github/sox-controls.yml': map, 'r.xml': report })
    const started = Date.now()
    const r = runCli(['check', '--format', 'json', '--now', '2026-11-22T12:00:00Z'], dir)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { controls: { id: string; tests: { matched: number } }[] }).controls.find((c) => c.id === 'A')?.tests.matched).toBe(1)
  })
})

describe('glob meaning is the one the map had (worked out by hand)', () => {
  const cases: [selector: string, partial: Parameters<typeof testCase>[0], matches: boolean][] = [
    // name: `*` crosses "/" and " › "; the own name or the full name
    ['{ name: "Ledger posting * balances" }', { name: 'Ledger posting in EUR/USD balances' }, true],
    ['{ name: "Ledger posting * balances" }', { name: 'Ledger posting balances' }, false],
    ['{ name: "PostingSuite › *" }', { suite: 'PostingSuite', name: 'anything' }, true],
    ['{ name: "a?c" }', { name: 'abc' }, true],
    ['{ name: "a?c" }', { name: 'a/c' }, false],
    ['{ name: "a?c" }', { name: 'ac' }, false],
    ['{ name: "*" }', { name: '' }, false],
    ['{ name: "refund {card,iban}*" }', { name: 'refund iban to DE' }, true],
    ['{ name: "refund {card,iban}*" }', { name: 'refund cash' }, false],
    ['{ name: "case {1..3}" }', { name: 'case 2' }, true],
    ['{ name: "case {1..3}" }', { name: 'case 4' }, false],
    ['{ name: "case [a-c]x" }', { name: 'case bx' }, true],
    ['{ name: "case [!a-c]x" }', { name: 'case bx' }, false],
    ['{ name: "case [!a-c]x" }', { name: 'case dx' }, true],
    ['{ name: "case [[:digit:]]" }', { name: 'case 7' }, true],
    ['{ name: "@(refund|chargeback) ok" }', { name: 'chargeback ok' }, true],
    ['{ name: "+(ab)" }', { name: 'ababab' }, true],
    ['{ name: "+(ab)" }', { name: 'aba' }, false],
    ['{ name: "x?(y)z" }', { name: 'xz' }, true],
    ['{ name: "literal \\\\* star" }', { name: 'literal * star' }, true],
    ['{ name: "literal \\\\* star" }', { name: 'literal x star' }, false],
    ['{ name: "(a|b) c" }', { name: 'b c' }, true],
    ['{ name: "!*flaky*" }', { name: 'steady' }, true],
    ['{ name: "!*flaky*" }', { name: 'a flaky one' }, false],
    // Regex characters in a glob are text.
    ['{ name: "total = $5.00 \\\\(net\\\\)^2" }', { name: 'total = $5.00 (net)^2' }, true],
    // …but a bare ( ) is a group, as it was: escape parentheses meant as text.
    ['{ name: "posting (EUR) *" }', { name: 'posting EUR x' }, true],
    ['{ name: "posting (EUR) *" }', { name: 'posting (EUR) x' }, false],
    ['{ name: "a.c*" }', { name: 'abc' }, false],
    // suite: on the suite or the classname
    ['{ suite: "com.example.ledger.*" }', { name: 'a', suite: 'pytest', classname: 'com.example.ledger.test_post' }, true],
    ['{ suite: "*-integration" }', { name: 'a', suite: 'ledger-integration' }, true],
    ['{ suite: "*" }', { name: 'a', suite: '' }, false],
    // file: `*` within a folder, `**` any number of folders (none included)
    ['{ file: "src/ledger/*.ts" }', { name: 'a', file: 'src/ledger/post.ts' }, true],
    ['{ file: "src/ledger/*.ts" }', { name: 'a', file: 'src/ledger/sub/post.ts' }, false],
    ['{ file: "src/**/close/**" }', { name: 'a', file: 'src/app/close/period/x.ts' }, true],
    ['{ file: "src/**/close/**" }', { name: 'a', file: 'src/close/x.ts' }, true],
    ['{ file: "**/*.spec.ts" }', { name: 'a', file: 'post.spec.ts' }, true],
    ['{ file: "**/*.spec.ts" }', { name: 'a', file: 'a/b/post.spec.ts' }, true],
    ['{ file: "src/ledger/**" }', { name: 'a', file: 'src/ledger/deep/x.ts' }, true],
    ['{ file: "src/?.ts" }', { name: 'a', file: 'src/a.ts' }, true],
    ['{ file: "src/[!x].ts" }', { name: 'a', file: 'src//.ts' }, false]
  ]
  test.each(cases)('%s on %j: %s', (selector, partial, expected) => {
    expect(indexOf(selector).match(partial)).toBe(expected)
  })
})

describe('what cannot be matched in linear time is refused when the map is loaded (FILE:LINE:COL)', () => {
  const problem = (glob: string, kind = 'name'): string => {
    try {
      loadControlMap(`version: 1\nsystem: s\ncontrols:\n  - id: A\n    title: t\n    tests:\n      - ${kind}: ${JSON.stringify(glob)}\n`, 'map.yml')
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      return (e as Error).message
    }
    return 'loaded'
  }
  test('a negated extglob !(…), which needs backtracking', () => {
    expect(problem('!(flaky)*')).toMatch(/^map\.yml:7:\d+ control "A": invalid name glob "!\(flaky\)\*": "!\(" at 1: a negated extglob can only be matched by backtracking/)
    expect(problem('src/!(gen)/*.ts', 'file')).toMatch(/invalid file glob .*a negated extglob/)
  })
  test('an unclosed [ or {, a lone trailing backslash, a backwards range, a range of more than 1,000 numbers', () => {
    expect(problem('ledger.[posting', 'suite')).toMatch(/invalid suite glob "ledger\.\[posting": unclosed "\[" at 8/)
    expect(problem('{a,b')).toMatch(/unclosed "\{" at 1/)
    expect(problem('a\\')).toMatch(/ends with a lone "\\"/)
    expect(problem('[z-a]')).toMatch(/the range z-a runs backwards/)
    expect(problem('{1..5000}')).toMatch(/names more than 1000 numbers/)
  })
})

import picomatch from 'picomatch'
import { loadControlMap } from '../src/controls/load.js'
import { compileSelectorRegex } from '../src/controls/regex.js'
import { globRequiredLiteral, regexRequirements } from '../src/engine/required-literals.js'
import { ControlIndex } from '../src/engine/mapping.js'
import { fullName } from '../src/reports/model.js'
import { testCase } from './helpers/engine.js'

describe('required literals', () => {
  test.each([
    ['*scenario 675 *', 'scenario 675 '],
    ['Ledger posting * balances', 'Ledger posting '],
    ['a*[xyz]longer-than-a*', 'longer-than-a'],
    ['*{alpha,beta}*gamma', 'gamma'],
    ['*@(one|two)three', 'three'],
    ['\\*literal star*', '*literal star'],
    ['!negated', ''],
    ['*', '']
  ])('glob %j requires %j', (glob, literal) => {
    expect(globRequiredLiteral(glob)).toBe(literal)
  })

  test.each([
    ['^Posting .* rejects unbalanced', [['Posting '], [' rejects unbalanced']]],
    ['^com\\.example\\.mod0\\..* handles case 0$', [['com.example.mod0.'], [' handles case 0']]],
    ['colou?r balance', [['colo'], ['r balance']]],
    ['ab*c-long', [['a'], ['c-long']]],
    ['(?:optional group)?tail', [['tail']]],
    ['x{0,3}yz', [['yz']]],
    ['one|two', []],
    ['\\d+ items in [a-z]+ batch', [[' items in '], [' batch']]],
    ['\\u{1F600}face', [['face']]],
    // A group of plain alternatives multiplies with the text around it; one outside any group gives up.
    ['^scenario 0 (handles|posts) case \\d+', [['scenario 0 handles case ', 'scenario 0 posts case ']]],
    ['amount (3|4)\\d\\d and currency', [['amount 3', 'amount 4'], [' and currency']]],
    ['(?:refund|chargeback) path', [['refund path', 'chargeback path']]],
    ['(refund|chargeback)? path', [[' path']]],
    ['(a|b)xyz|cde', []],
    ['([(])|cde', []],
    ['xyz([(])c', [['xyz'], ['c']]],
    ['a[|]bcd', [['a'], ['bcd']]],
    // A `]` first in a class is a member, as is a POSIX class: `x[]abc]y` matches "x]y".
    ['x[]abc]y', [['x'], ['y']]],
    ['x[^]abc]y', [['x'], ['y']]],
    ['[[:alpha:]xyzw]ab', [['ab']]],
    // Escapes with an argument stand for one other character: `\\x41BCD` matches "ABCD".
    ['\\x41BCD', [['BCD']]],
    ['\\x{41}BCD', [['BCD']]],
    ['\\101BCD', [['BCD']]],
    ['\\pLxyz', [['xyz']]],
    ['\\p{Greek}xyz', [['xyz']]],
    // An optional counted quantifier is skipped whole, never read as text: `x\\d{0,3}y` matches "xy".
    ['x\\d{0,3}y', [['x'], ['y']]],
    ['(ab){0,3}yz', [['yz']]],
    ['[a-z]{0,12}yz', [['yz']]]
  ])('regex %j requires %j', (source, groups) => {
    expect(regexRequirements(source)).toEqual(groups)
  })

  test('every text the regex matches holds an alternative of every required group (RE2 itself says so)', () => {
    const samples: [string, string][] = [
      ['x[]abc]y', 'x]y'],
      ['x[^]abc]y', 'xqy'],
      ['\\x41BCD', 'ABCD'],
      ['\\101BCD', 'ABCD'],
      ['\\pLxyz', 'éxyz'],
      ['[[:alpha:]xyzw]ab', 'qab'],
      ['x\\d{0,3}y', 'xy'],
      ['(ab){0,3}yz', 'yz'],
      ['^scenario 0 (handles|posts) case \\d+', 'scenario 0 posts case 7'],
      ['amount (3|4)\\d\\d and currency', 'amount 412 and currency']
    ]
    for (const [source, text] of samples) {
      expect(compileSelectorRegex(source).test(text)).toBe(true)
      for (const group of regexRequirements(source)) expect(group.some((literal) => text.includes(literal))).toBe(true)
    }
  })
})

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x / 0x7fffffff
  }
}

describe('the index never skips a test a regex matches (before issue 13 all but the {0,3} escape case were skipped)', () => {
  test.each([
    ['x[]abc]y', 'x]y'],
    ['\\x41BCD', 'ABCD'],
    ['\\101BCD', 'ABCD'],
    ['\\pLxyz', 'éxyz'],
    ['x\\d{0,3}yz', 'xyz'],
    ['(ab){0,3}yz', 'yz']
  ])('regex %j selects a test named %j', (pattern, name) => {
    const map = loadControlMap(`version: 1\nsystem: s\ncontrols:\n  - { id: C, title: t, tests: [{ regex: ${JSON.stringify(pattern)} }] }\n`, 'map.yml')
    expect(new ControlIndex(map.controls).match(testCase({ suite: 'S', name }))).toEqual([0])
  })
})

describe('indexed mapping equals trying every selector on every case', () => {
  test('regexes with inner alternations, anchors and word boundaries: own name and full name both searched', () => {
    const rand = rng(7)
    const words = ['ledger', 'post', 'balance', 'close', 'period', 'EUR', 'case', 'rejects', 'refund', 'amount']
    const pick = (): string => words[Math.floor(rand() * words.length)] as string
    const phrase = (n: number): string => Array.from({ length: n }, pick).join(' ')
    const templates = [
      (): string => `(${pick()}|${pick()}) ${pick()}`,
      (): string => `${pick()} (?:${pick()}|${pick()})$`,
      (): string => `^${pick()} ${pick()}`,
      (): string => `\\b${pick()}s? ${pick()}`,
      (): string => `${pick()} \\w+ ${pick()}$`,
      (): string => `^(${pick()}|${pick()})`,
      (): string => `${pick()}[\\]x]?`,
      (): string => `${pick()}|${pick()} ${pick()}`,
      (): string => `${pick()}.*(${pick()}|${pick()}) ${pick()}`,
      (): string => `${pick()} [a-z]{0,12} ?${pick()}`
    ]
    const patterns = Array.from({ length: 100 }, (_, i) => (templates[i % templates.length] as () => string)())
    const yaml = `version: 1\nsystem: s\ncontrols:\n${patterns.map((p, i) => `  - { id: C${i}, title: t, tests: [{ regex: ${JSON.stringify(p)} }] }`).join('\n')}\n`
    const map = loadControlMap(yaml, 'map.yml')
    const index = new ControlIndex(map.controls)
    const models = patterns.map((p) => new RegExp(p, 'u'))
    let matchedPairs = 0
    let ownOnly = 0
    for (let n = 0; n < 2000; n++) {
      const tc = testCase({ suite: phrase(2), classname: rand() < 0.5 ? phrase(1) : '', name: phrase(3) })
      const full = fullName(tc)
      const expected = models.flatMap((re, i) => (re.test(tc.name) || re.test(full) ? [i] : []))
      ownOnly += models.filter((re) => re.test(tc.name) && !re.test(full)).length
      matchedPairs += expected.length
      expect(index.match(tc)).toEqual(expected)
    }
    // Anchored patterns that match only the own name must occur, or the own-name search is untested.
    expect(ownOnly).toBeGreaterThan(50)
    const share = matchedPairs / (2000 * patterns.length)
    expect(share).toBeGreaterThan(0.05)
    expect(share).toBeLessThan(0.6)
  })

  test('2,000 generated cases × 120 generated selectors', () => {
    const rand = rng(42)
    const words = ['ledger', 'post', 'balance', 'lance', 'close', 'period', 'riod', 'EUR', 'a.b', 'x/y', '[CM-1]', 'case', 'ase', '›', 'rejects']
    const pick = (): string => words[Math.floor(rand() * words.length)] as string
    const phrase = (n: number): string => Array.from({ length: n }, pick).join(' ')
    const selectors: string[] = []
    for (let i = 0; i < 120; i++) {
      const kind = i % 4
      const w = pick().replace(/[[\]]/g, '')
      if (kind === 0) selectors.push(`{ name: ${JSON.stringify(rand() < 0.5 ? `*${w}*` : `${w} *`)} }`)
      else if (kind === 1) selectors.push(`{ regex: ${JSON.stringify(rand() < 0.5 ? `${w.replace(/[.]/g, '\\.')} ?\\w+` : `^${w.replace(/[.]/g, '\\.')}`)} }`)
      else if (kind === 2) selectors.push(`{ suite: ${JSON.stringify(`*${w}*`)} }`)
      else selectors.push(`{ file: ${JSON.stringify(`src/${w.replace(/[ ›]/g, '')}/**`)} }`)
    }
    const yaml = `version: 1\nsystem: s\ncontrols:\n${selectors.map((sel, i) => `  - { id: C${i}, title: t, tests: [${sel}] }`).join('\n')}\n`
    const map = loadControlMap(yaml, 'map.yml')
    const index = new ControlIndex(map.controls)
    const brute = (tc: ReturnType<typeof testCase>): number[] =>
      map.controls.flatMap((c, i) => {
        const s = c.tests[0]
        if (!s) return []
        const full = fullName(tc)
        const glob = (x: string, bash: boolean): boolean => picomatch.makeRe(s.pattern, { dot: true, bash }).test(x)
        const ok =
          s.kind === 'name' ? glob(tc.name, true) || glob(full, true)
          : s.kind === 'regex' ? new RegExp(s.pattern, 'u').test(tc.name) || new RegExp(s.pattern, 'u').test(full)
          : s.kind === 'suite' ? glob(tc.suite, true) || (tc.classname !== '' && glob(tc.classname, true))
          : tc.file !== undefined && glob(tc.file, false)
        return ok ? [i] : []
      })
    let matchedPairs = 0
    for (let n = 0; n < 2000; n++) {
      const tc = testCase({ suite: phrase(2), classname: rand() < 0.5 ? phrase(1) : '', name: phrase(3), file: `src/${pick().replace(/[ ›]/g, '')}/t.ts` })
      const expected = brute(tc)
      matchedPairs += expected.length
      expect(index.match(tc)).toEqual(expected)
    }
    // The generator must exercise both outcomes, or the comparison proves little.
    const share = matchedPairs / (2000 * selectors.length)
    expect(share).toBeGreaterThan(0.05)
    expect(share).toBeLessThan(0.6)
  })
})

import { loadControlMap } from '../src/controls/load.js'
import { ControlIndex } from '../src/engine/mapping.js'
import { testCase } from './helpers/engine.js'

const map = loadControlMap(
  `version: 1
system: s
controls:
  - { id: TAG, title: t, tests: [{ tag: CM-01 }] }
  - { id: NAME, title: t, tests: [{ name: "Ledger posting * balances" }] }
  - { id: FULL, title: t, tests: [{ name: "PostingSuite › *" }] }
  - { id: SUITE, title: t, tests: [{ suite: "com.example.ledger.*" }] }
  - { id: FILE, title: t, tests: [{ file: "src/ledger/*.ts" }] }
  - { id: DEEP, title: t, tests: [{ file: "src/**/close/**" }] }
  - { id: REGEX, title: t, tests: [{ regex: "^Posting .* rejects unbalanced" }] }
  - { id: EXACT, title: t, tests: [{ name: "exactly this" }] }
  - { id: ANY, title: t, tests: [{ suite: "*-integration" }] }
`,
  'map.yml'
)
const ids = map.controls.map((c) => c.id)
const index = new ControlIndex(map.controls)
const matched = (partial: Parameters<typeof testCase>[0]): string[] => index.match(testCase(partial)).map((i) => ids[i] as string)

describe('mapping: each selector kind', () => {
  test('tag: exact, from the case tags only', () => {
    expect(matched({ name: 'x', tags: ['CM-01'] })).toEqual(['TAG'])
    expect(matched({ name: 'x', tags: ['CM-011', 'cm-01'] })).toEqual([])
  })

  test('name: glob on the own name or the full name; * crosses "/" and " › "', () => {
    expect(matched({ name: 'Ledger posting in EUR/USD balances' })).toEqual(['NAME'])
    expect(matched({ suite: 'PostingSuite', name: 'anything at all' })).toEqual(['FULL'])
    expect(matched({ suite: 'Other', name: 'Ledger posting x balances!' })).toEqual([])
    expect(matched({ name: 'exactly this' })).toEqual(['EXACT'])
    expect(matched({ name: 'exactly this too' })).toEqual([])
  })

  test('suite: glob on the suite name or the classname', () => {
    expect(matched({ suite: 'com.example.ledger.PostingTest', name: 'a' })).toEqual(['SUITE'])
    expect(matched({ suite: 'pytest', classname: 'com.example.ledger.test_post', name: 'a' })).toEqual(['SUITE'])
    expect(matched({ suite: 'com.example.billing.X', name: 'a' })).toEqual([])
    expect(matched({ suite: 'ledger-integration', name: 'a' })).toEqual(['ANY'])
  })

  test('file: path glob, * stays within a folder, ** crosses folders', () => {
    expect(matched({ name: 'a', file: 'src/ledger/post.ts' })).toEqual(['FILE'])
    expect(matched({ name: 'a', file: 'src/ledger/sub/post.ts' })).toEqual([])
    expect(matched({ name: 'a', file: 'src/app/close/period/x.ts' })).toEqual(['DEEP'])
  })

  test('regex: searched in the own name or the full name', () => {
    expect(matched({ suite: 'LedgerSpec', name: 'Posting EUR rejects unbalanced entries' })).toEqual(['REGEX'])
    expect(matched({ name: 'A Posting x rejects unbalanced' })).toEqual([])
  })

  test('a case matched by several selectors of several controls lists each control once, in map order', () => {
    expect(matched({ suite: 'com.example.ledger.PostingSuite', name: 'Ledger posting a balances', tags: ['CM-01', 'CM-01'], file: 'src/ledger/a.ts' })).toEqual([
      'TAG',
      'NAME',
      'SUITE',
      'FILE'
    ])
  })

  test('memoized suite and file results stay right when the same suite comes back', () => {
    for (let i = 0; i < 3; i++) {
      expect(matched({ suite: 'com.example.ledger.A', name: `t${i}` })).toEqual(['SUITE'])
      expect(matched({ suite: 'com.example.other.A', name: `t${i}` })).toEqual([])
    }
  })
})

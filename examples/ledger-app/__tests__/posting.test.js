const { post, close } = require('../src/posting')

const ledger = () => ({ entries: [], closed: [] })
const line = (side, amount) => ({ side, amount })

describe('posting', () => {
  test('a balanced entry is posted [CM-01]', () => {
    expect(post(ledger(), { period: '2026-11', lines: [line('debit', 100), line('credit', 100)] }).entries).toHaveLength(1)
  })
  test('an unbalanced entry is refused [CM-01]', () => {
    expect(() => post(ledger(), { period: '2026-11', lines: [line('debit', 100), line('credit', 99.99)] })).toThrow('entry does not balance')
  })
})

describe('period close', () => {
  test('no entry is posted to a closed period [CM-03]', () => {
    const l = close(ledger(), '2026-10')
    expect(() => post(l, { period: '2026-10', lines: [line('debit', 5), line('credit', 5)] })).toThrow('period 2026-10 is closed')
  })
})

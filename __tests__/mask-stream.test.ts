import { maskChunks, maskReportChunks } from '../src/evidence/mask-stream.js'
import { emptyCounts } from '../src/reports/mask.js'

async function streamed(text: string, chunkSize: number, mode?: 'text' | 'xml' | 'json'): Promise<{ text: string; counts: ReturnType<typeof emptyCounts> }> {
  async function* chunks(): AsyncGenerator<string> {
    for (let i = 0; i < text.length; i += chunkSize) yield text.slice(i, i + chunkSize)
  }
  const counts = emptyCounts()
  const parts: string[] = []
  for await (const part of mode ? maskChunks(chunks(), counts, mode) : maskReportChunks(chunks(), counts)) parts.push(part)
  return { text: parts.join(''), counts }
}

describe('masking a stream cuts only where nothing can be cut in two', () => {
  test.each([1, 3, 7, 64, 4096])('chunks of %i characters give the same text as masking it whole', async (size) => {
    const xml = `<testsuite>
  <testcase name="pays 4111
     1111 1111 1111 ok"/>
  <system-out>mail jane.doe@bank.example
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA
abcdEFGH
-----END RSA PRIVATE KEY-----
token ghp_&#65;${'Z9'.repeat(17)}Z and 123 45 6789</system-out>
</testsuite>
`
    const r = await streamed(xml, size)
    expect(r.text).toBe(`<testsuite>
  <testcase name="pays [REDACTED-CARD-1111]
 ok"/>
  <system-out>mail [REDACTED-EMAIL]
[REDACTED-SECRET-PRIVATE-KEY]



token [REDACTED-SECRET-GITHUB-TOKEN] and [REDACTED-SSN]</system-out>
</testsuite>
`)
    expect(r.counts).toEqual({ card: 1, ssn: 1, iban: 0, email: 1, secret: 2, secretKinds: { 'private-key': 1, 'github-token': 1 } })
  })

  test('one JSON line of 3 MiB (Jest writes its report so): strings across every cut are masked, the copy parses', async () => {
    const tests = Array.from({ length: 60_000 }, (_, i) => ({ title: `t${i} refund 4111 1111 1111 1111`, note: 'x"y\\z' }))
    const json = JSON.stringify({ testResults: tests })
    expect(json.length).toBeGreaterThan(3 << 20)
    const r = await streamed(json, 256 << 10)
    const back = JSON.parse(r.text) as { testResults: { title: string; note: string }[] }
    expect(back.testResults).toHaveLength(60_000)
    expect(back.testResults.every((t, i) => t.title === `t${i} refund [REDACTED-CARD-1111]` && t.note === 'x"y\\z')).toBe(true)
    expect(r.counts.card).toBe(60_000)
  })

  test('hostile JSON (a line of escaped quotes) stays linear', async () => {
    const started = Date.now()
    await streamed('["' + '\\"'.repeat(1 << 20), 256 << 10, 'json')
    await streamed('"'.repeat(2 << 20), 256 << 10, 'json')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  test('an XML line of 4 MiB with no line break is cut before a tag, so a value by the cut stays whole', async () => {
    const cases = Array.from({ length: 50_000 }, (_, i) => `<testcase name="c${i}"><failure message="card 4111-1111-1111-1111 of jane@bank.example"/></testcase>`)
    const xml = `<testsuite>${cases.join('')}</testsuite>`
    expect(xml.length).toBeGreaterThan(4 << 20)
    const r = await streamed(xml, 256 << 10)
    expect(r.counts).toEqual({ card: 50_000, ssn: 0, iban: 0, email: 50_000, secret: 0, secretKinds: {} })
    expect(/4111-|jane@/.test(r.text)).toBe(false)
    expect(r.text.length).toBe(xml.length - 50_000 * ('4111-1111-1111-1111'.length - '[REDACTED-CARD-1111]'.length + 'jane@bank.example'.length - '[REDACTED-EMAIL]'.length))
  })

  test('an open key block is held until its end arrives, and one that never ends is masked as far as it goes', async () => {
    const r = await streamed('a\n-----BEGIN EC PRIVATE KEY-----\n' + 'QUJD\n'.repeat(1000) + '-----END EC PRIVATE KEY-----\nb\n', 5, 'text')
    expect(r.text).toBe('a\n[REDACTED-SECRET-PRIVATE-KEY]' + '\n'.repeat(1001) + '\nb\n')
    const open = await streamed('ok 1 - x\n-----BEGIN EC PRIVATE KEY-----\nQUJD\nQUJD\n', 4, 'text')
    expect(open.text).toBe('ok 1 - x\n[REDACTED-SECRET-PRIVATE-KEY]\n\n\n')
  })
})

test('a JSON string longer than 16 MiB is cut, and the rest of its line is still masked (as text)', async () => {
  const json = '{"log":"' + 'x'.repeat(17 << 20) + '","by":"jane@bank.example","n":1}\n{"mail":"ops@bank.example"}\n'
  const r = await streamed(json, 256 << 10)
  expect(r.text.includes('jane@') || r.text.includes('ops@')).toBe(false)
  expect(r.counts.email).toBe(2)
  expect(r.text.length).toBe(json.length - 'jane@bank.example'.length - 'ops@bank.example'.length + 2 * '[REDACTED-EMAIL]'.length)
})

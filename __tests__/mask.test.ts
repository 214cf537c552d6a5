import { luhn, mask, maskText, validIban } from '../src/reports/mask.js'

describe('masking sensitive data (SPEC §7)', () => {
  test.each([
    ['card with spaces keeps the last four', 'charged 4111 1111 1111 1111 ok', 'charged [REDACTED-CARD-1111] ok', 'card'],
    ['card with dashes', 'pan=5500-0000-0000-0004;', 'pan=[REDACTED-CARD-0004];', 'card'],
    ['19 digits failing Luhn stay', '6011000990139424000 x', '6011000990139424000 x', undefined],
    ['SSN', 'ssn 123-45-6789 rejected', 'ssn [REDACTED-SSN] rejected', 'ssn'],
    ['IBAN, spaced', 'to DE89 3704 0044 0532 0130 00 today', 'to [REDACTED-IBAN] today', 'iban'],
    ['IBAN, compact', 'GB29NWBK60161331926819', '[REDACTED-IBAN]', 'iban'],
    ['e-mail', 'sent to jane.doe+ledger@bank.example.com', 'sent to [REDACTED-EMAIL]', 'email'],
    ['GitHub token', 'token ghp_' + 'a'.repeat(36) + ' leaked', 'token [REDACTED-SECRET] leaked', 'secret'],
    ['fine-grained token', 'github_pat_' + 'B'.repeat(30), '[REDACTED-SECRET]', 'secret'],
    ['AWS key id', 'key AKIAIOSFODNN7EXAMPLE.', 'key [REDACTED-SECRET].', 'secret'],
    ['bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: [REDACTED-SECRET]', 'secret'],
    ['private key block', 'x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\ny', 'x\n[REDACTED-SECRET]\ny', 'secret']
  ])('%s', (_what, input, expected, kind) => {
    const m = mask(input)
    expect(m.text).toBe(expected)
    if (kind) expect(m.counts?.[kind as 'card']).toBe(1)
    else expect(m.counts).toBeUndefined()
  })

  test('numbers that only look sensitive stay: failed Luhn, invalid SSN areas, bad IBAN checksum, timestamps, ids', () => {
    for (const s of ['4111 1111 1111 1112', '000-12-3456', '666-12-3456', '900-12-3456', 'DE89 3704 0044 0532 0130 01', '1700000000000', 'build 20261122123045', 'case 123400 handles 2026-11-22']) {
      expect(maskText(s)).toBe(s)
    }
    expect(luhn('4111111111111111')).toBe(true)
    expect(validIban('DE89370400440532013000')).toBe(true)
  })

  test('masking is idempotent and its replacements are XML- and JSON-safe', () => {
    const raw = 'pay 4111111111111111 from DE89370400440532013000 for a@b.io, ssn 123-45-6789, key AKIAIOSFODNN7EXAMPLE'
    const once = maskText(raw)
    expect(maskText(once)).toBe(once)
    expect(once).not.toMatch(/[<>&"']/)
    expect(mask(raw).counts).toEqual({ card: 1, ssn: 1, iban: 1, email: 1, secret: 1 })
  })

  test('text with nothing to mask is returned as the same string', () => {
    const s = 'Ledger posting in EUR balances'
    expect(mask(s).text).toBe(s)
    expect(mask(s).counts).toBeUndefined()
  })
})

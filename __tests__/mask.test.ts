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
    ['GitHub token', 'token ghp_' + 'a'.repeat(36) + ' leaked', 'token [REDACTED-SECRET-GITHUB-TOKEN] leaked', 'secret'],
    ['fine-grained token', 'github_pat_' + 'B'.repeat(30), '[REDACTED-SECRET-GITHUB-TOKEN]', 'secret'],
    ['AWS key id', 'key AKIAIOSFODNN7EXAMPLE.', 'key [REDACTED-SECRET-AWS-ACCESS-KEY-ID].', 'secret'],
    ['bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: [REDACTED-SECRET-BEARER-TOKEN]', 'secret'],
    // The key's line breaks stay, so every line after it keeps its number.
    ['private key block', 'x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----\ny', 'x\n[REDACTED-SECRET-PRIVATE-KEY]\n\n\n\ny', 'secret']
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
    expect(mask(raw).counts).toEqual({ card: 1, ssn: 1, iban: 1, email: 1, secret: 1, secretKinds: { 'aws-access-key-id': 1 } })
  })

  test('text with nothing to mask is returned as the same string', () => {
    const s = 'Ledger posting in EUR balances'
    expect(mask(s).text).toBe(s)
    expect(mask(s).counts).toBeUndefined()
  })
})

describe('what issue 11 found unmasked', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
  const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
  test.each([
    ['a card after a dash', 'order-4111111111111111 paid', 'order-[REDACTED-CARD-1111] paid', 'card'],
    ['a card with dots', 'pan 4111.1111.1111.1111.', 'pan [REDACTED-CARD-1111].', 'card'],
    ['a card glued to a number before it', 'ref 12 4111 1111 1111 1111 ok', 'ref 12 [REDACTED-CARD-1111] ok', 'card'],
    ['a card wrapped onto the next line', 'pan 4111\n      1111 1111 1111 end', 'pan [REDACTED-CARD-1111]\n end', 'card'],
    ['an SSN with spaces', 'ssn 123 45 6789.', 'ssn [REDACTED-SSN].', 'ssn'],
    ['an SSN without separators', 'ssn=123456789;', 'ssn=[REDACTED-SSN];', 'ssn'],
    ['an AWS secret access key, named', 'aws_secret_access_key = ' + 'a'.repeat(40), 'aws_secret_access_key = [REDACTED-SECRET-AWS-SECRET-ACCESS-KEY]', 'secret'],
    ['an AWS secret access key, alone', `secret ${AWS_SECRET} here`, 'secret [REDACTED-SECRET-AWS-SECRET-ACCESS-KEY] here', 'secret'],
    ['a JWT', `token=${JWT}&x=1`, 'token=[REDACTED-SECRET-JWT]&x=1', 'secret'],
    ['a Slack bot token', 'SLACK_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'SLACK_TOKEN=[REDACTED-SECRET-SLACK-TOKEN]', 'secret'],
    ['a PGP private key block', 'k:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQOYBF0\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\nafter', 'k:\n[REDACTED-SECRET-PRIVATE-KEY]\n\n\n\n\n\nafter', 'secret'],
    ['an OpenSSH key flattened with \\n', 'KEY="-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk\\n-----END OPENSSH PRIVATE KEY-----"', 'KEY="[REDACTED-SECRET-PRIVATE-KEY]"', 'secret'],
    [
      'a PuTTY private key',
      'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me@host\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1\nNTE5AAAAIO\nPrivate-Lines: 1\nAAAAIGkQ2\nPrivate-MAC: 8d2b6e\nok 2 - next',
      '[REDACTED-SECRET-PRIVATE-KEY]\n\n\n\n\n\n\n\n\nok 2 - next',
      'secret'
    ]
  ])('%s', (_what, input, expected, kind) => {
    const m = mask(input)
    expect(m.text).toBe(expected)
    expect(m.counts?.[kind as 'card']).toBe(1)
    expect(maskText(m.text)).toBe(m.text)
  })

  test('an unterminated key block ends at the first line that is not a key line (a TAP result stays)', () => {
    expect(maskText('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\nnot ok 2 - rejects')).toBe('[REDACTED-SECRET-PRIVATE-KEY]\n\n\nnot ok 2 - rejects')
  })

  test('the false-positive rules: what stays readable', () => {
    for (const s of [
      'took 3.14159265358979 s', // a decimal fraction is not a card
      'id 41111111111111111111111', // more than 19 digits: an identifier
      '0000 0000 0000 0000', // no card starts with 0
      'version 1.2.3, ip 192.168.100.200',
      'pi 0.123456789', // nine digits in a decimal: not an SSN
      'total 1,123,456,789', // nor in a digit group
      'range 7 123456789 8', // nor in a list of numbers
      'sha 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b', // a hex digest is not an AWS secret
      'name="testCopyPasteIpsObjectFromArchive2Folder"', // nor a camelCase test name of 40 characters (a real one, from the corpus)
      'abc123456789def', // nine digits inside a word
      'x@y', // no domain
      'JWT-like eyJhbGci' // no payload
    ]) {
      expect(maskText(s)).toBe(s)
    }
  })

  test('masking is linear in its input: hostile text of MiBs ends within seconds', () => {
    const n = 1 << 20
    const cases = [
      'a.'.repeat(n) + '@' + 'a.'.repeat(n), // issue 12: quadratic with one e-mail regex
      '@a'.repeat(n),
      'a@'.repeat(n),
      '1 '.repeat(n),
      '4111 '.repeat(n),
      '0'.repeat(2 * n),
      'eyJ'.repeat(n),
      'eyJa.'.repeat(n),
      'Bearer '.repeat(n),
      'xoxb-'.repeat(n),
      'A'.repeat(2 * n),
      'Ab1/'.repeat(n),
      '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(n / 16),
      '-----BEGIN RSA PRIVATE KEY-----' + ' a'.repeat(n),
      'secret_access_key='.repeat(n / 8),
      'DE89 '.repeat(n),
      '123-45-'.repeat(n),
      '&#52;'.repeat(n)
    ]
    for (const text of cases) {
      const started = Date.now()
      mask(text)
      expect({ text: text.slice(0, 20), ms: Date.now() - started }).toEqual({ text: text.slice(0, 20), ms: expect.any(Number) })
      expect(Date.now() - started).toBeLessThan(3000)
    }
  })
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { SECRET_KINDS } from '../src/reports/mask-kinds.js'
import { mask, maskText } from '../src/reports/mask.js'
import { ROOT } from './helpers/corpus.js'
import { cycle, SECRET_FIXTURES } from './helpers/secret-fixtures.js'

const ALNUM = 'A1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvWxYz'
const HEX = '0123456789abcdef'

describe('every kind of secretlint’s recommended preset, and the forms issue 22 named, is masked (one fixture per kind)', () => {
  test('the fixtures cover every kind the masker knows, once', () => {
    expect(SECRET_FIXTURES.map((f) => f.kind).sort()).toEqual([...SECRET_KINDS].sort())
  })

  test.each(SECRET_FIXTURES.map((f) => [f.kind, f] as const))('%s', (kind, f) => {
    const m = mask(f.line)
    expect(m.text).toBe(f.masked)
    expect(m.text.includes(f.secret)).toBe(false)
    expect(m.counts).toEqual({ card: 0, ssn: 0, iban: 0, email: 0, secret: 1, secretKinds: { [kind]: 1 } })
    // Masking masked text changes nothing, and the mark is safe inside XML and JSON.
    expect(maskText(m.text)).toBe(m.text)
    expect(m.text.slice(m.text.indexOf('[REDACTED'))).not.toMatch(/^[^\]]*[<>&"']/)
  })

  test('a short text (a test name, looked at once for every word first) is masked as a long one is', () => {
    const pad = ' ' + 'lorem ipsum '.repeat(30)
    for (const f of SECRET_FIXTURES) expect({ kind: f.kind, short: f.line.length <= 256 && maskText(f.line) === f.masked, long: maskText(f.line + pad) === f.masked + pad }).toEqual({ kind: f.kind, short: f.line.length <= 256, long: true })
  })

  test('docs/masking.md names every kind', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/masking.md'), 'utf8')
    for (const kind of SECRET_KINDS) expect({ kind, documented: doc.includes(`\`${kind}\``) }).toEqual({ kind, documented: true })
  })
})

describe('more inputs of each kind', () => {
  const basic = (s: string): string => Buffer.from(s).toString('base64')
  test.each([
    ['an STS key id', 'ASIAY34FZKBOKMUTVV7A', '[REDACTED-SECRET-AWS-ACCESS-KEY-ID]'],
    ['an AWS id after a dash', 'key-AKIAIOSFODNN7EXAMPLE;', 'key-[REDACTED-SECRET-AWS-ACCESS-KEY-ID];'],
    ['an AWS account id in JSON', '{"accountId": "123456789012"}', '{"accountId": "[REDACTED-SECRET-AWS-ACCOUNT-ID]"}'],
    ['an AWS secret key in YAML', 'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'AWS_SECRET_ACCESS_KEY: "[REDACTED-SECRET-AWS-SECRET-ACCESS-KEY]"'],
    ['a GCP key in a URL', 'GET /maps/api?key=AIzaSyA' + cycle(ALNUM, 32) + '&q=x', 'GET /maps/api?key=[REDACTED-SECRET-GCP-API-KEY]&q=x'],
    ['a GCP service-account key (JSON, its private key flattened)', '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqFAKE\\n-----END PRIVATE KEY-----\\n",', '"private_key": "[REDACTED-SECRET-PRIVATE-KEY]\\n",'],
    ['an .npmrc _auth', '_auth=' + basic('me:secret'), '_auth=[REDACTED-SECRET-NPM-TOKEN]'],
    ['an npm token after a colon', 'token:npm_' + cycle(ALNUM, 36), 'token:[REDACTED-SECRET-NPM-TOKEN]'],
    ['a basic-auth URL', 'GET https://admin:Pa55w0rd@ci.example.com/job', 'GET https://admin:[REDACTED-SECRET-URL-PASSWORD]@ci.example.com/job'],
    ['a MongoDB SRV URI', 'mongodb+srv://app:p%40ss%3Aword@cluster0.ab1cd.mongodb.net/test?retryWrites=true', 'mongodb+srv://app:[REDACTED-SECRET-URL-PASSWORD]@cluster0.ab1cd.mongodb.net/test?retryWrites=true'],
    ['a JDBC MySQL URL', 'jdbc:mysql://root:toor-toor@db:3306/app', 'jdbc:mysql://root:[REDACTED-SECRET-URL-PASSWORD]@db:3306/app'],
    ['a password with a colon in it', 'redis://user:pa:ss@cache:6379', 'redis://user:[REDACTED-SECRET-URL-PASSWORD]@cache:6379'],
    ['a password with an @ written unencoded (the last @ ends it)', 'postgres://app:p@ss@10.0.0.5/ledger', 'postgres://app:[REDACTED-SECRET-URL-PASSWORD]@10.0.0.5/ledger'],
    ['a Redis URL with no user', 'redis://:s3cret@cache:6379/0', 'redis://:[REDACTED-SECRET-URL-PASSWORD]@cache:6379/0'],
    ['a token as the user of a URL', 'https://' + cycle(HEX, 40) + '@github.com/acme/x.git', 'https://[REDACTED-SECRET-URL-TOKEN]@github.com/acme/x.git'],
    ['a Slack user token', 'xoxp-' + '1234567890-1234567890-1234567890123-' + cycle(HEX, 32), '[REDACTED-SECRET-SLACK-TOKEN]'],
    ['a Slack app token', 'xapp-1-A0123456789-1234567890123-' + cycle(HEX, 64), '[REDACTED-SECRET-SLACK-TOKEN]'],
    ['a Slack workflow webhook', 'https://hooks.slack.com/workflows/T01234567/A01234567/123456789012345678/' + cycle(ALNUM, 24), 'https://hooks.slack.com/workflows/[REDACTED-SECRET-SLACK-WEBHOOK]'],
    ['a Slack webhook with a short secret (as written in docs)', 'url: https://hooks.slack.com/services/TXXXXX/BXXXXX/XXXXXXXXXX', 'url: https://hooks.slack.com/services/[REDACTED-SECRET-SLACK-WEBHOOK]'],
    ['a Shopify custom app token', 'shpca_' + cycle(HEX, 32), '[REDACTED-SECRET-SHOPIFY-TOKEN]'],
    ['a Stripe restricted key', 'STRIPE_KEY=rk_live_' + cycle(ALNUM, 99), 'STRIPE_KEY=[REDACTED-SECRET-STRIPE-KEY]'],
    ['a Stripe key URL-encoded in quotes (after a digit)', 'body=%22sk_live_' + cycle(ALNUM, 24) + '%22', 'body=%22[REDACTED-SECRET-STRIPE-KEY]%22'],
    ['a Stripe test key', "Stripe('sk_test_" + cycle(ALNUM, 24) + "')", "Stripe('[REDACTED-SECRET-STRIPE-KEY]')"],
    ['a GitHub OAuth token', 'gho_' + cycle(ALNUM, 36), '[REDACTED-SECRET-GITHUB-TOKEN]'],
    ['a fine-grained GitHub token', 'github_pat_11ABCDEFG0' + cycle(ALNUM + '_', 72), '[REDACTED-SECRET-GITHUB-TOKEN]'],
    ['a GitHub App token as a JWT', 'ghs_12345_eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.' + cycle(ALNUM, 40), '[REDACTED-SECRET-GITHUB-TOKEN]'],
    ['a GitLab deploy token', 'gldt-' + cycle(ALNUM, 20), '[REDACTED-SECRET-GITLAB-TOKEN]'],
    ['a GitLab runner token', 'glrt-' + cycle(ALNUM + '_', 24), '[REDACTED-SECRET-GITLAB-TOKEN]'],
    ['a Grafana Cloud token', 'glc_' + basic('{"o":"123456","n":"stack-123-fake","k":"FAKEfakeFAKEfake","m":{"r":"us"}}'), '[REDACTED-SECRET-GRAFANA-TOKEN]'],
    ['an older OpenAI key', 'sk-' + cycle(ALNUM, 20) + 'T3BlbkFJ' + cycle(ALNUM, 20), '[REDACTED-SECRET-OPENAI-API-KEY]'],
    ['an OpenAI service-account key', 'sk-svcacct-' + cycle(ALNUM + '_-', 58) + 'T3BlbkFJ' + cycle(ALNUM, 58), '[REDACTED-SECRET-OPENAI-API-KEY]'],
    ['a Vault batch token', 'hvb.' + cycle(ALNUM + '_-', 140), '[REDACTED-SECRET-VAULT-TOKEN]'],
    ['a Databricks token with its suffix', 'dapi' + cycle(HEX, 32) + '-2', '[REDACTED-SECRET-DATABRICKS-TOKEN]-2'],
    ['a Cloudflare account token', 'cfat_' + cycle(ALNUM, 40) + cycle(HEX, 8), '[REDACTED-SECRET-CLOUDFLARE-TOKEN]'],
    ['a Service Bus connection string', 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=' + cycle(ALNUM + '+/', 43) + '=', 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=[REDACTED-SECRET-AZURE-ACCOUNT-KEY]'],
    ['a lower-case connection string key', 'accountkey=' + cycle(ALNUM + '+/', 88), 'accountkey=[REDACTED-SECRET-AZURE-ACCOUNT-KEY]'],
    ['a SAS token alone', '?sv=2022-11-02&ss=b&srt=o&sp=r&sig=' + cycle(ALNUM, 43) + '%3D', '?sv=2022-11-02&ss=b&srt=o&sp=r&sig=[REDACTED-SECRET-AZURE-SAS-SIGNATURE]'],
    ['Basic in lower case (HTTP/2 logs)', 'authorization: basic ' + basic('u:p'), 'authorization: basic [REDACTED-SECRET-BASIC-AUTH]'],
    ['a curl -u header', '-H "Authorization: Basic ' + basic('ci:t0ken') + '"', '-H "Authorization: Basic [REDACTED-SECRET-BASIC-AUTH]"']
  ])('%s', (_what, input, expected) => {
    const m = mask(input)
    expect(m.text).toBe(expected)
    expect(m.counts?.secret).toBe(1)
    expect(maskText(m.text)).toBe(m.text)
  })

  test('the mark names the kind; manifest-style counts add up per kind', () => {
    const m = mask(`a ghp_${cycle(ALNUM, 36)} b ghp_${cycle(HEX, 36)} c sk_live_${cycle(ALNUM, 30)}`)
    expect(m.counts).toEqual({ card: 0, ssn: 0, iban: 0, email: 0, secret: 3, secretKinds: { 'github-token': 2, 'stripe-key': 1 } })
  })
})

describe('what only looks like a secret stays readable', () => {
  test.each([
    ['a git sha', 'commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b merged'],
    ['a UUID', 'executionId="0f8fad5b-d9cb-469f-a165-70867728950e"'],
    ['a test named after Basic auth', 'testAuthorizationBasic > Basic authentication is rejected'],
    ['Basic followed by a word that is not credentials', 'Basic usage test'],
    ['a snake_case test name', 'test_sk_live_key_is_rejected_when_rotated_twice'],
    ['a Stripe prefix with too short a body', 'sk_live_abc123'],
    ['a GitHub prefix with too short a body', 'ghp_tooShort123'],
    ['a URL whose password is a variable', 'postgres://app:$PGPASSWORD@db/ledger and mysql://u:${DB_PASS}@db/x'],
    ['a URL whose password a logger already hid', 'postgres://app:****@db/ledger'],
    ['a URL with a user and no password', 'ssh://git@github.com/acme/ledger.git'],
    ['an account with a count', 'account: 12 entries, accounts = 3'],
    ['a signal, not a signature', 'sig=SIGSEGV exit=139'],
    ['a short AccountKey', 'AccountKey=abc'],
    ['a Java class path', 'com.example.payments.ledger.AccountKeyRotationServiceIntegrationTest'],
    ['a lower-case IBAN-like word of the wrong length', 'it12 does this and that'],
    ['a hex id starting like an IBAN, of no country’s length', 'de12ab34cd56ef78ab90cd12ef'],
    ['full-width digits failing Luhn', 'card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff12']
  ])('%s', (_what, input) => {
    expect(maskText(input)).toBe(input)
  })

  test('the host and the user of a URL stay, and its @ is no e-mail address', () => {
    const m = mask('postgres://ledger:pw-1234@db.example.com:5432/ledger')
    expect(m.text).toBe('postgres://ledger:[REDACTED-SECRET-URL-PASSWORD]@db.example.com:5432/ledger')
    expect(m.counts?.email).toBe(0)
    // An e-mail address beside it is still one.
    expect(maskText('to ops@bank.example via smtp://relay:pw@mail.example')).toBe('to [REDACTED-EMAIL] via smtp://relay:[REDACTED-SECRET-URL-PASSWORD]@mail.example')
  })
})

describe('card numbers in other digits and blanks, IBANs in lower case', () => {
  test.each([
    ['no-break spaces', 'pan 4111\u00a01111\u00a01111\u00a01111 ok', 'pan [REDACTED-CARD-1111] ok'],
    ['narrow no-break spaces', 'pan 5500\u202f0000\u202f0000\u202f0004 ok', 'pan [REDACTED-CARD-0004] ok'],
    ['thin spaces', 'pan 4012\u20098888\u20098888\u20091881.', 'pan [REDACTED-CARD-1881].'],
    ['figure spaces', 'pan 3782\u2007822463\u200710005 ok', 'pan [REDACTED-CARD-0005] ok'],
    ['full-width digits', 'カード \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11 です', 'カード [REDACTED-CARD-1111] です'],
    ['full-width digits in groups with ideographic-width blanks', '\uff15\uff15\uff10\uff10\u00a0\uff10\uff10\uff10\uff10\u00a0\uff10\uff10\uff10\uff10\u00a0\uff10\uff10\uff10\uff14', '[REDACTED-CARD-0004]'],
    ['en dashes from a word processor', 'pan 4111\u20131111\u20131111\u20131111 ok', 'pan [REDACTED-CARD-1111] ok'],
    ['full-width digits and hyphens', '\uff14\uff11\uff11\uff11\uff0d\uff11\uff11\uff11\uff11\uff0d\uff11\uff11\uff11\uff11\uff0d\uff11\uff11\uff11\uff11', '[REDACTED-CARD-1111]'],
    ['ideographic spaces', 'カード番号\u3000\uff14\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11\u3000\uff11\uff11\uff11\uff11', 'カード番号\u3000[REDACTED-CARD-1111]'],
    ['an IBAN in lower case with spaces', 'to de89 3704 0044 0532 0130 00 today', 'to [REDACTED-IBAN] today'],
    ['an IBAN in lower case, compact', 'iban=gb29nwbk60161331926819;', 'iban=[REDACTED-IBAN];'],
    ['an IBAN in mixed case', 'Fr14 2004 1010 0505 0001 3M02 606', '[REDACTED-IBAN]'],
    ['an IBAN with no-break spaces', 'NL91\u00a0ABNA\u00a00417\u00a01643\u00a000', '[REDACTED-IBAN]']
  ])('%s', (_what, input, expected) => {
    const m = mask(input)
    expect(m.text).toBe(expected)
    expect(maskText(m.text)).toBe(m.text)
  })
})

describe('masking stays linear: 10 MB of near-misses of each new pattern', () => {
  const TEN_MB = 10 << 20
  const fill = (unit: string): string => unit.repeat(Math.ceil(TEN_MB / unit.length)).slice(0, TEN_MB)
  test.each([
    ['Stripe prefixes with short bodies', fill('sk_live_' + cycle(ALNUM, 19) + ' ')],
    ['prefixes glued into one run', fill('ghp_sk_live_glpat-AIza-npm_')],
    ['one run of joins', fill('_-')],
    ['one run of AWS prefixes', fill('AKIA')],
    ['prefixes whose body may hold joins', fill('figd_AIza-')],
    ['GitHub App ids without a JWT', fill('ghs_123_eyJ.')],
    ['SendGrid and Vault near-misses', fill('SG.' + cycle(ALNUM, 21) + '.hvs.')],
    ['webhook paths without the host', fill('/' + cycle(ALNUM, 20))],
    ['webhook hosts without a path', fill('hooks.slack.com/services/')],
    ['URL userinfo with no host', fill('a://u:p@ ')],
    ['an @ after an @ in a userinfo, without end', 'a://u:p' + fill('@x')],
    ['one long userinfo', 'postgres://' + fill('a:')],
    ['@ after @', fill('@')],
    ['Basic with no credentials', fill('Basic QUFB')],
    ['Basic with one long run', 'Basic ' + fill('QUFB')],
    ['Bearer with short tokens', fill('Bearer abc ')],
    ['connection-string names', fill('AccountKey=SharedAccessKey=')],
    ['signatures too short', fill('&sig=abc')],
    ['.npmrc names', fill('_authToken=$')],
    ['account names', fill('account_id: 12 ')],
    ['IBAN-like groups', fill('de89 3704 ')],
    ['full-width digits', fill('\uff14\uff11\uff11\uff11\u00a0')],
    ['digits between dashes of every kind', fill('4111\u2013\uff0d')],
    ['digit-led runs (every digit a place a prefix may start)', fill('0a1b2c3d4e5f6' + 'sk')],
    ['narrow no-break spaces between digits', fill('4\u202f')]
  ])('%s', (_what, text) => {
    // CPU time, not wall time: the machine is shared, and a quadratic pass would take minutes.
    const started = process.cpuUsage()
    mask(text)
    const used = process.cpuUsage(started)
    const ms = (used.user + used.system) / 1000
    if (process.env.MASK_TIMES) process.stdout.write(`${_what}: ${ms.toFixed(0)} ms\n`)
    expect(ms).toBeLessThan(3000)
  })
})

/**
 * The kinds of secret the masker tells apart (SPEC §7, issue 22). The list is secretlint's
 * recommended preset (`@secretlint/secretlint-rule-preset-recommend` 13.x: one kind per rule, or
 * per message where a rule finds different things), plus the forms the project masked before and
 * the ones issue 22 named. Each kind is its own mark, `[REDACTED-SECRET-<KIND>]`, so a reader
 * sees what was there (and what to rotate) and `verify` can recount the kinds from the kept
 * reports. docs/masking.md describes each; __tests__/mask-kinds.test.ts has one case per kind.
 */
export const SECRET_KINDS = [
  // secretlint-rule-aws
  'aws-access-key-id',
  'aws-secret-access-key',
  'aws-account-id',
  // secretlint-rule-gcp finds service-account key files, whose key is a private-key block;
  // issue 22 adds GCP API keys.
  'gcp-api-key',
  // secretlint-rule-privatekey (PEM, OpenSSH, PGP), and PuTTY
  'private-key',
  // secretlint-rule-npm (npm_ tokens, .npmrc _authToken); its x-oauth-basic URL is a url-token
  'npm-token',
  // secretlint-rule-basicauth and secretlint-rule-database-connection-string: scheme://user:pass@host
  'url-password',
  // a token written as the user of a URL (https://TOKEN:x-oauth-basic@github.com, https://TOKEN@host)
  'url-token',
  // secretlint-rule-slack
  'slack-token',
  'slack-webhook',
  // secretlint-rule-sendgrid, -shopify, -stripe, -github, -gitlab, -grafana
  'sendgrid-api-key',
  'shopify-token',
  'stripe-key',
  'github-token',
  'gitlab-token',
  'grafana-token',
  // secretlint-rule-openai, -anthropic, -groq, -huggingface, -linear, -notion, -1password
  'openai-api-key',
  'anthropic-api-key',
  'groq-api-key',
  'huggingface-token',
  'linear-api-key',
  'notion-token',
  '1password-token',
  // secretlint-rule-hashicorp-vault, -vercel, -databricks, -docker, -figma, -cloudflare, -tailscale
  'vault-token',
  'vercel-token',
  'databricks-token',
  'docker-hub-token',
  'figma-token',
  'cloudflare-token',
  'tailscale-key',
  // issue 22: Azure storage and Service Bus connection strings, SAS signatures, Basic credentials
  'azure-account-key',
  'azure-sas-signature',
  'basic-auth',
  // masked before issue 22
  'bearer-token',
  'jwt'
] as const

export type SecretKind = (typeof SECRET_KINDS)[number]

/** Redactions of secrets per kind; only kinds that were found have a key. */
export type SecretKindCounts = Partial<Record<SecretKind, number>>

const KNOWN = new Set<string>(SECRET_KINDS)
export const isSecretKind = (s: string): s is SecretKind => KNOWN.has(s)

/** The mark a secret of this kind is replaced with. */
export const secretMark = (kind: SecretKind): string => `[REDACTED-SECRET-${kind.toUpperCase()}]`

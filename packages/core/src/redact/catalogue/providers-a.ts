import { crc32 } from '../checksums.js'
import type { KeyedFormat, TokenFormat } from './types.js'

// Providers 1Password to Dynatrace (gitleaks rule files 1password.go to dynatrace.go), sorted by id.

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

/** Bech32 (BIP 173) checksum: the human-readable part, `1`, data and a 6-character checksum. */
function bech32Valid(text: string): boolean {
  const lower = text.toLowerCase()
  const separator = lower.lastIndexOf('1')
  if (separator < 1 || lower.length - separator < 7) return false
  const values: number[] = []
  for (let i = 0; i < separator; i++) values.push(lower.charCodeAt(i) >> 5)
  values.push(0)
  for (let i = 0; i < separator; i++) values.push(lower.charCodeAt(i) & 31)
  for (let i = separator + 1; i < lower.length; i++) {
    const value = BECH32.indexOf(lower[i]!)
    if (value < 0) return false
    values.push(value)
  }
  let check = 1
  for (const value of values) {
    const top = check >>> 25
    check = ((check & 0x1ffffff) << 5) ^ value
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) check ^= BECH32_GENERATORS[i]!
  }
  return check >>> 0 === 1
}

/** Cloudflare scannable credentials: 40 random characters, then their CRC-32 in 8 lower-case hex digits. */
function cloudflareChecksum(token: string): boolean {
  const rest = token.slice(token.indexOf('_') + 1)
  return crc32(rest.slice(0, 40)).toString(16).padStart(8, '0') === rest.slice(40)
}

export const TOKENS: readonly TokenFormat[] = [
  {
    id: '1password-secret-key',
    provider: '1Password',
    description:
      '1Password account Secret Keys: A3-, a 6-character account id and 26 characters in dashed groups.',
    prefixes: ['A3-'],
    body: '[A-Z0-9]{6}-[A-Z0-9]{6}-?[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'medium',
    reference:
      'https://1passwordstatic.com/files/security/1password-white-paper.pdf (gitleaks 1password-secret-key)',
  },
  {
    id: '1password-service-account-token',
    provider: '1Password',
    description: '1Password service account tokens: ops_ and a base64-encoded JSON document (eyJ...).',
    prefixes: ['ops_eyJ'],
    body: '[A-Za-z0-9+/_-]{250,8000}={0,2}',
    boundary: 'A-Za-z0-9_+/-',
    confidence: 'high',
    reference:
      'https://developer.1password.com/docs/service-accounts/security/ (gitleaks 1password-service-account-token)',
  },
  {
    id: 'adobe-client-secret',
    provider: 'Adobe',
    description: 'Adobe Developer Console OAuth client secrets: p8e- and 32 alphanumerics.',
    prefixes: ['p8e-'],
    body: '[A-Za-z0-9]{32}',
    confidence: 'high',
    reference:
      'https://developer.adobe.com/developer-console/docs/guides/authentication/ (gitleaks adobe-client-secret)',
  },
  {
    id: 'age-secret-key',
    provider: 'age',
    description:
      'age X25519 identities: AGE-SECRET-KEY-1 and 58 upper-case Bech32 characters with a checksum.',
    prefixes: ['AGE-SECRET-KEY-1'],
    body: '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    checksum: bech32Valid,
    confidence: 'high',
    reference: 'https://age-encryption.org/v1 (gitleaks age-secret-key)',
  },
  {
    id: 'airtable-personal-access-token',
    provider: 'Airtable',
    description: 'Airtable personal access tokens: pat, a 14-character token id, a dot and 64 hex digits.',
    prefixes: ['pat'],
    body: '[A-Za-z0-9]{14}\\.[a-f0-9]{64}',
    confidence: 'medium',
    reference:
      'https://airtable.com/developers/web/guides/personal-access-tokens (gitleaks airtable-personnal-access-token)',
  },
  {
    id: 'alibaba-access-key-id',
    provider: 'Alibaba Cloud',
    description: 'Alibaba Cloud AccessKey IDs: LTAI and 12 or 20 alphanumerics.',
    prefixes: ['LTAI'],
    body: '[A-Za-z0-9]{12}(?:[A-Za-z0-9]{8})?',
    confidence: 'high',
    reference:
      'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair (gitleaks alibaba-access-key-id)',
  },
  {
    id: 'artifactory-api-key',
    provider: 'JFrog Artifactory',
    description: 'JFrog Artifactory API keys: AKCp and 69 alphanumerics.',
    prefixes: ['AKCp'],
    body: '[A-Za-z0-9]{69}',
    confidence: 'high',
    reference:
      'https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key (gitleaks artifactory-api-key)',
  },
  {
    id: 'artifactory-reference-token',
    provider: 'JFrog Artifactory',
    description: 'JFrog reference tokens: cmVmd ("ref" in base64) and 59 alphanumerics.',
    prefixes: ['cmVmd'],
    body: '[A-Za-z0-9]{59}',
    confidence: 'high',
    reference:
      'https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens (gitleaks artifactory-reference-token)',
  },
  {
    id: 'atlassian-api-token',
    provider: 'Atlassian',
    description: 'Atlassian Cloud API tokens (Jira, Confluence): ATATT3 and about 186 URL-safe characters.',
    prefixes: ['ATATT3'],
    body: '[A-Za-z0-9_=-]{150,300}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/ (gitleaks atlassian-api-token)',
  },
  {
    id: 'authress-service-client-access-key',
    provider: 'Authress',
    description:
      'Authress service client access keys: sc_ (or ext_), client id, key id, acc_ account id, private key.',
    prefixes: ['sc_', 'ext_', 'scauth_', 'authress_'],
    body: '[A-Za-z0-9]{5,30}\\.[A-Za-z0-9]{4,6}\\.acc[_-][a-z0-9-]{6,32}\\.[A-Za-z0-9+/_=-]{30,120}',
    boundary: 'A-Za-z0-9_+/-',
    confidence: 'medium',
    reference:
      'https://authress.io/knowledge-base/docs/authorization/service-clients/secrets-scanning (gitleaks authress-service-client-access-key)',
  },
  {
    id: 'beamer-api-token',
    provider: 'Beamer',
    description: 'Beamer API keys: b_ and 44 URL-safe characters.',
    prefixes: ['b_'],
    body: '[A-Za-z0-9_=-]{44}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'medium',
    reference: 'https://www.getbeamer.com/api (gitleaks beamer-api-token)',
  },
  {
    id: 'clickhouse-cloud-api-secret-key',
    provider: 'ClickHouse Cloud',
    description: 'ClickHouse Cloud API key secrets: 4b1d and 38 alphanumerics.',
    prefixes: ['4b1d'],
    body: '[A-Za-z0-9]{38}',
    confidence: 'high',
    reference: 'https://clickhouse.com/docs/cloud/manage/openapi (gitleaks clickhouse-cloud-api-secret-key)',
  },
  {
    id: 'clojars-api-token',
    provider: 'Clojars',
    description: 'Clojars deploy tokens: CLOJARS_ and 60 alphanumerics.',
    prefixes: ['CLOJARS_'],
    body: '[A-Za-z0-9]{60}',
    confidence: 'high',
    reference: 'https://github.com/clojars/clojars-web/wiki/Deploy-Tokens (gitleaks clojars-api-token)',
  },
  {
    id: 'cloudflare-origin-ca-key',
    provider: 'Cloudflare',
    description: 'Cloudflare Origin CA keys: v1.0-, 24 hex digits, a dash and 146 hex digits.',
    prefixes: ['v1.0-'],
    body: '[a-f0-9]{24}-[a-f0-9]{146}',
    confidence: 'high',
    reference:
      'https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/ (gitleaks cloudflare-origin-ca-key)',
  },
  {
    id: 'cloudflare-scannable-token',
    provider: 'Cloudflare',
    description:
      'Cloudflare scannable credentials (cfk_ global key, cfut_ user token, cfat_ account token) with a CRC-32.',
    prefixes: ['cfk_', 'cfut_', 'cfat_'],
    body: '[A-Za-z0-9]{40}[a-f0-9]{8}',
    checksum: cloudflareChecksum,
    confidence: 'high',
    reference: 'https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/',
  },
  {
    id: 'contentful-personal-access-token',
    provider: 'Contentful',
    description:
      'Contentful Content Management API personal access tokens: CFPAT- and 43 URL-safe characters.',
    prefixes: ['CFPAT-'],
    body: '[A-Za-z0-9_-]{43}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://www.contentful.com/help/token-management/personal-access-tokens/',
  },
  {
    id: 'databricks-api-token',
    provider: 'Databricks',
    description: 'Databricks personal access tokens: dapi, 32 hex digits and an optional -digit suffix.',
    prefixes: ['dapi'],
    body: '[a-f0-9]{32}(?:-[0-9])?',
    confidence: 'high',
    reference: 'https://docs.databricks.com/en/dev-tools/auth/pat.html (gitleaks databricks-api-token)',
  },
  {
    id: 'defined-networking-api-token',
    provider: 'Defined Networking',
    description:
      'Defined Networking (Managed Nebula) API keys: dnkey-, 26 characters, a dash and 52 characters.',
    prefixes: ['dnkey-'],
    body: '[A-Za-z0-9_=-]{26}-[A-Za-z0-9_=-]{52}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.defined.net/guides/automating-host-creation/ (gitleaks defined-networking-api-token)',
  },
  {
    id: 'digitalocean-access-token',
    provider: 'DigitalOcean',
    description: 'DigitalOcean OAuth access tokens: doo_v1_ and 64 hex digits.',
    prefixes: ['doo_v1_'],
    body: '[a-f0-9]{64}',
    confidence: 'high',
    reference: 'https://docs.digitalocean.com/reference/api/oauth/ (gitleaks digitalocean-access-token)',
  },
  {
    id: 'digitalocean-pat',
    provider: 'DigitalOcean',
    description: 'DigitalOcean personal access tokens: dop_v1_ and 64 hex digits.',
    prefixes: ['dop_v1_'],
    body: '[a-f0-9]{64}',
    confidence: 'high',
    reference:
      'https://docs.digitalocean.com/reference/api/create-personal-access-token/ (gitleaks digitalocean-pat)',
  },
  {
    id: 'digitalocean-refresh-token',
    provider: 'DigitalOcean',
    description: 'DigitalOcean OAuth refresh tokens: dor_v1_ and 64 hex digits.',
    prefixes: ['dor_v1_'],
    body: '[a-f0-9]{64}',
    confidence: 'high',
    reference: 'https://docs.digitalocean.com/reference/api/oauth/ (gitleaks digitalocean-refresh-token)',
  },
  {
    id: 'doppler-api-token',
    provider: 'Doppler',
    description:
      'Doppler personal, CLI, service account, SCIM and audit tokens: dp.pt. (etc.) and 40-44 alphanumerics.',
    prefixes: ['dp.pt.', 'dp.ct.', 'dp.sa.', 'dp.scim.', 'dp.audit.'],
    body: '[A-Za-z0-9]{40,44}',
    confidence: 'high',
    reference: 'https://docs.doppler.com/reference/auth-token-formats (gitleaks doppler-api-token)',
  },
  {
    id: 'doppler-service-token',
    provider: 'Doppler',
    description:
      'Doppler service tokens: dp.st., an optional environment slug and a dot, 40-44 alphanumerics.',
    prefixes: ['dp.st.'],
    body: '(?:[a-z0-9_-]{2,35}\\.)?[A-Za-z0-9]{40,44}',
    confidence: 'high',
    reference: 'https://docs.doppler.com/reference/auth-token-formats',
  },
  {
    id: 'dropbox-short-lived-api-token',
    provider: 'Dropbox',
    description:
      'Dropbox short-lived OAuth access tokens: sl. (or sl.u.) and 130 or more URL-safe characters.',
    prefixes: ['sl.u.', 'sl.'],
    body: '[A-Za-z0-9_=-]{130,2000}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'medium',
    reference: 'https://developers.dropbox.com/oauth-guide (gitleaks dropbox-short-lived-api-token)',
  },
  {
    id: 'duffel-api-token',
    provider: 'Duffel',
    description: 'Duffel API access tokens: duffel_test_ or duffel_live_ and 43 URL-safe characters.',
    prefixes: ['duffel_test_', 'duffel_live_'],
    body: '[A-Za-z0-9_=-]{43}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://duffel.com/docs/api/overview/making-requests/authentication (gitleaks duffel-api-token)',
  },
  {
    id: 'dynatrace-api-token',
    provider: 'Dynatrace',
    description:
      'Dynatrace tokens: dt0, a type code (c01, s01...), a 24-character public part and a 64-character secret.',
    prefixes: ['dt0'],
    body: '[A-Za-z][0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}',
    confidence: 'high',
    reference:
      'https://docs.dynatrace.com/docs/dynatrace-api/basics/dynatrace-api-authentication (gitleaks dynatrace-api-token)',
  },
]

export const KEYED: readonly KeyedFormat[] = [
  {
    id: 'adobe-client-id',
    provider: 'Adobe',
    description:
      'Adobe Developer Console OAuth client ids (API keys): 32 hex digits next to the word "adobe".',
    keywords: ['adobe'],
    value: '[a-f0-9]{32}',
    confidence: 'medium',
    reference:
      'https://developer.adobe.com/developer-console/docs/guides/authentication/ (gitleaks adobe-client-id)',
  },
  {
    id: 'airtable-api-key',
    provider: 'Airtable',
    description: 'Airtable legacy API keys: key and 14 alphanumerics next to the word "airtable".',
    keywords: ['airtable'],
    value: 'key[A-Za-z0-9]{14}',
    confidence: 'medium',
    reference:
      'https://support.airtable.com/docs/airtable-api-key-deprecation-notice (gitleaks airtable-api-key)',
  },
  {
    id: 'algolia-api-key',
    provider: 'Algolia',
    description: 'Algolia API keys (admin, search, write): 32 hex digits next to the word "algolia".',
    keywords: ['algolia'],
    value: '[a-f0-9]{32}',
    confidence: 'medium',
    reference: 'https://www.algolia.com/doc/guides/security/api-keys/ (gitleaks algolia-api-key)',
  },
  {
    id: 'alibaba-secret-key',
    provider: 'Alibaba Cloud',
    description: 'Alibaba Cloud AccessKey secrets: 30 alphanumerics next to the word "alibaba" or "aliyun".',
    keywords: ['alibaba', 'aliyun'],
    value: '[A-Za-z0-9]{30}',
    confidence: 'medium',
    reference:
      'https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair (gitleaks alibaba-secret-key)',
  },
  {
    id: 'asana-client-id',
    provider: 'Asana',
    description: 'Asana OAuth app client ids: 16 digits next to the word "asana".',
    keywords: ['asana'],
    value: '[0-9]{16}',
    confidence: 'medium',
    reference: 'https://developers.asana.com/docs/oauth (gitleaks asana-client-id)',
  },
  {
    id: 'asana-client-secret',
    provider: 'Asana',
    description: 'Asana OAuth app client secrets: 32 alphanumerics next to the word "asana".',
    keywords: ['asana'],
    value: '[A-Za-z0-9]{32}',
    confidence: 'medium',
    reference: 'https://developers.asana.com/docs/oauth (gitleaks asana-client-secret)',
  },
  {
    id: 'atlassian-legacy-api-token',
    provider: 'Atlassian',
    description:
      'Atlassian legacy API tokens: 24 characters ending in 4 hex digits, next to "atlassian", "jira" or "confluence".',
    keywords: ['atlassian', 'jira', 'confluence'],
    value: '[A-Za-z0-9]{20}[A-Fa-f0-9]{4}',
    confidence: 'medium',
    reference:
      'https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/ (gitleaks atlassian-api-token)',
  },
  {
    id: 'bitbucket-client-id',
    provider: 'Bitbucket',
    description: 'Bitbucket Cloud OAuth consumer keys: 18 or 32 alphanumerics next to the word "bitbucket".',
    keywords: ['bitbucket'],
    value: '[A-Za-z0-9]{18}(?:[A-Za-z0-9]{14})?',
    confidence: 'medium',
    reference:
      'https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/ (gitleaks bitbucket-client-id)',
  },
  {
    id: 'bitbucket-client-secret',
    provider: 'Bitbucket',
    description:
      'Bitbucket Cloud OAuth consumer secrets: 32 or 64 alphanumerics next to the word "bitbucket".',
    keywords: ['bitbucket'],
    value: '[A-Za-z0-9]{32}(?:[A-Za-z0-9]{32})?',
    confidence: 'medium',
    reference:
      'https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/ (gitleaks bitbucket-client-secret)',
  },
  {
    id: 'bittrex-api-key',
    provider: 'Bittrex',
    description: 'Bittrex API keys and secrets: 32 alphanumerics next to the word "bittrex".',
    keywords: ['bittrex'],
    value: '[A-Za-z0-9]{32}',
    confidence: 'medium',
    reference:
      'https://bittrex.github.io/api/v3#topic-Authentication (gitleaks bittrex-access-key, bittrex-secret-key)',
  },
  {
    id: 'cloudflare-api-key',
    provider: 'Cloudflare',
    description:
      'Cloudflare API tokens in the pre-2026 format: 40 URL-safe characters next to the word "cloudflare".',
    keywords: ['cloudflare'],
    // 39 tolerated: recheck's fuzzer refuses an exact {40} run of [A-Za-z0-9_-] (a false alarm; it is linear).
    value: '[A-Za-z0-9_-]{39,40}',
    confidence: 'medium',
    reference:
      'https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/ (gitleaks cloudflare-api-key)',
  },
  {
    id: 'cloudflare-global-api-key',
    provider: 'Cloudflare',
    description:
      'Cloudflare Global API Keys in the pre-2026 format: 37-45 hex digits next to the word "cloudflare".',
    keywords: ['cloudflare'],
    value: '[a-f0-9]{37,45}',
    confidence: 'medium',
    reference:
      'https://developers.cloudflare.com/fundamentals/api/get-started/token-formats/ (gitleaks cloudflare-global-api-key)',
  },
  {
    id: 'codecov-access-token',
    provider: 'Codecov',
    description: 'Codecov API access tokens: 32 alphanumerics next to the word "codecov".',
    keywords: ['codecov'],
    value: '[A-Za-z0-9]{32}',
    confidence: 'medium',
    reference: 'https://docs.codecov.com/reference/overview (gitleaks codecov-access-token)',
  },
  {
    id: 'codecov-upload-token',
    provider: 'Codecov',
    description: 'Codecov repository and global upload tokens: a UUID next to the word "codecov".',
    keywords: ['codecov'],
    value: '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}',
    confidence: 'medium',
    reference: 'https://docs.codecov.com/docs/codecov-tokens',
  },
  {
    id: 'cohere-api-token',
    provider: 'Cohere',
    description: 'Cohere API keys: 40 alphanumerics next to the word "cohere" or CO_API_KEY.',
    keywords: ['cohere', 'co_api_key'],
    value: '[A-Za-z0-9]{40}',
    confidence: 'medium',
    reference: 'https://docs.cohere.com/reference/about (gitleaks cohere-api-token)',
  },
  {
    id: 'coinbase-access-token',
    provider: 'Coinbase',
    description: 'Coinbase OAuth2 access tokens: 64 hex digits next to the word "coinbase".',
    keywords: ['coinbase'],
    value: '[a-f0-9]{64}',
    confidence: 'medium',
    reference:
      'https://docs.cdp.coinbase.com/coinbase-app/docs/auth/api-key-authentication (gitleaks coinbase-access-token)',
  },
  {
    id: 'confluent-access-token',
    provider: 'Confluent',
    description: 'Confluent Cloud API keys (the key half): 16 alphanumerics next to the word "confluent".',
    keywords: ['confluent'],
    value: '[A-Za-z0-9]{16}',
    confidence: 'medium',
    reference:
      'https://docs.confluent.io/cloud/current/security/authenticate/workload-identities/service-accounts/api-keys/overview.html (gitleaks confluent-access-token)',
  },
  {
    id: 'confluent-secret-key',
    provider: 'Confluent',
    description: 'Confluent Cloud API secrets: 64 base64 characters next to the word "confluent".',
    keywords: ['confluent'],
    value: '[A-Za-z0-9+/]{64}',
    confidence: 'medium',
    reference:
      'https://docs.confluent.io/cloud/current/security/authenticate/workload-identities/service-accounts/api-keys/overview.html (gitleaks confluent-secret-key)',
  },
  {
    id: 'contentful-delivery-api-token',
    provider: 'Contentful',
    description:
      'Contentful Content Delivery and Preview API tokens: 43 URL-safe characters next to "contentful".',
    keywords: ['contentful'],
    value: '[A-Za-z0-9_=-]{43}',
    confidence: 'medium',
    reference:
      'https://www.contentful.com/developers/docs/references/authentication/ (gitleaks contentful-delivery-api-token)',
  },
  {
    id: 'datadog-api-key',
    provider: 'Datadog',
    description: 'Datadog API keys: 32 hex digits next to the word "datadog" or DD_API_KEY.',
    keywords: ['datadog', 'dd_api_key'],
    value: '[a-f0-9]{32}',
    confidence: 'medium',
    reference: 'https://docs.datadoghq.com/account_management/api-app-keys/',
  },
  {
    id: 'datadog-application-key',
    provider: 'Datadog',
    description: 'Datadog application keys: 40 characters next to the word "datadog" or DD_APP_KEY.',
    keywords: ['datadog', 'dd_app_key', 'dd_application_key'],
    value: '[a-z0-9]{40}',
    confidence: 'medium',
    reference: 'https://docs.datadoghq.com/account_management/api-app-keys/ (gitleaks datadog-access-token)',
  },
  {
    id: 'discord-api-token',
    provider: 'Discord',
    description: 'Discord application keys: 64 hex digits next to the word "discord".',
    keywords: ['discord'],
    value: '[a-f0-9]{64}',
    confidence: 'medium',
    reference: 'https://discord.com/developers/docs/reference#authentication (gitleaks discord-api-token)',
  },
  {
    id: 'discord-bot-token',
    provider: 'Discord',
    description:
      'Discord bot tokens: base64 user id, a dot, 6-character timestamp, a dot and an HMAC, next to "discord".',
    keywords: ['discord'],
    value: '[A-Za-z0-9]{24,28}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}',
    confidence: 'medium',
    reference: 'https://discord.com/developers/docs/reference#authentication',
  },
  {
    id: 'discord-client-id',
    provider: 'Discord',
    description: 'Discord application client ids (snowflakes): 17-20 digits next to the word "discord".',
    keywords: ['discord'],
    value: '[0-9]{17,20}',
    confidence: 'medium',
    reference: 'https://discord.com/developers/docs/reference#snowflakes (gitleaks discord-client-id)',
  },
  {
    id: 'discord-client-secret',
    provider: 'Discord',
    description: 'Discord OAuth2 client secrets: 32 URL-safe characters next to the word "discord".',
    keywords: ['discord'],
    value: '[A-Za-z0-9_-]{32}',
    confidence: 'medium',
    reference: 'https://discord.com/developers/docs/topics/oauth2 (gitleaks discord-client-secret)',
  },
  {
    id: 'droneci-access-token',
    provider: 'Drone',
    description: 'Drone CI personal tokens: 32 alphanumerics next to the word "droneci" or "drone".',
    keywords: ['droneci', 'drone'],
    value: '[A-Za-z0-9]{32}',
    confidence: 'medium',
    reference: 'https://docs.drone.io/cli/setup/ (gitleaks droneci-access-token)',
  },
  {
    id: 'dropbox-api-token',
    provider: 'Dropbox',
    description: 'Dropbox app keys and secrets: 15 lower-case alphanumerics next to the word "dropbox".',
    keywords: ['dropbox'],
    value: '[a-z0-9]{15}',
    confidence: 'medium',
    reference: 'https://developers.dropbox.com/oauth-guide (gitleaks dropbox-api-token)',
  },
  {
    id: 'dropbox-long-lived-api-token',
    provider: 'Dropbox',
    description:
      'Dropbox legacy long-lived access tokens: 11 characters, AAAAAAAAAA and 43 characters, next to "dropbox".',
    keywords: ['dropbox'],
    value: '[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43}',
    confidence: 'medium',
    reference: 'https://developers.dropbox.com/oauth-guide (gitleaks dropbox-long-lived-api-token)',
  },
]

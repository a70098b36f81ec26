import { crc32 } from '../checksums.js'
import { UUID_SOURCE } from './shapes.js'
import type { KeyedFormat, TokenFormat } from './types.js'

// Slice b: providers of gitleaks' rules easypost.go to messagebird.go (E to M), sorted by id.

const UUID = UUID_SOURCE
const JFROG = ['jfrog', 'artifactory', 'bintray', 'xray']
const MESSAGEBIRD = ['messagebird', 'message-bird', 'message_bird']

/** Grafana service account tokens end with `_` and the CRC-32 (IEEE) of what precedes it, as little-endian hex. */
function grafanaChecksum(token: string): boolean {
  const crc = crc32(token.slice(0, -9))
  const hex = [crc, crc >>> 8, crc >>> 16, crc >>> 24]
    .map((byte) => (byte & 0xff).toString(16).padStart(2, '0'))
    .join('')
  return token.slice(-8) === hex
}

export const TOKENS: readonly TokenFormat[] = [
  {
    id: 'easypost-api-token',
    provider: 'EasyPost',
    description: 'EasyPost production API keys: EZAK and 54 letters and digits.',
    prefixes: ['EZAK'],
    body: '[A-Za-z0-9]{54}',
    confidence: 'high',
    reference: 'https://docs.easypost.com/docs/authentication (gitleaks easypost-api-token)',
  },
  {
    id: 'easypost-test-api-token',
    provider: 'EasyPost',
    description: 'EasyPost test API keys: EZTK and 54 letters and digits.',
    prefixes: ['EZTK'],
    body: '[A-Za-z0-9]{54}',
    confidence: 'high',
    reference: 'https://docs.easypost.com/docs/authentication (gitleaks easypost-test-api-token)',
  },
  {
    id: 'facebook-page-access-token',
    provider: 'Facebook',
    description: 'Facebook Graph API user and Page access tokens: EAA and 100 or more letters and digits.',
    prefixes: ['EAA'],
    body: '[A-Za-z0-9]{100,}',
    boundary: 'A-Za-z0-9_+/',
    confidence: 'medium',
    reference:
      'https://developers.facebook.com/docs/facebook-login/guides/access-tokens/ (gitleaks facebook-page-access-token)',
  },
  {
    id: 'flutterwave-encryption-key',
    provider: 'Flutterwave',
    description:
      'Flutterwave encryption keys (card payload encryption): FLWSECK_TEST or FLWSECK and 12 hex digits.',
    prefixes: ['FLWSECK_TEST', 'FLWSECK'],
    body: '[0-9a-f]{12}',
    confidence: 'high',
    reference: 'https://developer.flutterwave.com/docs/encryption (gitleaks flutterwave-encryption-key)',
  },
  {
    id: 'flutterwave-secret-key',
    provider: 'Flutterwave',
    description:
      'Flutterwave secret keys: FLWSECK_TEST- or FLWSECK-, 32 hex digits, an optional 13-character group, -X.',
    prefixes: ['FLWSECK_TEST-', 'FLWSECK-'],
    body: '[0-9a-f]{32}(?:-[0-9a-z]{13})?-X',
    confidence: 'high',
    reference:
      'https://developer.flutterwave.com/docs/integration-guides/authentication (gitleaks flutterwave-secret-key)',
  },
  {
    id: 'flyio-access-token',
    provider: 'Fly.io',
    description: 'Fly.io legacy API tokens: fo1_ and 43 URL-safe characters.',
    prefixes: ['fo1_'],
    body: '[A-Za-z0-9_-]{43}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://fly.io/docs/security/tokens/ (gitleaks flyio-access-token)',
  },
  {
    id: 'flyio-macaroon-token',
    provider: 'Fly.io',
    description: 'Fly.io macaroon tokens: fm1a_, fm1r_ or fm2_ and 100 or more base64 characters.',
    prefixes: ['fm1a_', 'fm1r_', 'fm2_'],
    body: '[A-Za-z0-9+/]{100,}={0,3}',
    boundary: 'A-Za-z0-9_+/',
    confidence: 'high',
    reference: 'https://fly.io/docs/security/tokens/ (gitleaks flyio-access-token)',
  },
  {
    id: 'frameio-api-token',
    provider: 'Frame.io',
    description: 'Frame.io developer tokens: fio-u- and 64 URL-safe characters.',
    prefixes: ['fio-u-'],
    body: '[A-Za-z0-9_=-]{64}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://developer.frame.io/docs/getting-started/authentication (gitleaks frameio-api-token)',
  },
  {
    id: 'gitlab-cicd-job-token',
    provider: 'GitLab',
    description: 'GitLab CI/CD job tokens: glcbt-, up to 5 letters and digits, _, 20 URL-safe characters.',
    prefixes: ['glcbt-'],
    body: '[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-cicd-job-token)',
  },
  {
    id: 'gitlab-deploy-token',
    provider: 'GitLab',
    description: 'GitLab deploy tokens: gldt- and 20 URL-safe characters.',
    prefixes: ['gldt-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-deploy-token)',
  },
  {
    id: 'gitlab-feature-flag-client-token',
    provider: 'GitLab',
    description: 'GitLab feature flag client tokens: glffct- and 20 URL-safe characters.',
    prefixes: ['glffct-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-feature-flag-client-token)',
  },
  {
    id: 'gitlab-feed-token',
    provider: 'GitLab',
    description: 'GitLab feed tokens (RSS and calendar feeds): glft- and 20 URL-safe characters.',
    prefixes: ['glft-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-feed-token)',
  },
  {
    id: 'gitlab-incoming-mail-token',
    provider: 'GitLab',
    description: 'GitLab incoming email tokens: glimt- and 25 URL-safe characters.',
    prefixes: ['glimt-'],
    body: '[A-Za-z0-9_-]{25}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-incoming-mail-token)',
  },
  {
    id: 'gitlab-kubernetes-agent-token',
    provider: 'GitLab',
    description: 'GitLab agent for Kubernetes tokens: glagent- and 50 URL-safe characters.',
    prefixes: ['glagent-'],
    body: '[A-Za-z0-9_-]{50}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-kubernetes-agent-token)',
  },
  {
    id: 'gitlab-oauth-app-secret',
    provider: 'GitLab',
    description: 'GitLab OAuth application secrets: gloas- and 64 URL-safe characters.',
    prefixes: ['gloas-'],
    body: '[A-Za-z0-9_-]{64}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-oauth-app-secret)',
  },
  {
    id: 'gitlab-pat',
    provider: 'GitLab',
    description: 'GitLab personal, project and group access tokens: glpat- and 20 URL-safe characters.',
    prefixes: ['glpat-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-pat)',
  },
  {
    id: 'gitlab-pat-routable',
    provider: 'GitLab',
    description:
      'GitLab routable access tokens: glpat-, a base64url payload, ., 9 base-36 characters (version and CRC).',
    prefixes: ['glpat-'],
    body: '[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{9}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://handbook.gitlab.com/handbook/engineering/architecture/design-documents/cells/routable_tokens/ (gitleaks gitlab-pat-routable)',
  },
  {
    id: 'gitlab-pipeline-trigger-token',
    provider: 'GitLab',
    description: 'GitLab pipeline trigger tokens: glptt- and 40 hex digits.',
    prefixes: ['glptt-'],
    body: '[0-9a-f]{40}',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-ptt)',
  },
  {
    id: 'gitlab-runner-authentication-token',
    provider: 'GitLab',
    description: 'GitLab runner authentication tokens: glrt- and 20 URL-safe characters.',
    prefixes: ['glrt-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-runner-authentication-token)',
  },
  {
    id: 'gitlab-runner-authentication-token-routable',
    provider: 'GitLab',
    description:
      'GitLab routable runner authentication tokens: glrt-t, a digit, _, a payload, ., 9 base-36 characters.',
    prefixes: ['glrt-'],
    body: 't[0-9]_[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{9}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-runner-authentication-token-routable)',
  },
  {
    id: 'gitlab-runner-registration-token',
    provider: 'GitLab',
    description: 'GitLab runner registration tokens (deprecated): GR1348941 and 20 URL-safe characters.',
    prefixes: ['GR1348941'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-rrt)',
  },
  {
    id: 'gitlab-scim-token',
    provider: 'GitLab',
    description: 'GitLab SCIM tokens: glsoat- and 20 URL-safe characters.',
    prefixes: ['glsoat-'],
    body: '[A-Za-z0-9_-]{20}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/#token-prefixes (gitleaks gitlab-scim-token)',
  },
  {
    id: 'gitlab-session-cookie',
    provider: 'GitLab',
    description: 'GitLab session cookies: _gitlab_session= and a 32-hex-digit session id.',
    prefixes: ['_gitlab_session='],
    body: '[0-9a-f]{32}',
    confidence: 'high',
    reference: 'https://docs.gitlab.com/security/tokens/ (gitleaks gitlab-session-cookie)',
  },
  {
    id: 'grafana-api-key',
    provider: 'Grafana',
    description: 'Grafana legacy API keys: base64 of {"k":"<32 characters>","n":"<name>","id":<org>}.',
    prefixes: ['eyJrIjoi'],
    body: '[A-Za-z0-9]{44}LCJuIjoi[A-Za-z0-9+/]{12,400}={0,3}',
    boundary: 'A-Za-z0-9_+/',
    confidence: 'high',
    reference:
      'https://grafana.com/docs/grafana/latest/developers/http_api/auth/ and grafana pkg/components/apikeygen (gitleaks grafana-api-key)',
  },
  {
    id: 'grafana-cloud-api-token',
    provider: 'Grafana',
    description: 'Grafana Cloud access policy and API tokens: glc_ and 32 or more base64 characters.',
    prefixes: ['glc_'],
    body: '[A-Za-z0-9+/]{32,400}={0,3}',
    boundary: 'A-Za-z0-9_+/',
    confidence: 'high',
    reference:
      'https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/ (gitleaks grafana-cloud-api-token)',
  },
  {
    id: 'grafana-service-account-token',
    provider: 'Grafana',
    description: 'Grafana service account tokens: glsa_, 32 letters and digits, _, an 8-hex-digit CRC-32.',
    prefixes: ['glsa_'],
    body: '[A-Za-z0-9]{32}_[0-9a-f]{8}',
    checksum: grafanaChecksum,
    confidence: 'high',
    reference:
      'https://grafana.com/docs/grafana/latest/administration/service-accounts/ and grafana pkg/components/satokengen (gitleaks grafana-service-account-token)',
  },
  {
    id: 'harness-api-key',
    provider: 'Harness',
    description:
      'Harness personal and service account tokens: pat. or sat., account id, token id and secret.',
    prefixes: ['pat.', 'sat.'],
    body: '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}',
    confidence: 'high',
    reference:
      'https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/ (gitleaks harness-api-key)',
  },
  {
    id: 'hashicorp-tf-api-token',
    provider: 'HashiCorp Terraform',
    description:
      'HCP Terraform / Terraform Enterprise API tokens: the secret after "<14-character id>.atlasv1.".',
    prefixes: ['atlasv1.'],
    body: '[A-Za-z0-9_=-]{60,70}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens (gitleaks hashicorp-tf-api-token)',
  },
  {
    id: 'heroku-api-key-v2',
    provider: 'Heroku',
    description: 'Heroku API keys and OAuth tokens: HRKU-AA and 58 URL-safe characters.',
    prefixes: ['HRKU-AA'],
    body: '[A-Za-z0-9_-]{58}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://devcenter.heroku.com/articles/authentication (gitleaks heroku-api-key-v2)',
  },
  {
    id: 'hubspot-private-app-token',
    provider: 'HubSpot',
    description: 'HubSpot private app access tokens: pat-, a region (na1, eu1) and a UUID.',
    prefixes: ['pat-'],
    body: `[a-z]{2}[0-9]-${UUID}`,
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://developers.hubspot.com/docs/api/private-apps',
  },
  {
    id: 'huggingface-access-token',
    provider: 'Hugging Face',
    description: 'Hugging Face user access tokens: hf_ and 34 letters.',
    prefixes: ['hf_'],
    body: '[A-Za-z]{34}',
    confidence: 'medium',
    reference: 'https://huggingface.co/docs/hub/security-tokens (gitleaks huggingface-access-token)',
  },
  {
    id: 'huggingface-organization-api-token',
    provider: 'Hugging Face',
    description: 'Hugging Face organization API tokens (retired in 2023): api_org_ and 34 letters.',
    prefixes: ['api_org_'],
    body: '[A-Za-z]{34}',
    confidence: 'high',
    reference:
      'https://huggingface.co/docs/hub/security-tokens (gitleaks huggingface-organization-api-token)',
  },
  {
    id: 'infracost-api-token',
    provider: 'Infracost',
    description: 'Infracost API keys: ico- and 32 letters and digits.',
    prefixes: ['ico-'],
    body: '[A-Za-z0-9]{32}',
    before: 'A-Za-z0-9_.', // not an asset name: video_box.ico-<hash>.png
    confidence: 'medium',
    reference: 'https://www.infracost.io/docs/integrations/infracost_api/ (gitleaks infracost-api-token)',
  },
  {
    id: 'intra42-client-secret',
    provider: '42 Intra',
    description: '42 school Intra API client secrets: s-s4t2ud- or s-s4t2af- and 64 hex digits.',
    prefixes: ['s-s4t2ud-', 's-s4t2af-'],
    body: '[0-9a-f]{64}',
    confidence: 'high',
    reference: 'https://api.intra.42.fr/apidoc/guides/getting_started (gitleaks intra42-client-secret)',
  },
  {
    id: 'linear-api-key',
    provider: 'Linear',
    description: 'Linear personal API keys: lin_api_ and 40 letters and digits.',
    prefixes: ['lin_api_'],
    body: '[A-Za-z0-9]{40}',
    confidence: 'high',
    reference: 'https://linear.app/developers/graphql#personal-api-keys (gitleaks linear-api-key)',
  },
  {
    id: 'lob-api-key',
    provider: 'Lob',
    description: 'Lob secret API keys: live_ or test_ and 35 hex digits.',
    prefixes: ['live_', 'test_'],
    body: '[0-9a-f]{35}',
    confidence: 'medium',
    reference: 'https://docs.lob.com/#section/Authentication (gitleaks lob-api-key)',
  },
  {
    id: 'mapbox-secret-token',
    provider: 'Mapbox',
    description:
      'Mapbox secret (sk.) and temporary (tk.) access tokens: a base64url payload, ., 22 characters.',
    prefixes: ['sk.eyJ1Ijoi', 'tk.eyJ1Ijoi'],
    body: '[A-Za-z0-9_-]{20,400}\\.[A-Za-z0-9_-]{22}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference: 'https://docs.mapbox.com/accounts/guides/tokens/',
  },
  {
    id: 'vault-batch-token',
    provider: 'HashiCorp Vault',
    description: 'Vault batch tokens: hvb. and 138 to 300 URL-safe characters.',
    prefixes: ['hvb.'],
    body: '[A-Za-z0-9_-]{138,300}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes (gitleaks vault-batch-token)',
  },
  {
    id: 'vault-service-token',
    provider: 'HashiCorp Vault',
    description: 'Vault service tokens: hvs. and 90 to 120 URL-safe characters.',
    prefixes: ['hvs.'],
    body: '[A-Za-z0-9_-]{90,120}',
    boundary: 'A-Za-z0-9_-',
    confidence: 'high',
    reference:
      'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes (gitleaks vault-service-token)',
  },
]

export const KEYED: readonly KeyedFormat[] = [
  {
    id: 'cisco-meraki-api-key',
    provider: 'Cisco Meraki',
    description: 'Cisco Meraki Dashboard API keys: 40 hex digits next to the word "meraki".',
    keywords: ['meraki'],
    value: '[0-9a-f]{40}',
    confidence: 'medium',
    reference: 'https://developer.cisco.com/meraki/api-v1/authorization/ (gitleaks cisco-meraki-api-key)',
  },
  {
    id: 'etsy-access-token',
    provider: 'Etsy',
    description: 'Etsy API keystrings: 24 lower-case letters and digits next to the word "etsy".',
    keywords: ['etsy'],
    value: '[a-z0-9]{24}',
    confidence: 'medium',
    reference:
      'https://developers.etsy.com/documentation/essentials/authentication (gitleaks etsy-access-token)',
  },
  {
    id: 'facebook-access-token',
    provider: 'Facebook',
    description: 'Facebook app access tokens: a 15-16 digit app id, | (or %7C), 27-40 URL-safe characters.',
    keywords: ['facebook'],
    value: '[0-9]{15,16}(?:\\||%7[Cc])[A-Za-z0-9_-]{27,40}',
    confidence: 'medium',
    reference:
      'https://developers.facebook.com/docs/facebook-login/guides/access-tokens/#apptokens (gitleaks facebook-access-token)',
  },
  {
    id: 'facebook-secret',
    provider: 'Facebook',
    description: 'Facebook app secrets and client tokens: 32 hex digits next to the word "facebook".',
    keywords: ['facebook'],
    value: '[0-9a-f]{32}',
    confidence: 'medium',
    reference:
      'https://developers.facebook.com/docs/facebook-login/guides/access-tokens/ (gitleaks facebook-secret)',
  },
  {
    id: 'fastly-api-token',
    provider: 'Fastly',
    description: 'Fastly API tokens: 32 URL-safe characters next to the word "fastly".',
    keywords: ['fastly'],
    value: '[A-Za-z0-9_-]{32}',
    confidence: 'medium',
    reference:
      'https://www.fastly.com/documentation/guides/account-info/account-management/using-api-tokens/ (gitleaks fastly-api-token)',
  },
  {
    id: 'finicity-api-token',
    provider: 'Finicity',
    description: 'Finicity (Mastercard Open Banking) app keys: 32 hex digits next to the word "finicity".',
    keywords: ['finicity'],
    value: '[0-9a-f]{32}',
    confidence: 'medium',
    reference:
      'https://developer.mastercard.com/open-banking-us/documentation/quick-start-guide/ (gitleaks finicity-api-token)',
  },
  {
    id: 'finicity-client-secret',
    provider: 'Finicity',
    description:
      'Finicity (Mastercard Open Banking) partner secrets: 20 letters and digits next to the word "finicity".',
    keywords: ['finicity'],
    value: '[A-Za-z0-9]{20}',
    confidence: 'medium',
    reference:
      'https://developer.mastercard.com/open-banking-us/documentation/quick-start-guide/ (gitleaks finicity-client-secret)',
  },
  {
    id: 'finnhub-access-token',
    provider: 'Finnhub',
    description: 'Finnhub API keys: 20 lower-case letters and digits next to the word "finnhub".',
    keywords: ['finnhub'],
    value: '[a-z0-9]{20}',
    confidence: 'medium',
    reference: 'https://finnhub.io/docs/api/authentication (gitleaks finnhub-access-token)',
  },
  {
    id: 'flickr-access-token',
    provider: 'Flickr',
    description: 'Flickr API keys: 32 hex digits next to the word "flickr".',
    keywords: ['flickr'],
    value: '[0-9a-f]{32}',
    confidence: 'medium',
    reference: 'https://www.flickr.com/services/api/misc.api_keys.html (gitleaks flickr-access-token)',
  },
  {
    id: 'freemius-secret-key',
    provider: 'Freemius',
    description: 'Freemius SDK secret keys: sk_ and 29 printable characters next to the word "freemius".',
    keywords: ['freemius'],
    value: 'sk_[A-Za-z0-9!#\\$%&*+./:;<=>?@\\^_|~-]{29}',
    confidence: 'medium',
    reference:
      'https://freemius.com/help/documentation/wordpress-sdk/integrating-freemius-sdk/ (gitleaks freemius-secret-key)',
  },
  {
    id: 'freshbooks-access-token',
    provider: 'FreshBooks',
    description: 'FreshBooks OAuth access tokens: 64 letters and digits next to the word "freshbooks".',
    keywords: ['freshbooks'],
    value: '[A-Za-z0-9]{64}',
    confidence: 'medium',
    reference: 'https://www.freshbooks.com/api/authentication (gitleaks freshbooks-access-token)',
  },
  {
    id: 'gitter-access-token',
    provider: 'Gitter',
    description: 'Gitter API tokens: 40 hex digits next to the word "gitter".',
    keywords: ['gitter'],
    value: '[0-9a-f]{40}',
    confidence: 'medium',
    reference: 'https://developer.gitter.im/docs/authentication (gitleaks gitter-access-token)',
  },
  {
    id: 'gocardless-api-token',
    provider: 'GoCardless',
    description:
      'GoCardless access tokens: live_ or sandbox_ and 40 URL-safe characters next to the word "gocardless".',
    keywords: ['gocardless'],
    value: '(?:live|sandbox)_[A-Za-z0-9_=-]{40}',
    confidence: 'medium',
    reference:
      'https://developer.gocardless.com/getting-started/api/making-your-first-request/ (gitleaks gocardless-api-token)',
  },
  {
    id: 'heroku-api-key',
    provider: 'Heroku',
    description: 'Heroku legacy API keys: a UUID next to the word "heroku".',
    keywords: ['heroku'],
    value: UUID,
    ignoreCase: true,
    confidence: 'medium',
    reference: 'https://devcenter.heroku.com/articles/authentication (gitleaks heroku-api-key)',
  },
  {
    id: 'hubspot-api-key',
    provider: 'HubSpot',
    description: 'HubSpot legacy API keys (hapikey): a UUID next to the word "hubspot".',
    keywords: ['hubspot'],
    value: UUID,
    ignoreCase: true,
    confidence: 'medium',
    reference:
      'https://developers.hubspot.com/docs/api/migrate-an-api-key-integration-to-a-private-app (gitleaks hubspot-api-key)',
  },
  {
    id: 'intercom-api-key',
    provider: 'Intercom',
    description: 'Intercom access tokens: 60 base64 characters (with padding) next to the word "intercom".',
    keywords: ['intercom'],
    value: '[A-Za-z0-9]{58}[A-Za-z0-9=]{2}',
    confidence: 'medium',
    reference:
      'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication (gitleaks intercom-api-key)',
  },
  {
    id: 'jfrog-api-key',
    provider: 'JFrog',
    description:
      'JFrog Artifactory API keys: 73 letters and digits next to "jfrog", "artifactory", "bintray" or "xray".',
    keywords: JFROG,
    value: '[A-Za-z0-9]{73}',
    confidence: 'medium',
    reference:
      'https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key (gitleaks jfrog-api-key)',
  },
  {
    id: 'jfrog-identity-token',
    provider: 'JFrog',
    description:
      'JFrog identity and reference tokens: 64 letters and digits next to "jfrog", "artifactory", "bintray" or "xray".',
    keywords: JFROG,
    value: '[A-Za-z0-9]{64}',
    confidence: 'medium',
    reference:
      'https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens (gitleaks jfrog-identity-token)',
  },
  {
    id: 'kraken-access-token',
    provider: 'Kraken',
    description:
      'Kraken API private keys: 64 bytes in base64 (88 characters with padding) next to the word "kraken".',
    keywords: ['kraken'],
    value: '[A-Za-z0-9+/]{86,88}={0,2}',
    confidence: 'medium',
    reference: 'https://docs.kraken.com/api/docs/guides/spot-rest-auth (gitleaks kraken-access-token)',
  },
  {
    id: 'kucoin-access-token',
    provider: 'KuCoin',
    description: 'KuCoin API keys: 24 hex digits next to the word "kucoin".',
    keywords: ['kucoin'],
    value: '[0-9a-f]{24}',
    confidence: 'medium',
    reference:
      'https://www.kucoin.com/docs/basic-info/connection-method/authentication/creating-a-request (gitleaks kucoin-access-token)',
  },
  {
    id: 'kucoin-secret-key',
    provider: 'KuCoin',
    description: 'KuCoin API secrets: a UUID next to the word "kucoin".',
    keywords: ['kucoin'],
    value: UUID,
    confidence: 'medium',
    reference:
      'https://www.kucoin.com/docs/basic-info/connection-method/authentication/creating-a-request (gitleaks kucoin-secret-key)',
  },
  {
    id: 'launchdarkly-access-token',
    provider: 'LaunchDarkly',
    description:
      'LaunchDarkly API access tokens, SDK and mobile keys: api-, sdk- or mob- and a UUID next to "launchdarkly".',
    keywords: ['launchdarkly'],
    value: `(?:api|sdk|mob)-${UUID}`,
    confidence: 'medium',
    reference: 'https://launchdarkly.com/docs/home/account/api (gitleaks launchdarkly-access-token)',
  },
  {
    id: 'linear-client-secret',
    provider: 'Linear',
    description: 'Linear OAuth client secrets: 32 hex digits next to the word "linear".',
    keywords: ['linear'],
    value: '[0-9a-f]{32}',
    confidence: 'medium',
    reference: 'https://linear.app/developers/oauth-2-0-authentication (gitleaks linear-client-secret)',
  },
  {
    id: 'linkedin-client-secret',
    provider: 'LinkedIn',
    description: 'LinkedIn OAuth client secrets: 16 letters and digits next to the word "linkedin".',
    keywords: ['linkedin', 'linked_in', 'linked-in'],
    value: '[A-Za-z0-9]{16}',
    confidence: 'medium',
    reference:
      'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow (gitleaks linkedin-client-secret)',
  },
  {
    id: 'looker-client-id',
    provider: 'Looker',
    description: 'Looker API client ids: 20 letters and digits next to the word "looker".',
    keywords: ['looker'],
    value: '[A-Za-z0-9]{20}',
    confidence: 'medium',
    reference: 'https://cloud.google.com/looker/docs/api-auth (gitleaks looker-client-id)',
  },
  {
    id: 'looker-client-secret',
    provider: 'Looker',
    description: 'Looker API client secrets: 24 letters and digits next to the word "looker".',
    keywords: ['looker'],
    value: '[A-Za-z0-9]{24}',
    confidence: 'medium',
    reference: 'https://cloud.google.com/looker/docs/api-auth (gitleaks looker-client-secret)',
  },
  {
    id: 'mailchimp-api-key',
    provider: 'Mailchimp',
    description:
      'Mailchimp API keys: 32 hex digits, -us and the data center number, next to the word "mailchimp".',
    keywords: ['mailchimp'],
    value: '[0-9a-f]{32}-us[0-9]{1,2}',
    confidence: 'medium',
    reference: 'https://mailchimp.com/developer/marketing/guides/quick-start/ (gitleaks mailchimp-api-key)',
  },
  {
    id: 'mailgun-private-api-token',
    provider: 'Mailgun',
    description: 'Mailgun legacy private API keys: key- and 32 hex digits next to the word "mailgun".',
    keywords: ['mailgun'],
    value: 'key-[0-9a-f]{32}',
    confidence: 'medium',
    reference:
      'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication (gitleaks mailgun-private-api-token)',
  },
  {
    id: 'mailgun-signing-key',
    provider: 'Mailgun',
    description:
      'Mailgun API and webhook signing keys: 32 hex digits and two groups of 8, next to the word "mailgun".',
    keywords: ['mailgun'],
    value: '[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}',
    confidence: 'medium',
    reference:
      'https://documentation.mailgun.com/docs/mailgun/user-manual/tracking-messages/#securing-webhooks (gitleaks mailgun-signing-key)',
  },
  {
    id: 'mattermost-access-token',
    provider: 'Mattermost',
    description:
      'Mattermost personal access tokens: 26 lower-case letters and digits next to the word "mattermost".',
    keywords: ['mattermost'],
    value: '[a-z0-9]{26}',
    confidence: 'medium',
    reference:
      'https://developers.mattermost.com/integrate/reference/personal-access-token/ (gitleaks mattermost-access-token)',
  },
  {
    id: 'maxmind-license-key',
    provider: 'MaxMind',
    description:
      'MaxMind license keys: 6 letters and digits, _, 29 letters and digits, _mmk, next to the word "maxmind".',
    keywords: ['maxmind'],
    value: '[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk',
    confidence: 'medium',
    reference:
      'https://dev.maxmind.com/geoip/release-notes/2023-03-16-changes-to-maxmind-license-keys/ (gitleaks maxmind-license-key)',
  },
  {
    id: 'messagebird-api-token',
    provider: 'MessageBird',
    description: 'MessageBird (Bird) access keys: 25 letters and digits next to the word "messagebird".',
    keywords: MESSAGEBIRD,
    value: '[A-Za-z0-9]{25}',
    confidence: 'medium',
    reference: 'https://developers.messagebird.com/api/#authentication (gitleaks messagebird-api-token)',
  },
  {
    id: 'vault-legacy-service-token',
    provider: 'HashiCorp Vault',
    description:
      'Vault service tokens issued before Vault 1.10: s. and 24 letters and digits, next to the word "vault".',
    keywords: ['vault'],
    value: 's\\.[A-Za-z0-9]{24}',
    confidence: 'medium',
    reference:
      'https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes (gitleaks vault-service-token)',
  },
]

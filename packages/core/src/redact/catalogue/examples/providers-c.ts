import type { FormatExamples } from '../types.js'

// Slice c. Positives are gitleaks' test tokens where it has literal ones, else random in-format values.

export const EXAMPLES: Readonly<Record<string, FormatExamples>> = {
  'discord-webhook-url': {
    positives: [
      'https://discord.com/api/webhooks/1234567890123456789/abcDEF_ghiJKLmnoPQRstuVWXyz0123456789abcdefGHIJKLmnopqrSTUVwxyz01234',
      'https://discordapp.com/api/webhooks/876543210987654321/Zq8vXw3Lm9Kp1234abcdEFGHijklMNOPqrstUVWXyz-_0123456789abcdefghij',
    ],
    lookalikes: [
      'https://discord.com/api/webhooks/1234567890123456789',
      'https://discord.com/api/webhooks/{webhook.id}/{webhook.token}',
      'https://discord.com/developers/docs/resources/webhook',
    ],
  },
  'telegram-bot-url-token': {
    positives: [
      'api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ',
      'api.telegram.org/file/bot4309224989:AAEnERMu_b1HV1sx1ld11hvUzqlSwDLejVZ',
    ],
    lookalikes: [
      'https://api.telegram.org/bot<token>/sendMessage',
      'https://api.telegram.org/bot123456789:BAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ/getMe',
      'https://core.telegram.org/bots/api',
    ],
  },
  'azure-sas-signature': {
    positives: [
      'sig=Zq8vXw3Lm9Kp1234abcdEFGHijklMNOPqrstUVWXyz0%3D',
      'sig=Zq8vXw3Lm9Kp1234abcd%2BFGHijklMNOPqrstUVW%2Fyz0=',
    ],
    lookalikes: [
      'https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sig=abc',
      'the sig= parameter carries the signature',
      'https://example.com/?xsig=Zq8vXw3Lm9Kp1234abcdEFGHijklMNOPqrstUVWXyz0%3D',
    ],
  },
  'microsoft-teams-webhook': {
    positives: [
      'https://contoso.webhook.office.com/webhookb2/61931765-d099-f598-da2a-290416bf57b1@4f30b5d5-4695-d7c2-0091-21c2daac171b/IncomingWebhook/e75635f5b3300899df56088e26f7b736/a60145f3-1707-59b1-135f-2941d32e31a3',
    ],
    lookalikes: [
      'https://contoso.webhook.office.com/webhook/61931765-d099-f598-da2a-290416bf57b1@4f30b5d5-4695-d7c2-0091-21c2daac171b/IncomingWebhook/e75635f5b3300899df56088e26f7b736/a60145f3-1707-59b1-135f-2941d32e31a3',
      'https://contoso.webhook.office.com/webhookb2/61931765-d099-f598-da2a-290416bf57b1@4f30b5d5-4695-d7c2-0091-21c2daac171b/IncomingWebhook/e75635f5b3300899df56088e26f7b736/a60145f3-1707-59b1-135f',
      'https://contoso.webhook.office.com/ is where Teams webhooks live',
    ],
  },
  'netlify-access-token': {
    positives: ['peO2vKH8X272qhFac6yDY2O4d__2FSi63TH80sbHWUh', '2ALVZ9BbjPSga8JIDv1kyQV7UjTpvzKIpcZVoQFI'],
    lookalikes: [
      '9MjvCKuw4wIzVbouj8dIt_cnmv2YGqACiQnvJ1H',
      'jXspEIZXfFsME2-0kkaxtn0vFjr5gYaPS20MXwc60mj51ja',
      'ctEnon5UX3m31nvgtoJoT-y2RFdlrw.FRbeuuxrO6Ix',
      'deploy to netlify today',
    ],
  },
  'new-relic-browser-api-token': {
    positives: ['NRJS-6c50ce4033de5629ae9'],
    lookalikes: [
      'NRJS-6c50ce4033de5629ae',
      'NRJS-6c50ce4033de5629aeg',
      'NRJS-44d1d46d755b8c3d23a7',
      'NRJI-9149cc10d642b96a414',
    ],
  },
  'new-relic-insert-key': {
    positives: ['NRII-bwE9AOmTamvxOiFuxb9G_obE8_02oVbQ'],
    lookalikes: [
      'NRII-bwE9AOmTamvxOiFuxb9G_obE8_02oVb',
      'NRII-bwE9AOmTamvxOiFuxb9G_obE8_02oVbQx',
      'NRIQ-12gk9LG1eC2sFEVC_q1GT2CjBIe-IrD0',
      'the NRII- prefix marks insert keys',
    ],
  },
  'new-relic-user-api-id': {
    positives: ['pS41LByEk4CaPpP0xzLcbe76wkFuFt46o18CJB1F4YeS1MA6VaANSfUZQym5JCsF'],
    lookalikes: [
      'l7UxjoPfVP93TSt9QMx9fSEq8TPvngHVPEx0DevMEp4dmVmq3LgExJvgoQaVEdq',
      'e8segAHqJUBd6JMowjDHh0unG17laesEjCRNIMuMypU4EvbaEnDfVimOltUXYZyly',
      'SQxUpKFnMeci0akRXddSxNj9rqLNKm1zByvRQhgz-BRqJDtvfSFBz19mJ9qRA3qR',
      'new relic monitoring',
    ],
  },
  'new-relic-user-api-key': {
    positives: ['NRAK-M3VNPY4U6WEBTB9N7T9PGSDWCIW', 'NRAK-ATVUFWTCV6K0TORQPW6QFUPWDIQ'],
    lookalikes: [
      'NRAK-M3VNPY4U6WEBTB9N7T9PGSDWCI',
      'NRAK-3ndh26itu6eerf2oaxwy5w52r5b',
      'NRAK-M3VNPY4U6WEBTB9N7T9PGSDWCIWQ',
      'NRAA-2GBO3YG534X2NREVDP4NMK3UYRN',
    ],
  },
  'notion-api-token': {
    positives: [
      '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',
      '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',
      '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',
    ],
    lookalikes: [
      'ntn_12345678901',
      'ntn_123456789012345678901234567890123456789012345678901234567890',
      'ntn_12345678901abc',
      'ntn_qyptYFCAo5pNkLT7UOq7FC4JpUJ4q3qR18dxWbEzhDBFCP',
    ],
  },
  'notion-legacy-token': {
    positives: ['secret_RRAAgQno7YACeU5rc0MAbdv4OJ6BxxAMmvnl6IbJlGu'],
    lookalikes: [
      'secret_RRAAgQno7YACeU5rc0MAbdv4OJ6BxxAMmvnl6IbJlG',
      'secret_RRAAgQno7YACeU5rc0MAbdv4OJ6BxxAMmvnl6IbJlGuz',
      'client_secret_1hgqEi4sI3b1tJBwokDOq9Apk2kTERzlpMdfrzWm6jQ',
      'secret_key_base',
    ],
  },
  'nytimes-access-token': {
    positives: ['ssST0ldHPj5anuQO9jZxwnE9jnIBB0sy'],
    lookalikes: [
      'IDI12TUCpPk55CquuTBYP08ZvciCTVL',
      '2omQb03bdPqDHF0pBdaRG7JbN8YQ4LcYU',
      '1r7Bz8wvLX7oE5NB-HsRTUKAcGwNggzG',
      'the nytimes front page',
    ],
  },
  'octopus-deploy-api-key': {
    positives: ['API-ZNRMR7SL6L3ATMOIK7GKJDKLPY', 'API-U9L1K0XVTOWDCQVSS2B0DSHKRP'],
    lookalikes: [
      'msgstr "GSSAPI-VIRHEKAPSELOINTIMERKKIJONO."',
      'https://fog-ringer-f42.notion.site/API-BD80F56CDC1441E6BF6011AB6D852875',
      '<iframe src="./archive/gifs/api-c99e353f761d318322c853c03e.gif"> </iframe>',
      'API-U9L1K0XVTOWDCQVSS2B0DSHKR',
      'see the API-REFERENCE page',
    ],
  },
  'okta-access-token': {
    positives: [
      '00ebObu4zSNkyc6dimLvUwq4KpTEop-PCEnnfSTpD3',
      '00fWkOjwwL9xiFd-Vfgm_ePATIRxVj852Iblbb1DS_',
      '009Wb_gtOjJV-WNTxL4oKtHiWA0Eg6L-3dmd9lhT-o',
    ],
    lookalikes: [
      '00gWnJSXtyY_ef-05Zn1jEaOTEQH7_q8U27Yvdi_f',
      '00Rj1usOcn94_ihDIc85gFabZpdv7wyyV3ul5CqiBBr',
      '010cOSV0p8C1kbtb5Q5qTOO7zUdGG2ajE8oYZpwJUn',
      'okta sign-in widget',
    ],
  },
  'openai-admin-key': {
    positives: [
      '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',
      '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',
      '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',
    ],
    lookalikes: [
      'sk-admin-JWARXiHjpLXSh6W_0pFGb3sW7yr0cKheXXtWGMY0Q8kbBNqsxLskJy0LCOT3BlbkFJgTJWgjMvdi6YlPvdXRqmSlZ4dLK-nFxUG2d9Tgaz5Q6weGVNBaLuUmMV4',
      'sk-admin-JWARXiHjpLXSh6W_0pFGb3sW7yr0cKheXXtWGMY0Q8kbBNqsxLskJy0LCOT3BlbkFXgTJWgjMvdi6YlPvdXRqmSlZ4dLK-nFxUG2d9Tgaz5Q6weGVNBaLuUmMV4A',
      'sk-admln-JWARXiHjpLXSh6W_0pFGb3sW7yr0cKheXXtWGMY0Q8kbBNqsxLskJy0LCOT3BlbkFJgTJWgjMvdi6YlPvdXRqmSlZ4dLK-nFxUG2d9Tgaz5Q6weGVNBaLuUmMV4A',
    ],
  },
  'openai-api-key': {
    positives: [
      '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',
      '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',
    ],
    lookalikes: [
      'sk-proj-SevzWEV_NmNnMndQ5gn6PjFcX_9ay5SEKse8AL0EuYAB0cIgFW7Equ3vCbUbYShvii6L3rBw3WT3BlbkFJdD9FqO9Z3BoBu9F-KFR6YJtvW6fUfqg2o2Lfel3diT3OCRmBB24hjcd_uLEjgr9tCqnnerVw8',
      'sk-proj-SevzWEV_NmNnMndQ5gn6PjFcX_9ay5SEKse8AL0EuYAB0cIgFW7Equ3vCbUbYShvii6L3rBw3WT3BlbkFJdD9FqO9Z3BoBu9F-KFR6YJtvW6fUfqg2o2Lfel3diT3OCRmBB24hjcd_uLEjgr9tCqnnerVw8AQ',
      'sk-proj-SevzWEV_NmNnMndQ5gn6PjFcX_9ay5SEKse8AL0EuYAB0cIgFW7Equ3vCbUbYShvii6L3rBw3WT3BlbkFKdD9FqO9Z3BoBu9F-KFR6YJtvW6fUfqg2o2Lfel3diT3OCRmBB24hjcd_uLEjgr9tCqnnerVw8A',
      'sk-proj-opVdHYl6uVBqr1-pNTjWdjx1MEjmwfw9tRHLRC92CUhdnc-RJILTsybGGFul',
    ],
  },
  'openai-legacy-api-key': {
    positives: ['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'],
    lookalikes: [
      'sk-dtchQeqqZjAfFsYHEBa1T3BlbkFJg2gjLGR5Twnt9Fkx1BJ',
      'sk-dtchQeqqZjAfFsYHEBa1T3BlbkFjg2gjLGR5Twnt9Fkx1BJ3',
      'sk-ICncMYoKS2hbSJeXklwho3virHYaKQijWdtFLJHAOPD2OTA1',
      'the sk- prefix',
    ],
  },
  'openshift-user-token': {
    positives: [
      'sha256~kV46hPnEYhCWFnB85r5NrprAxggzgb6GOeLbgcKNsH0',
      'sha256~ZBMKw9VAayhdnyANaHvjJeXDiGwA7Fsr5gtLKj3-eh-',
    ],
    lookalikes: [
      'sha256~kV46hPnEYhCWFnB85r5NrprAxggzgb6GOeLbgcKNsH',
      'sha256~kV46hPnEYhCWFnB85r5NrprAxggzgb6GOeLbgcKNsH0x',
      'sha256:7eead92186139fa07a58e425768523851df47c54da2690dbfa5ecfc4425075f0',
      'sha256~suTsGo7vxNBx7qbX5CwD.w_H0Lmyivg1OSwWIE5AFD9',
    ],
  },
  'perplexity-api-key': {
    positives: ['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'],
    lookalikes: [
      'pplx-d7m9i004uJ7RXsix28473aEWzQeGOEQKyJACbXg2GVBLT2e',
      'pplx-d7m9i004uJ7RXsix28473aEWzQeGOEQKyJACbXg2GVBLT2eTq',
      'pplx-hSYQl7l1fC-BXV3oSHaftrOWd7LQVbMqfbLdDoxlPrUNTuHE',
      'the pplx- models',
    ],
  },
  'plaid-access-token': {
    positives: [
      'access-sandbox-30828d5d-07ff-033b-2701-b0aacc9cf559',
      'access-production-bb615615-03fb-fc30-2fd3-633dd7947c84',
    ],
    lookalikes: [
      'access-sandbox-30828d5d-07ff-033b-2701-b0aacc9cf55',
      'public-sandbox-17813c2f-8299-88bb-18b9-9e5fb3a368ca',
      'access-staging-b03ab63a-6408-483f-686e-eafb749122b4',
      'access-sandbox-30828d5d-07ff-033b-2701-b0aacc9cf559-1',
    ],
  },
  'plaid-client-id': {
    positives: ['iiucngvdbv55x4mei5le6lf0'],
    lookalikes: [
      'cho7hibr2cwf37dl7i7toj5',
      'uybzbpehp2fwp91azk9jmzixf',
      'qf14llvpvkx1Xu7dbqi5lk07',
      'plaid link flow',
    ],
  },
  'plaid-secret-key': {
    positives: ['nlcws1jvhoe8whge4hbq160d4hf809'],
    lookalikes: [
      'jzbl87rf0xtxkfemwqwu43v699a7b',
      'rz9r1qq1ta90novpfmqd8nn2tbow08z',
      'g0l3t8m7zu0msueZs8a3o3rl50zm81',
      'plaid dashboard',
    ],
  },
  'planetscale-api-token': {
    positives: [
      'pscale_tkn_95kCRpUIV4sZq1PYWuxxbQlhsPJyKhJZlKbEJAwlB3e',
      'pscale_tkn_vZsX_iaIyIWbZoe3KMEVvMSzsodbwU7H',
      'pscale_tkn_0ciJ-jEvTmvNyfLb-ygRn29YyQFghYQ8pGUrqaNvo_ubZUGyNKsJSXm6ZiZLvElg',
    ],
    lookalikes: [
      'pscale_tkn_vMlDyik01-y45oG4PkekUl0MtlCCysm',
      'pscale_tkn_UARR6Gk82RXwJPUmT2zt9wChVU1LLRt8P6tLXYtG3oR-FiMDJmb_x4NUGSPrOHl9R',
      'pscal_tkn_CD-hjKgIWqZf-53d_Jw-Qxnf4mvx_RlnraipX_4PThU',
      'the pscale_tkn_ prefix',
    ],
  },
  'planetscale-oauth-token': {
    positives: [
      'pscale_oauth_VARe4YJ5uGXDXqtxq115OHXPjpv1xZiV6aYj0G3txpj',
      'pscale_oauth_VsrvXrnmP16mGqJ-_PUBKKE17MBAN3co',
      'pscale_oauth_yzysKVaH_IJSKAKuyYxke386xLo0EnaEt5dxGLkfojSJrJjHYMRfoBop2WM6XIRl',
    ],
    lookalikes: [
      'pscale_oauth_N3J8WIKoc8IuNOfXVR_zrmJJ3EN2vuu',
      'pscale_oauth_8mz_rR82PdQotJ6YG4IdmyvojVThRmcukjiNHciyZB-ZOw7MpaQCDXsuFCcts5s1V',
      'pscal_oauth_zn4c3V9fWnxYipU06B0UiitQUYmJKjzNV9gmSeSdmCa',
      'the pscale_oauth_ prefix',
    ],
  },
  'planetscale-password': {
    positives: [
      'pscale_pw_GUFxZQ4_g1SJeh6-0_B5FqRLVRr9iSDGoiZ417GV2vJ',
      'pscale_pw_mt4Vz4kGbAOl7j0c9EYOh-NhXEt232KQ',
      'pscale_pw_0NMITsz5aT3ZtnsIdk4wXlbaI6BOYb_tdCUkHKzkO8jjfTV6Zb9n1q-_nFxByhH4',
    ],
    lookalikes: [
      'pscale_pw_kbpWePw1AUQzaELZDQIATQGoZsOTLLF',
      'pscale_pw_gWJ7PI1EPyVcM5k6yeHKLSyUcRDsWZMVnqzF_ycu8EHtIIucspCQ75NJGr53u1MHJ',
      'pscal_pw_Fpoq_xq-NKj-sDqFTan2PJZ9MhZcIG9kz1yzV7Lw9Ml',
      'the pscale_pw_ prefix',
    ],
  },
  'postman-api-token': {
    positives: ['PMAK-16c94b93c09cde469ea6a900-016d0f64c607ecc5c2060b0526b66eab48'],
    lookalikes: [
      'PMAK-16c94b93c09cde469ea6a900-016d0f64c607ecc5c2060b0526b66eab4',
      'PMAK-16c94b93c09cde469ea6a900_016d0f64c607ecc5c2060b0526b66eab48',
      'PMAK-24dd753cc2e87d5fcef0be7c399b5d501262751760325f2112033bd09e',
      'PMAC-4fc7ee39346d3576557a3b8d-fc941b3d0fabd01effab5a8d18e3680e84',
    ],
  },
  'prefect-api-token': {
    positives: ['pnu_enAOzVhJ7NsyGiXX22IzJ29JoqCuvSCjLXDm'],
    lookalikes: [
      'pnu_enAOzVhJ7NsyGiXX22IzJ29JoqCuvSCjLXD',
      'pnu_enAOzVhJ7NsyGiXX22IzJ29JoqCuvSCjLXDmx',
      'pnu_XXXX-WaKVHybEY9g2oUx5PiyOzVmetdQ7ukt',
      'pnb_6OrKaeQ8fTglMaDtFSKXl8Jx7Ga9Gg',
    ],
  },
  'privateai-api-token': {
    positives: ['o49vo5ke04knghaihxp43hem8szcxisx'],
    lookalikes: [
      'c6o481jpyp921pwl4z84451fzs5wars',
      'pvhyixoz0pcikx31vkhivqvt6tfhliyka',
      'iukdnpfhyz623qe9Kn0icttclapdgbaj',
      'const privateaiToken = "l7awj42i"',
    ],
  },
  'pulumi-api-token': {
    positives: ['pul-53798fe5c920d1f0abcc977a5043a2823729b3c5'],
    lookalikes: [
      'pul-53798fe5c920d1f0abcc977a5043a2823729b3c',
      'pul-cd5b421dd085d63a7e463c50f32f01182ffa334g',
      'vipul-37d21d1af0afbf6e8d5266195c9e103e6cc018296587554aaa74577d025f1ff3',
      'pul-2fc26a962c975008d33edd71dd7a13697779dc341d18eb00f2907614005f28e6',
    ],
  },
  'pypi-upload-token': {
    positives: [
      'pypi-AgEIcHlwaS5vcmcK0MltPPvsEMFhB2SDQZumuAHCxiRtH1fbzT32DgtboUQ0Jt9WCPq9ZPYMf8Ku-Q5v2dYqr6CFUECgZRan3SvPIfZymhFSXInoL_ta1_xQYe_aykTYNQUra_6OnHzLkxL5iGz6E-1AlrAmkwrLT0hrH',
      'pypi-AgENdGVzdC5weXBpLm9yZw9wtIP1_Z5Sf573ewimwXWXH6s29gHJ6caujcP8FZIzbtNvRVKSUA6VU4PyAdiTTIaEC0T5N_gge1MFNTrHeTycTZ4JNUmMska59ZV0SWIJQgu1Dq4QfQchWo',
    ],
    lookalikes: [
      'pypi-AgEIcHlwaS5vcmcjYrGdngJELHr4b9n9nfrRxWoGFrwbDg86oVYfXyLyQZ2FTpCd',
      'pypi-AgEIcHlwaS5vcmdNuaSuSknPeV4NT8rfV99j4J1pee5vZImalruGYZbtrVetHDo_VMp2tCg88cqCCKBqoAEOFb6v_avMnv5o9DJ5kwFvYswCkVF_QAiBZqVNhUogtqsD69wo3mw',
      'pypi-qZZQRPV-LUN6bFVqSRzN7wGT2kYqhSrfa-Vn10eYaYLCqDqi_0eSEo7Pep_ydKWwMxUfvKUY5e1CZtWumVBOSlT4jWfluwWBL4M5ycRsbAARizpcmIP0jsd0_oAvS6jk4-KbfvxYfkyA7H8TFix5pR',
      'upload to pypi-AgEIcHlwaS5vcmc soon',
    ],
  },
  'rapidapi-access-token': {
    positives: ['6dek93e0mpmshrkdiuotjuzcwz3ip18q3poyjsna32yltsxuoh'],
    lookalikes: [
      'clZ5ipscUyw6uKXZpcxQmMSkB6xNspWYBmg1Pb3NUzF4nHQGR',
      'kv92p8Hf7kquzNJHEjaxWXi6XmWWqWrejJoXxF3w3aZOFUp4xNE',
      'hEN04c9BX4gfd8Z6Ui543oDWq-vYyd9UgNZWwvsnOJ34yKuAfu',
      'the rapidapi hub',
    ],
  },
  'readme-api-token': {
    positives: ['rdme_cshkol9e3gmguax0bpvu3s56cgjxvo1abe8jsto5p8e2747bno4it68h4q39lfxddie2o2'],
    lookalikes: [
      'rdme_cshkol9e3gmguax0bpvu3s56cgjxvo1abe8jsto5p8e2747bno4it68h4q39lfxddie2o',
      'rdme_23gfjfom8evo0tvhnvp6qblgb6tsat0vtsa0ae54uv01sm9n1ogu8ddg59iwa3tw3a601Q',
      'rdme_cshkol9e3gmguax0bpvu3s56cgjxvo1abe8jsto5p8e2747bno4it68h4q39lfxddie2o2a',
      'rdme_xxx',
    ],
  },
  'rubygems-api-token': {
    positives: ['rubygems_f42a6369aa14d950c7b2ffe8e7288450f23400b7ced237f6'],
    lookalikes: [
      'rubygems_f42a6369aa14d950c7b2ffe8e7288450f23400b7ced237f',
      'rubygems_c75dc1b51d5d46dc4bf4e8421ef7f52cc977e6f380537dfz',
      'rubygems_f42a6369aa14d950c7b2ffe8e7288450f23400b7ced237f60',
      'rubygems_org',
    ],
  },
  'scalingo-api-token': {
    positives: [
      'tk-us-loys7ib9yrxcys_ta2sq85mjar6lgcsspkd9x61s7h5epf_-',
      'tk-us-rfFpq2vEkcQ3sK4e6Z3c3skuZGMG_y1rId7UimOcjVnkFcow',
    ],
    lookalikes: [
      'tk-us-loys7ib9yrxcys_ta2sq85mjar6lgcsspkd9x61s7h5epf_',
      'tk-us-loys7ib9yrxcys_ta2sq85mjar6lgcsspkd9x61s7h5epf_-x',
      'tk-eu-Lro2KzjCfoRCx5F0yzoCoP7baMQUcsoQjoGZ65nI8CPOOKr0',
      'tk-us-west',
    ],
  },
  'sendbird-access-id': {
    positives: ['7D4929BA-ED7B-6AB6-DFF9-16843D243C78', '43c336c1-8c9a-fbc6-9cb2-b3b277928fc4'],
    lookalikes: [
      'f0cfe3ad-b5fd-b0e4-9a35-dbb74a93698',
      '7d9c3584-9850-7642-5adb-f72799235156a',
      '5938aa53eac8f9559b5be5472943215c',
      'sendbird chat app',
    ],
  },
  'sendbird-access-token': {
    positives: ['407c7182fc6b1904709a93d4304cb61a9f1558ab'],
    lookalikes: [
      'ac594d821ac257d1bc61e6ddf870b83018a0e87',
      'e62654ba25cb6c010854aa462c0593d7cbd517ad6',
      'f56623b8a4b5bcf974c0g3142a79ad144f3ba2f2',
      'sendbird desk',
    ],
  },
  'sendgrid-api-token': {
    positives: ['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'],
    lookalikes: [
      'SG.HypI8wbf8HRCGXJ99AOeOX.fWzln7ZitvY7gA0nYIH9gYW_XanOuYvEUPBgO3baup',
      'SG.HypI8wbf8HRCGXJ99AOeOX_fWzln7ZitvY7gA0nYIH9gYW_XanOuYvEUPBgO3baupL',
      'SG.0b5MFqp2SJaItSY-5ON4A.uynMRmjvErg4fVT_rsCiFPzLe6OzEI7xM_AG69qhsrR',
      'SG.com',
      'SG-O_plYVfNO8G6AuM7TuwKFU.y1NEE5CXlO02CPoRLVfTHFukVJOMpY6fm-KW4AZDK4H',
    ],
  },
  'sendinblue-api-token': {
    positives: ['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'],
    lookalikes: [
      'xkeysib-255f131d5484832cfaaf68f6c43c3aef83addfcfe8ab4ccc24ed9966eaef6414-zbtBGrc5xeeMsqh',
      'xkeysib-255f131d5484832cfaaf68f6c43c3aef83addfcfe8ab4ccc24ed9966eaef6414_zbtBGrc5xeeMsqhD',
      'xkeysib-a13b00c043d7c8d5f6d2a2db63cbc93b22b3f43342d4e5b3cb8a098f23c6a5e-XTQvKJlJKUizPDRe',
      'xkeysi-44600491144cfb309d793e9b2de4e61a19127ae1ca96fb16c4870ee86e5382cb-UpoWEHDnPisrQzpG',
    ],
  },
  'sendinblue-smtp-key': {
    positives: ['xsmtpsib-44600491144cfb309d793e9b2de4e61a19127ae1ca96fb16c4870ee86e5382cb-UpoWEHDnPisrQzpG'],
    lookalikes: [
      'xsmtpsib-44600491144cfb309d793e9b2de4e61a19127ae1ca96fb16c4870ee86e5382cb-UpoWEHDnPisrQzp',
      'xsmtpsib-087cdee2e8f07fa9ab5acbb90d63f9507262a9be9665aa5b73eed05c293ac8dz-DYQgYkiGSzmWg9uV',
      'xsmtpsib-44600491144cfb309d793e9b2de4e61a19127ae1ca96fb16c4870ee86e5382cb-UpoWEHDnPisrQzpGZ',
      'xsmtpsib-your-key-here',
    ],
  },
  'sentry-access-token': {
    positives: ['f604502faf699b576ebc31264229eb12af99db101e53f074b8800e4a8ccd1b7d'],
    lookalikes: [
      'ae7964c96c504ebb8232b83fb572a00e901051c0ed1e207ead9d0f0259e650c',
      '2b3cfeffeb4277bb49050b49866e90ae2c9277a0a498e43d7e0bb05718df21961',
      '8520f26b4503331eb16bbeb871e1b05axeb27a9740080ee0ba7470ea71d02c85',
      'sentry issue tracker',
    ],
  },
  'sentry-org-token': {
    positives: [
      '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',
      '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',
      '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',
    ],
    lookalikes: [
      'sntrys_eyJpYXQiOjE2ODczMzY1NDMuNjk4NTksInVybCI6bnVsbCwicmVnaW9uX3VybCI6Imh0dHA6Ly9sb2NhbGhvc3Q6ODAwMCIsIm9yZyI6InNlbnRyeSJ9_NzJkYzA3NzMyZTRjNGE2NmJlNjBjOWQxNGRjOTZiNm',
      'sntrys_eyJpYXQiOjE2ODczMzY1NDMuNjk4NTksInVybCI6bnVsbCwicmVnaW9uX3VybCI6Imh0dHA6Ly9sb2NhbGhvc3Q6ODAwMCIsIm9yZyI6InNlbnRyeSJ9_NzJkYzA3NzMyZTRjNGE2NmJlNjBjOWQxNGRjOTZiNmIx',
      'sntrys_gJQ45IGalSu85uQ5TY4g80G8hYE1BhBAjJXuwUUBm8sWxyEudigptNwacVaL1nGxDYlEZ4HMcMxaWiRS1bqzO10oIR_EnzhFcjLZtDPg5jtiOiTYLrnAAa3mwvgNiJgUOsoCNl',
      'sntrys_eyJ',
    ],
  },
  'sentry-user-token': {
    positives: ['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'],
    lookalikes: [
      'sntryu_7cf56403b0bd8572dbefc00eb4c9e1efd014bee19831478b17041bc3e5bce05',
      'sntryu_406d3a11c65e385346858b9a06471d5dd7888c87d08c99de453cb15a5f35d6e40',
      'sntrys_471ae94e6897c637e735b51ec01c8bec0ba5665c438ba4ef39868762293fb8a3',
      'sntryu_bed724c424895602346090006202dfc67199fb0fed3bd3fb0fa7964894f3630g',
    ],
  },
  'settlemint-application-access-token': {
    positives: ['sm_aat_M1xaxzwnRmFpz1ES'],
    lookalikes: [
      'sm_aat_OAditBOAIJ',
      'sm_aat_ourZWMEoDB3N1BIjV',
      'sm_aat_fpKgljywJSHZkO8-',
      'sm_xat_DnN7ANzxZLpxI9Dk',
    ],
  },
  'settlemint-personal-access-token': {
    positives: ['sm_pat_lpuWOPOnWFizrGya'],
    lookalikes: [
      'sm_pat_uBrfCFXC1z',
      'sm_pat_r9XMzY5YbhdUWL109',
      'sm_pat_MudUDIcwGscICLK-',
      'sm_xat_IJaRPryNhcsEfTqY',
    ],
  },
  'settlemint-service-access-token': {
    positives: ['sm_sat_8FU9OGZmXgUFPwDG'],
    lookalikes: [
      'sm_sat_Gm6SAGPunm',
      'sm_sat_E68hRvilX0Cr71G3u',
      'sm_sat_2fURHsFhccdZDxu-',
      'sm_xat_LOPgbLJ1uj2Kd4IR',
    ],
  },
  'shippo-api-token': {
    positives: [
      'shippo_live_e656cc9838bcbd110734cbf2b24baafb22b43c37',
      'shippo_test_2bfbe9cb1a836c0a8c696edcd00942d5c738a51f',
    ],
    lookalikes: [
      'shippo_live_e656cc9838bcbd110734cbf2b24baafb22b43c3',
      'shippo_prod_1081f417f18e78d52def13342bcfd74176cd9e0e',
      'shippo_live_e656cc9838bcbd110734cbf2b24baafb22b43c37a',
      'shippo_live_2e1b0b0d0cbf3c2ecad4808c7d333be87886613x',
    ],
  },
  'shopify-access-token': {
    positives: ['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', 'shpat_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO'],
    lookalikes: [
      'shpat_155461cae179c83dee5079aab602f34',
      '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b',
      'shpat_4de18f537e0ade59a322f2d61c2cae6-',
      'shpxx_94be8f7b6441fe83efc47c2d85e1419d',
    ],
  },
  'shopify-custom-access-token': {
    positives: ['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', 'shpca_OL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ'],
    lookalikes: [
      'shpca_ef8061572d55061a14bf03b8ffd5922',
      '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b',
      'shpca_4de18f537e0ade59a322f2d61c2cae6-',
      'shpxx_bf2281cf7515d655dd53769a2a0de9c8',
    ],
  },
  'shopify-private-app-access-token': {
    positives: ['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', 'shppa_TeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU'],
    lookalikes: [
      'shppa_f112b1ba3e5b374268fa568839d5641',
      '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b',
      'shppa_4de18f537e0ade59a322f2d61c2cae6-',
      'shpxx_9e3bc9abc71e1146f706beb8bdbda633',
    ],
  },
  'shopify-shared-secret': {
    positives: ['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', 'shpss_CsMehGAkWvj7FAc9QeWJKY40uvSwMFLZ'],
    lookalikes: [
      'shpss_12ca18dd51fa822d83069a89f8e35cc',
      '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b',
      'shpss_4de18f537e0ade59a322f2d61c2cae6-',
      'shpxx_ba6a539a07736f62610977cd18c1c7cd',
    ],
  },
  'sidekiq-secret': {
    positives: ['cafebabe:deadbeef', '205aa1de:01c398b5'],
    lookalikes: ['d1150111:d1448db', '0a29510bc:9e42d56f', '5fb54b50-6aa1de95', 'sidekiq:web'],
  },
  'sidekiq-sensitive-url': {
    positives: [
      'https://cafebabe:deadbeef@gems.contribsys.com',
      'http://cafeb4b3:d3adb33f@enterprise.contribsys.com',
      'https://90fd8531:55a612b4@gems.contribsys.com',
    ],
    lookalikes: [
      'https://cafebabe:deadbeef@gems.example.com',
      'https://cafebab:deadbeef@gems.contribsys.com',
      'https://gems.contribsys.com/',
      'https://user:pass@enterprise.contribsys.com',
    ],
  },
  'snyk-api-token': {
    positives: ['12345678-ABCD-ABCD-ABCD-1234567890AB', 'acca6751-18e5-52e2-b8d9-8478c4969b69'],
    lookalikes: [
      'd66ce8e1-5b9c-0ccb-c98e-c284d8fadfc',
      '45941d70606972d6547d0c7ebeccea5f',
      'adcbd19a-e3a9-b1ee-98ea-2736854cc4d00',
      'snyk test --all-projects',
    ],
  },
  'sonar-api-token': {
    positives: [
      '12345678ABCDEFH1234567890ABCDEFH12345678',
      'squ_12345678ABCDEFH1234567890ABCDEFH12345678',
      '1739baf9474aca4bf25d49467cc76dd323aaf1cd',
    ],
    lookalikes: [
      'BqQlBb229sSVq7lTBT8FgUqK41BvbQXXCCUpKvX',
      'FadFlp0V3NKa2XBZhusxjn7NORNJz7fgcS9kOnNuC',
      'sqx_2fdd1fe6c2c10e1202c3b89ddba2d51a03afea0a',
      'sonar.projectKey',
    ],
  },
  'sonarqube-token': {
    positives: [
      'squ_1507781e6fb988793e4697f1885862d10e6640cc',
      'sqp_fcaeabefa94f7e78b11cd907c8b44382b7c41c5c',
      'sqa_179a0b2fa1f3bdcefc3679122038a2ff535729a8',
    ],
    lookalikes: [
      'squ_1507781e6fb988793e4697f1885862d10e6640c',
      'squ_1507781e6fb988793e4697f1885862d10e6640cca',
      'sqx_be6b2eb2a0a4ad5782c64e9d2b4fa4ef0d47c368',
      'squ_312fe45c28b180513cc6db1f495b9bb997320fcG',
    ],
  },
  'sourcegraph-access-token': {
    positives: [
      'sgp_AaD80dc6E02eCAE1_d3cba16CC0F18fA14A2EFB61CbDFceEBf9fAD16b',
      'sgp_0D697F54cb24238EefB29af05Abf1b505E90950F',
      'sgp_local_d7dfFD43cF2503B1da673EB560aAa3e80f16FA42',
      'sgp_80e99bb1d11e240a_4dc647de016f9aeb1827c579fade7fd0acafccad',
    ],
    lookalikes: [
      'sgp_local_d45b6G86aBb0F2Cee943902dbaDBCFCFDD1dA089',
      'sgp_652d9a2e48FC7E!FcDbEA1BC2E2A6CE23cFe7F7D',
      'sgp_78Ad84a5B6e8A2fE5B_4085FB0ccaDDd29DB66Fd7FE9bA2C1cdCE8400CD',
      'BcAeb6640ad7DAD46AD73687946Ce85047d5C9Bb',
    ],
  },
  'sourcegraph-legacy-token': {
    positives: ['6d2FabeB6ADd229Bc199FabA28fD3efb57dF0bD3'],
    lookalikes: [
      '9bea3c171f30ad678b428133995c9633e40fcf1',
      '7243c287cf8a7cd5a0c17d5a1e0812ac823d8a1ab',
      '772bb11fd3accbd05cdbG0c2b71179d929362cb1',
      'sourcegraph code search',
    ],
  },
  'square-access-token': {
    positives: [
      'EAAAlsBxkkVgvmr7FasTFbM6VUGZ31EJ4jZKTJZySgElBDJ_wyafHuBFquFexY7E',
      'EAAAJxeP5YlXEBXwqFP1b_dqqrl1xhx8ofww8T6xwALoxeUq-LJe0VK6fzvba2dR',
    ],
    lookalikes: [
      'aws-cli@sha256:eaaa7b11777babe28e6133a8b19ff71cea687e0d7f05158dee95a71f76ce3d00',
      'EAAAJxeP5YlXEBXwqFP1b_dqqrl1xhx8ofww8T6xwALoxeUq-LJe0VK6fzvba2d',
      'EAAAJxeP5YlXEBXwqFP1b_dqqrl1xhx8ofww8T6xwALoxeUq-LJe0VK6fzvba2dRx',
      'EAABk6E_OgTvL9_CLxdTT1lxuw1KMKTogzAyXbAdPoGfy_U2cSW_nKq6xmfjcChJ',
      'EAAAugEBTlx_dqzhf5vPtZnRcyHm7cIm3viRNE622ZzIiocvnDnhAsygk5klXGyvFEWZluf6vWLjljz7POKOB--2ry6voFYhAuzoPUHDZi8Ume9ubUdBBkvlet-uYX7VQdzmha66YBq_55LatMLjgXs7HF',
    ],
  },
  'square-legacy-access-token': {
    positives: ['sq0atp-812erere3wewew45678901', 'sq0atp-q7qid8QQaO5M64egQIIb07'],
    lookalikes: [
      'sq0atp-812erere3wewew4567890',
      'sq0atp-812erere3wewew456789012',
      'sq0idp-uCEi65nGfxqyctwVkrLpsQ',
      'sq0atp-',
    ],
  },
  'square-oauth-secret': {
    positives: [
      'sq0csp-0p9h7g6f4s3s3s3-4a3ardgwa6ADRDJDDKUFYDYDYDY',
      'sq0csp-D4-XQXJ6686cm_9keKhQ-cY_SCv65Etw7LyNvnhQaVZ',
    ],
    lookalikes: [
      'sq0csp-0p9h7g6f4s3s3s3-4a3ardgwa6ADRDJDDKUFYDYDYD',
      'sq0csp-0p9h7g6f4s3s3s3-4a3ardgwa6ADRDJDDKUFYDYDYDYD',
      'sq0idp-6LXXCHr2pFgRd_To8UDTenhX70fl-n7AtDgoVMfNYtW',
      'sq0csp-QzL1ilY1pcmyKENKS0n8.lhDRIm0mHtfxCTkLRr-VW5',
    ],
  },
  'squarespace-access-token': {
    positives: ['ea610a97-1575-26e8-6c7e-2b9e2c349aab'],
    lookalikes: [
      '90cef191-ac8b-2ec8-33ac-0d636c6c7bc',
      '686GB99D-CBC8-5BF7-AEDE-F0D7BB04590C',
      '04a46beb538baad5d5c741c246a51598',
      'squarespace site',
    ],
  },
  'sumologic-access-id': {
    positives: ['su9OL59biWiJu7', 'sug5XpdpaoxtOH', 'suDbJw97o9WVo0', 'suGyI5imvADdvU'],
    lookalikes: ['suDffFCYr6sVE', 'suIcU6BCxqk5Dxf', 'saQydxWbnYAnpT', 'sumOfProperty'],
  },
  'sumologic-access-token': {
    positives: [
      '3HSa1hQfz6BYzlxf7Yb1WKG3Hyovm56LMFChV2y9LgkRipsXCujcLb5ej3oQUJlx',
      'gxq3rJQkS6qovOg9UY2Q70iH1jFZx0WBrrsiAYv4XHodogAwTKyLzvFK4neRN8Dk',
    ],
    lookalikes: [
      '5jq4Oa860cWo5F9Ev5jt64K3WwPPiCiRHh3hTKYC0JFsd45HNujjp11Dref9CPs',
      'tc9uIJRCfCZp1aBNMWnJRIKSqCOqsb4J0j3yXDqyxlDvqcgQhjmRR7Pc3RejnXZhm',
      'AbCeFG123',
      'sumo logic search',
    ],
  },
  'telegram-bot-api-token': {
    positives: ['4309224989:AAEnERMu_b1HV1sx1ld11hvUzqlSwDLejVZ'],
    lookalikes: [
      '8913:AfssFim-bfmnW0OC2c5obnSxLA93x-1VpcF',
      '17722461500192381:AaWDvPGnFH980jBpkg1ock4yDprfsJn6G3O',
      '19860805:B0nCpeB2kiR2T6ns8i3EMugXb0HTgnuvkFD',
      '70540916:Ax8oGFdvseiqukhem3Oz9Npc61fgdsI2CI',
      'clm49594:AgencyIdentificationCodeContentType',
    ],
  },
  'travisci-access-token': {
    positives: ['FK6esSUbi6DrsleBxagRxt'],
    lookalikes: [
      '0LsiSlQNJR8OwF58PSJ9A',
      'pt35QznFrzKShVl3YoEQg5r',
      'yn2kThNrPed-l95kX3ESNs',
      'travis ci build',
    ],
  },
  'trello-access-token': {
    positives: ['kc7lKYIiFdECNAHmVcUYCUyawS1nQlDQ'],
    lookalikes: [
      'mU4HNM9YisWtHZ9gQ9QSbx1RKpW5OLQ',
      'TBLaEFum73sUGGEFraEtqTrh6BLBsN4nL',
      'EqsCXccKFf1a2Ph7.Y38ZBNd57kmobk0',
      'trello board',
    ],
  },
  'twilio-api-key': {
    positives: ['SKf10beaa20292743827ce4ef260a96e79'],
    lookalikes: [
      'SKf10beaa20292743827ce4ef260a96e7',
      'SKf10beaa20292743827ce4ef260a96e79f',
      'ACde14ee60c5b7abda5b3388886e099a3a',
      'SK271adc15b93f1f9f0798c1d1b3fac72G',
      'ASKdb0b432e19a8303ddf193724c2d56eba',
    ],
  },
  'twitch-api-token': {
    positives: ['bsxjn67i25pishtio7tou9ygaa6fso'],
    lookalikes: [
      'of034gn92baly3jo9pu2ipnuvzd86',
      'oee0qw2ucibezxngzv7bynr2160xy38',
      '6a5vdupvwnwkayqQ0zhvlzrav86fyy',
      'twitch stream',
    ],
  },
  'twitter-access-secret': {
    positives: ['45DmgwB2MRqyLDDDn7FMyyPmEZwtDc9NtSDyEFdS7W1CV'],
    lookalikes: [
      'C26xnBJYP4UcQD8VjazDllV6fRCphS3hSqk04o1TsHB2',
      '0VyuBf5zAmXDMMF9PAzP5mX7tQbiayofaOcdElAAACJXWU',
      '74TxqcGLuo2EGLPfMbLW-qA2Icbjcnhibh0VqA6gNJsSK',
      'twitter feed',
    ],
  },
  'twitter-access-token': {
    positives: ['1951652552880946694-wBEnTyOCaRSiOn6ANC6dcnnvjYeNZY5pCOhq0ifw'],
    lookalikes: [
      '69885059313271-mTCDAYHsZHhilyYs9xGRkAE8sZziqW',
      '1960755573262428973-62Mj8Yt4QbnMYPIU8pd',
      '1760780632138293271-gC3FMOQ8HYkMlb3Mdqd3vujznkiUkNd6d5aI2Vkya',
      'twitter thread',
    ],
  },
  'twitter-api-key': {
    positives: ['5jVL13tGWmzE3EMXKqePOA9oM'],
    lookalikes: [
      'cnYWWuTg1OzQ6n53ktgdINtf',
      'Lh6O2WXvLFfqkrfaxkc3HObLaf',
      'juDVtLA2Xmlr_wm2rTDDqpFsw',
      'twitter card',
    ],
  },
  'twitter-api-secret': {
    positives: ['VlNyEam370Ox7aNuj6IXi3vRI3mNTX41Ht8rXopqQggSHmF10z'],
    lookalikes: [
      'CV56tX4dnorybsu4hXomk0x4bUvAW9ZcIkHkV0f0KKd46Gdqg',
      '9tRAe2pP9JWs8kK1o1lUD6tDP94odcd8PZxjmZHV3NaQov17AvX',
      'SYKzlx70laswJedrQqk3tAQJq-kAWZzoH6XJDuTjVFN68uxlHD',
      'twitter api',
    ],
  },
  'twitter-bearer-token': {
    positives: [
      'AAAAAAAAAAAAAAAAAAAAAAOwTiZAPFpX6VgGAAAAAAAAGBap5VLJ%2Fg1QtuQfeFqwnUr3q%3D4X7zRG3TkG0rJHyHDjSzWRP2O4GHKgNJVFCUgrDp',
    ],
    lookalikes: [
      'AAAAAAAAAAAAAAAAAAAAAAA8yxPfFpG6AnxcynKgtBr9wQkraS3MkjA5b4m7R2CcVTBDASeDY2zD76ChLg',
      'AAAAAAAAAAAAAAAAAAAAAAzJeUKIUjxLFFxpWlfODIwIef9OY5J6XY8ushUo2OQwZdJ9NnFB8gLLA74itrJsW9lbLIofq38XrvrK38xuo7hf1DVWau4mGhP2YVo',
      'AAAAAAAAAAAAAAAAAAAAABqNI0TcUKoq2TTwM7lzSTfGONDDf85TX3vx2kn25r5g0t6VJ95la9bG0WbLIfGVedjkuUcXB7znLuwtHOBepZsgLB1C',
      'AAAAAAAAAAAAAAAAAAAAAALS5IwiAjo4lyTtR03GezEQGpVm2X8lLjjHjtd796qLfMsXNh7AyuqZbcHDNmZWx66QL73UX3jFGHZifSRPCfaW5w/HA4UVtWdJWMYo6gDXNZW',
    ],
  },
  'typeform-api-token': {
    positives: ['tfp_8MIkWpjqz5x5k01ccF4xUtJVeDJUhua4v0yeRpEv5ICiLrcppJFPUWAzAyB'],
    lookalikes: [
      'tfp_8MIkWpjqz5x5k01ccF4xUtJVeDJUhua4v0yeRpEv5ICiLrcppJFPUWAzAy',
      'tfp_8MIkWpjqz5x5k01ccF4xUtJVeDJUhua4v0yeRpEv5ICiLrcppJFPUWAzAyBx',
      'tfp_dOsS7WAQ-V9rUzMMkdCY.93op8-R49EkVqzN2U7vVLGle64dQ7HlglxexIY',
      'tfa_sUkGrPRhuTtz71of5LdI4mbd89ehXMiKf0WmN01X6Rm-xdY4Zkqf87ZUHvc',
    ],
  },
  'yandex-access-token': {
    positives: [
      't1.ssrW4MBiYe4n94wefpelk0TE_F8ChuTAqPfkIClvK83a_EvhQTMiiy5pJB_U_JJ_E-aoIRGnedxIGXicEPod9zkHLyMKMmJifOPDX5eTSyUJvKGc9Xclk8Vg.h7ax_jr2JRmqogeetU9Ph154MZw0AvZotuBb7anSzcMuXvCjxxLMBROSn-juW2ZmoKks3ztkc5IJpJ0Yuxc8GS',
    ],
    lookalikes: [
      't1.ssrW4MBiYe4n94wefpelk0TE_F8ChuTAqPfkIClvK83a_EvhQTMiiy5pJB_U_JJ_E-aoIRGnedxIGXicEPod9zkHLyMKMmJifOPDX5eTSyUJvKGc9Xclk8Vg.h7ax_jr2JRmqogeetU9Ph154MZw0AvZotuBb7anSzcMuXvCjxxLMBROSn-juW2ZmoKks3ztkc5IJpJ0Yuxc8G',
      't1.ssrW4MBiYe4n94wefpelk0TE_F8ChuTAqPfkIClvK83a_EvhQTMiiy5pJB_U_JJ_E-aoIRGnedxIGXicEPod9zkHLyMKMmJifOPDX5eTSyUJvKGc9Xclk8Vg_h7ax_jr2JRmqogeetU9Ph154MZw0AvZotuBb7anSzcMuXvCjxxLMBROSn-juW2ZmoKks3ztkc5IJpJ0Yuxc8GS',
      't1.HQ9BawrT75MNIZbw_ORRYIgYtKIglfbvuDPBzfptB5lPrk_AfCRgrMdSXQkuwGK82nIyG-roA1V9Bi3T0EQgA-0FhE5itN1syDkXdclUKdJaoJpOot366poO',
      't2.LkwINc7BIPjwh9BM47L7Rt6GV-on-Ui7OUmqU5pPHNlit56NI8A7oNDNdXioyppbAQ9XUaiP-A_Q2UWsS-nJXp2A34dBZ0zsFUAeN8RPNCxasxYH46i8qxlZ.v6grkm6BxTPCXAzxE9rD80EtuhjK05xEblJnD35A0hGcYLyA9q32wlVZH94DrujAtpPjGMtSUQ419_V67zqq9E',
    ],
  },
  'yandex-api-key': {
    positives: ['AQVNAodFhQYQ_cPTJ0YFjhjBzFjFO4ODzro4DsC'],
    lookalikes: [
      'AQVNcb-2WudJlDwJ3dStJPBwYVrdahbzuNIm-3',
      'AQVNW0dJCmvnXe-p_S8zjJFqGQVLNSKXtgCZSgrEtFQ',
      'AQVMpDaXaA1Cs_BPQFaEFPBscyrQbiDdcMVq_iYs',
      'AQVNIrtG7E8Cks3zstBqRrbF.ITss0D1ScYqxv5V',
    ],
  },
  'yandex-aws-access-token': {
    positives: ['YCc5rqN7--8qfRtYkYPaXZguawS4ivRIEnnkd59Y'],
    lookalikes: [
      'YCc5rqN7--8qfRtYkYPaXZguawS4ivRIEnnkd59',
      'YCc5rqN7--8qfRtYkYPaXZguawS4ivRIEnnkd59Yx',
      'YDKYBqB9XGezgHRkQPIXPYkxKIcg5kwWQrDoPEG8',
      'YC8HFC7L2yy3Z7_fooAAGk.DH0TUdTdA2slmcl-6',
    ],
  },
  'zendesk-secret-key': {
    positives: ['MBmxwjLjXiMlE92hQ2yxZXoyZnj50eGz4YY1eP6L'],
    lookalikes: [
      'd11isYT8Mv9UyjWRWQZNub3G7BwebFgFtPrnU5X',
      'Pcy0imrRWvzhZ5pB2hLsWntiGvDXdSXogfVDzKoW0',
      'Lw3FFemgVDdLn8t3fe3u-l6SIs81rA24qBPbrfyd',
      'zendesk ticket',
    ],
  },
}

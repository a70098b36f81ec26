import type { FormatExamples } from '../types.js'

export const EXAMPLES: Readonly<Record<string, FormatExamples>> = {
  '1password-secret-key': {
    positives: [
      'A3-ASWWYB-798JRYLJVD4-23DC2-86TVM-H43EB',
      'A3-ASWWYB-798JRY-LJVD4-23DC2-86TVM-H43EB',
      'A3-S2WU1B-Q1OMY6-RX6FQ-9XV5K-62G60-HK78J',
    ],
    lookalikes: [
      'A3-ASWWYB-798JRY-LJVD4-23DC2-86TVM',
      'A3-aswwyb-798jry-ljvd4-23dc2-86tvm-h43eb',
      'A3-RD8X7R-VF4VYM-TSQCD-LBDNQ-6SG2F-0MZRL-BOJVC',
      'paper size A3-ASWWYB sheets',
    ],
  },
  '1password-service-account-token': {
    positives: [
      'ops_eyJzaWduSW5BZGRyZXNzIjoiemFjaC1hbmQtbGVhbm5lLjFwYXNzd29yZC5jb20iLCJ1c2VyQXV0aCI6eyJtZXRob2QiOiJTUlBnLTQwOTYiLCJhbGciOiJQQkVLMmctSFMyNTYiLCJpdGVyYXRpb25zIjo2NTAwMDAsInNhbHQiOiJlYUZRQmNVemJyTHhnM2d4bHFQLVVBIn0sImVtYWlsIjoiMm9iNGRpeDdiNTdrYUAxcGFzc3dvcmRzZXJ2aWNlYWNjb3VudHMuY29tIiwic3JwWCI6ImVmZDY4YjNhZTkwMmRjZjRiMzEzYjE5MjYwZmY0OGUzMjU2ZDlhOGNkM2JmMmY3YzI2YzU1ZWJkNjZlZGU4NWEiLCJtdWsiOnsiYWxnIjoiQTI1NkdDTSIsImV4dCI6dHJ1ZSwiayI6IlMwaGE0SDhqbEhRblJCWmxvYnBmR1BneERmbS1pRGNkZWY0bFdYU0VSbmMiLCJrZXlfb3BzIjpbImRlY3J5cHQiLCJlbmNyeXB0Il0sImt0eSI6Im9jdCIsImtpZCI6Im1wIn0sInNlY3JldEtleSI6IkEzLUdHOUVRNi1LUzQ0QVctQU5QVkYtUkdQTDktQlNKUTMtR1NHR0giLCJ0aHJvdHRsZVNlY3JldCI6eyJzZWVkIjoiN2I0OTMxMmJiOTlkZTFiNjU5ODZkYzIzOWU4YWNmZWMxMTU0M2E2OGQxYmYwMjZmZTgzMjg3NWYxNmJlOWY2NiIsInV1aWQiOiJDV1RHQ0hMNlNWRkdSTlg0SzNENUJVSDZDSSJ9LCJkZXZpY2VVdWlkIjoiMnFld3JpaGtqbmt1Zmh6ZGdmZ2hnNmM1cGUifQ',
    ],
    lookalikes: [
      'ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6',
      'ops_eyJzaWduSW5B..[Redacted]',
      'ops_zaWduSW5BZGRyZXNzIjoiemFjaC1hbmQtbGVhbm5lLjFwYXNzd29yZC5jb20iLCJ1c2VyQXV0aCI6eyJtZXRob2QiOiJTUlBnLTQwOTYiLCJhbGciOiJQQkVLMmctSFMyNTYiLCJpdGVyYXRpb25zIjo2NTAwMDAsInNhbHQiOiJlYUZRQmNVemJyTHhnM2d4bHFQLVVBIn0sImVtYWlsIjoiMm9iNGRpeDdiNTdrYUAxcGFzc3dvcmRzZXJ2aWNlYWNjb3VudHMuY29tIiwic3JwWCI6ImVmZDY4YjNhZTkwMmRjZjRiMzEzYjE5MjYwZmY0OGUzMjU2ZDlhOGNkM2JmMmY3YzI2YzU1ZWJkNjZlZGU4NWEiLCJtdWsiOnsiYWxnIjoiQTI1NkdDTSIsImV4dCI6dHJ1ZSwiayI6IlMwaGE0SDhqbEhRblJCWmxvYnBmR1BneERmbS1pRGNkZWY0bFdYU0VSbmMiLCJrZXlfb3BzIjpbImRlY3J5cHQiLCJlbmNyeXB0Il0sImt0eSI6Im9jdCIsImtpZCI6Im1wIn0sInNlY3JldEtleSI6IkEzLUdHOUVRNi1LUzQ0QVctQU5QVkYtUkdQTDktQlNKUTMtR1NHR0giLCJ0aHJvdHRsZVNlY3JldCI6eyJzZWVkIjoiN2I0OTMxMmJiOTlkZTFiNjU5ODZkYzIzOWU4YWNmZWMxMTU0M2E2OGQxYmYwMjZmZTgzMjg3NWYxNmJlOWY2NiIsInV1aWQiOiJDV1RHQ0hMNlNWRkdSTlg0SzNENUJVSDZDSSJ9LCJkZXZpY2VVdWlkIjoiMnFld3JpaGtqbmt1Zmh6ZGdmZ2hnNmM1cGUifQ',
      'the ops_eyJ prefix marks a 1Password token',
    ],
  },
  'adobe-client-secret': {
    positives: ['p8e-smPZTFk6H5joC2ZxhU7HB7zrLp5Exgih', 'p8e-ff87e345b5868b82040d9ddedf035825'],
    lookalikes: [
      'p8e-BOjPang3BlVZGRRoB8SquT632ggEJ0W',
      'p8e-0BsEkWjquL5Z5UAvGPx4KNft0SDPqLJSa',
      'p9e-qPrjB9vIDTOVHIl1l70nNiH6wKZH9Uje',
      'p8e_2yHQzjBCtCzeGx3XgRTBnw8Iq3NEScd0',
    ],
  },
  'age-secret-key': {
    positives: [
      'AGE-SECRET-KEY-1E5U7SMRJV6CS3ZTEZ68MCTHYF25DLM85SAK9XNMUZGS9EGJ3YNTSFKSPK9',
      'AGE-SECRET-KEY-1R3QH46W4NSHD9GMA3XNJ0NDULPYTL9H4DHU5ZHSRY6CVA7UX3WMQHWP42F',
    ],
    lookalikes: [
      'AGE-SECRET-KEY-1PC8US7XHPEFHPAHZ56SGR3EUTLATU9678UXN7F3DXS50T4EF25LQ5P7ZF',
      'age-secret-key-1cu975j2tp9e3ayrmxcrdstjggpqw7m7sr7xqpxhzt528jdcj6qss3g0m5l',
      'AGE-SECRET-KEY-16ZP1Z3434MZIU662F9K9UE51OGUAWKOJ11C21JO0BIOBVFL1RSAXN5QD2V',
      'AGE-PLUGIN-YUBIKEY-1K6YA8MQE7P79Z7WF2ME78ZK3X79V7A6WE4E60L82UDWW5900XZ3SK595Y3',
    ],
  },
  'airtable-personal-access-token': {
    positives: ['patsmM3HY9zXWyPVh.3264beb0f70b7bdafefa7f6b473aa8dbd327544d196096b47af2cf7557e6aa08'],
    lookalikes: [
      'patUNnl36AEn5a1SO.af240029e36732f85b0efd06435d9cded48d890e5ad929919ce2278fe69700e',
      'patAIOZMMqm4ipNN.35363819598ca8e898daa09e3b333961d0f15e65c48385a23f3c22654b6975c9',
      'patwbUqw2freMTi7p.P0LCNE4TYP3UUIQFERMUKXYGX5T969K5UNH736FU1UIP2D7BHF0MJLUDOKXXW5I6',
      'the pattern matches',
    ],
  },
  'alibaba-access-key-id': {
    positives: ['LTAI5t9FH3D8n7U3zh6Fspf8', 'LTAIaOfP82TE6pGm'],
    lookalikes: [
      'LTAIuPFo86vljkkCIcST',
      'LTAIvqbiytEHL1BXNkbA7YqMm',
      'LTAJNoaEal9osgeWSSGJaUHJ',
      'LTAI RVSDQBOvgn0y1sPjtvzH',
    ],
  },
  'artifactory-api-key': {
    positives: ['AKCpkHNx5Fs06sPZsXzSZRt6zmiTY45y9PmUtW1RfcpXbqjv0M4FPyuT3wPROFX1W3y6g7enb'],
    lookalikes: [
      'AkCpMdP2I1wctdK2SEagtfv2zJ75IgjagwNqkcoTwy0cgUQ0653uUzrZx1KjbL8T759HgJfK0',
      'AKCpbOkNLbMJs87K6dcAvTakrrPMq1v5Z8CQK75XCaGs3ghZRWdsC3Y9US361fm',
      'gYnkgAKCpFNndVYyiphWLhhNg8z0kVczbDbnKZBIQUeEzcBG0UN23hbYOpqOuHxdPDpuZBNx5mIWxrVyZSB2',
      'AKIAS9WERGZRMNGK722M',
    ],
  },
  'artifactory-reference-token': {
    positives: ['cmVmdgn4I5Y1fN1qxYp3XlzEFdsISinMTpXb5cFTJgtKZZUOng3Ghk1ALcqYJFYk'],
    lookalikes: [
      'cmVMdhXElUaE16ur3FNTUc8zRittIvzmFKlsQfTLAzuyQPVCHUccGO0vUXqt5wJ6',
      'cmVmdOE3kUerRDKhDgXminpL8qZxzoDb5MyBxiWHJgRvUMa1bIlqCm',
      'gYnkgcmVmd30s4eVVMvgwkSKq8N5SjT4ojEgry2CMuJPNPQe0AEu3POJIOYuZu0oKiG9cVyZSB2',
    ],
  },
  'atlassian-api-token': {
    positives: [
      'ATATT3xFfGF0K3irG5tKKi-6u-wwaXQFeGwZ-IHR-hQ3CulkKtMSuteRQFfLZ6jihHThzZCg_UjnDt-4Wl_gIRf4zrZJs5JqaeuBhsfJ4W5GD6yGg3W7903gbvaxZPBjxIQQ7BgFDSkPS8oPispw4KLz56mdK-G6CIvLO6hHRrZHY0Q3tvJ6JxE=C63992E6',
      'ATATT3xFfGF0V-V5QbzCphv45PGslRm7c6ABSMOcgjB8chbx53ssog03D3XNNlAjiOCfqV_ouaf2iPfjFM1FsTq4qxxNvw9UkTD4d9jchkB4WioqEP4nS9A3RaH_tkio0vQtzzDa1-jB9P9sGo0txm0pBkuTsD3nxEGrLCPF_M4vBKPS6Nf4DFe=A92823B3',
    ],
    lookalikes: [
      'ATATT3xFfGF0l-xeLf9VoBw4tfgHiwcwNg52qBIeh_SXZwBhLgyq',
      'ATCTT3xFfGF0M51Qtcu_Dfxr98P7vh6Yatet9gBNJH00pXRGHU_jpKf__Cy5k55e0t93JYHZxpNYa2M30xkRqrXyEUH0enGec7zSPTxdI_thCkwBGGFy6u-XOrew3d3Bdevgqt3w66I9DHBGzVcQ4r0-MePs6s94AxF-i8agAiqdagEUlVDaTkSEDN7WDxV8',
      'xATATT3Q4vKe8YkiYFWjIX1E60KjP6k2Aq5HATKsfsoHSJQq7SDqEd3aPaGADj1-eNaXI6-PKv_OGOMYBcVXXZSu47_3tjcCVn4W5euMcc_OD6BIzKWwN_9KeOlns5CPjERoYAHS9HbkWsv3iHK0_vCijL7WzPDHzI5FVXXf_4A_uYwKK1p1gh-duaDM_FLST',
      'ATATT3 tokens replace passwords',
    ],
  },
  'authress-service-client-access-key': {
    positives: [
      'sc_aNySQ.iocD.acc-9647aa001.MC4CAQAwBQYDK2VwBCIEIEWKzNhYSfa72U',
      'sc_cEXvDHdXie.ao4z.acc_4sfcv9yuap.tY1316-T-7flXaEhvLE_MYZ5leMRKX7mHHtCOaAq',
      'authress_UyVAjBd0dZli.HQdLO.acc-u81i9u8w5tp6.AN3QKa7t3HrWQCB+LErGP0CAo7AamBPQBStT6+ise9eWGWK6tvhnlUz0Zpcc2yqD',
    ],
    lookalikes: [
      'sc_qLbiVbB0i2.g0ab.acc_c678klyfly',
      'sc_RKadmh8JZC.lsTU.usr_bsbvxswm26.XnTNVxbt3mdftVk4Q07dNd_mMGDas-xVXYo0Llyx',
      'sc_Qvq1fTr1QD.GE6W.acc_9kplod49zc.2EeHO5vGs8AYS6j0lDnn',
      'the sc_ prefix names a service client',
    ],
  },
  'beamer-api-token': {
    positives: ['b_68Te-rPCcm8Fmz2ULlGNLjOWzLaIezbo9XxWSlOkMN-H'],
    lookalikes: [
      'b_T8WJOcdG87UXK51DDQb2rBjVaQtylWKzKLbY6sShvHh',
      'b_yw2QLve0EDbqGr7eXLr1ZyFAapO39Qrq-FgxPT-yxb7ow',
      'B_wqbCAxeyEy8SNrg2QD040jTccgLLyKu5uyjSt4P75V8f',
      'R16900-CN-B_250K-Release-OTA-97B6C6C59241976086FABDC41472150C.bfu',
    ],
  },
  'clickhouse-cloud-api-secret-key': {
    positives: ['4b1dbRdW3rOcB7xLthrM4BTBGK1qPLkHigpN1bXD6z', '4b1dV9pTwLfbSB2rJiNmBr8UsvpHd2G5WbANJX39cp'],
    lookalikes: [
      'adf4b1dbRdW3rOcB7xLthrM4BTBGK1qPLkHigpN1bXD6z',
      '4b1dqHFK43Zd2dMsa9zlyWbJ6Y5RRqpE5nD0oY5Ej',
      '4b1enBznPcNebFkHlBvUTqtZmFS1QGaALteQeqjooM',
      '4b1dtcni4MnUtnS2QrmEHIUdKRycTVjyK8dLjkq2nmG',
    ],
  },
  'clojars-api-token': {
    positives: [
      'CLOJARS_324122b3a69ea0c4c2e13ffb4f3867f852d343802dd6866ba6b725e04821',
      'CLOJARS_WHp4q56zEjkCFYNjIEqD1jmNyoP6QFHpVijNsuaKh1hI3zlaf4g2WlGEeJRV',
    ],
    lookalikes: [
      'CLOJARS_4490df8adc97c95e6f8303b16efb87621af11335e3146155ac84a99d1ad',
      'CLOJARS_USERNAME',
      'clojars_7bf1b523b8662d1db691b9c8d6c2b89e610b2c1b163418d32238db676b3b',
      'CLOJARS_4b7ff5fe04aa7e69f7d4be7f24fbf0188b649c721ddf5e7b75ea79dedf070',
    ],
  },
  'cloudflare-origin-ca-key': {
    positives: [
      'v1.0-aaa334dc886f30631ba0a610-0d98ef66290d7e50aac7c27b5986c99e6f3f1084c881d8ac0eae5de1d1aa0644076ff57022069b3237d19afe60ad045f207ef2b16387ee37b749441b2ae2e9ebe5b4606e846475d4a5',
      'v1.0-da20cca00f3aeb113195182f-87299981631787df6d3c39d1a8ce2730be43536f25a748d47cdb5cd695a9534ca0a77d550af8c38e21ed94a23465da2dbc0fb962f02fce51b5253ca8bb38f17df16231f66f9596e885',
    ],
    lookalikes: [
      'v1.0-3bd93d2b607c12833b2aa3fa-a54a330a716046d546704f04e3f082ac668243e9d5c7c827cde28bdedd7650a319f9e097d20202f4f08c1da99420e75ce4069e66e48fa5180926a31cd84cf21f2cdc0bfe7486cedb0',
      'v1.1-23ab8b57578e76b8f1d88a26-d6302b01335ef956e870bff2dada46aca78fb7fb41c4d468db42c3f4cbdf90d1f79967af90d599d76439186695b3dd8798c2b9b0b9cfbf7a51954dd808b1c4a627cf2df946f7a0d200',
      'v1.0-0160c7fbdf7844b0d17f4b62-9BV222CKMRW7RZRXP3KVYG2WZQH1EWJVB5STX0DAQT1K16I4Z68NVD2I7DOJFW3NAOGFVXHBNYECY2EW9GQ89KJ5KSU7T0ZJ3O0QLL8QOOXD1ZW96LC0H2EUNYZ0XYBYNRP71HFUBXEJCT9GEU',
      'released as v1.0-beta',
    ],
  },
  'cloudflare-scannable-token': {
    positives: [
      'cfut_yDbcg5TamulGECSmiOqWye7kAMIxKtuxxo2INVZVeaaac108',
      'cfat_ID5Fq6YsUBC1r76koaqj6S5s9UdSYwqXi36KKjDFd8b4c394',
      'cfk_R2pl9qoGuE7O9vVdimZyO65evPZmuRTP2zvdtFSp5046453a',
    ],
    lookalikes: [
      'cfut_BgNofVaNskBtYGhN43jWiMUBfRYXgFN25ifPWfu8',
      'cfxt_aYYcZJpuI3JVniqXaXqz4sMIaAXFIny84At8Qqcb7d7d6cb3',
      'cfut_BqwBwV1aQnyJryAs0RTnOsCnfqqjV47TZP2ZHML3dbc1d2911',
      'cfat_21kVeWQa9B11WaJoygdx7AoAiD5NWuRtv3wF2Y13QLJQQFQE',
    ],
  },
  'contentful-personal-access-token': {
    positives: ['CFPAT-k66bvp1r53i3WDFyVK-MdhlT1jf7d9EtkBBuJIB9Nik'],
    lookalikes: [
      'CFPAT-yxXecgnoW50zWFstgorfCQxTlqnQsv5XmYegTQYo7i',
      'CFPAT-1XYxIHZtw3qr_OX38xOPzICm8ERJ-g54xs79lBDD8_mb',
      'cfpat--YD1J6YpGZOjBLQPLdRoKh4Y9SF-lIkOAsUQH72GwQC',
      'CFPAT-tokens are personal',
    ],
  },
  'databricks-api-token': {
    positives: ['dapif13ac4b49d1cb31f69f678e39602e381-2', 'dapi604826c85da72385d8a91ed91a2d0720'],
    lookalikes: [
      'dapi123456789012345678a9bc01234defg5',
      'dapif27ac6a09f5d688967f26463f08c6fc',
      'dapi9dbd8edcd6c6282491cef47d82dbbf065',
      'dapi2BCBB7BE25B84ED6A306F792D199B082',
    ],
  },
  'defined-networking-api-token': {
    positives: [
      'dnkey-DKUWOC2ZFOXE34RWE16EUW7E4W-NM1BRSDHLI0PLR84X2QNGJW084ATZ8WDMIFKVOF1HJOY6KYVGULM',
      'dnkey-KnsnIWhNFVZh3jQQ5jd3nStkut-3zNoOQtP0E4qYfb99JtjhKtZ3_mfnsDfNh8Je7XGT9E_dME5BD2c',
    ],
    lookalikes: [
      'dnkey-TALGGDUJ4MAEN2P72PZGTSW9NQ-WH8CWUENP28T625SQT8EDBER0BPODYO3SZRC3UIF7VBAASN3991',
      'dnkey-XRLAOT5KS9QRWM5OZ591NHV6J-EYWURG1COBXSUP3TRSSVTOIL1F5FXQ2QD1K5OXDZ54W5IJN60606',
      'dnkey_MK0J2AJPUUQVW627UZKUOGI8VU-7F4A2VUMZR9NJ8BUMZOV1JC17MA1WAF225ODQYSCS9GUIOHLHYS8',
      'dnkey-based auth',
    ],
  },
  'digitalocean-access-token': {
    positives: ['doo_v1_a38aa1a017e8d8b705542eee6ab20ab44bce6bdd7d97022c053d2432a96d1a33'],
    lookalikes: [
      'doo_v1_f85ad70b85a2d76d1bb04b5d66e065fb0a88b8ad0c25fbf62808df739341f16',
      'doo_v2_8e41c18ad388190c080c409905305cff4bd50ec445e4263344be534feaef658d',
      'doo_v1_sZxZwhQqZvgKtBoLyPZKZFEZMOAjkZTnnJZZLDBOkGyDlmNGYVZSZNtjZZZZBsJA',
    ],
  },
  'digitalocean-pat': {
    positives: ['dop_v1_143f0dc27d59790064c99f0554375e63c8ba55a810aae819058b9ed5f2817816'],
    lookalikes: [
      'dop_v1_ec1d40a61de2b97642c6ba844f7e8a07eea847d17b16a3d365487a85c57b736d9',
      'dop_v1_2E4CF7597815E53E0E478AE63B5C4DEF1F14359031E3D09BFB1A09C8949B05D7',
      'dpp_v1_a0f4af520ff21c759baf988099e214fb279d3e5f5c9f09e0af7872f6e8da47df',
    ],
  },
  'digitalocean-refresh-token': {
    positives: ['dor_v1_ca6243f59e19ea8d3e02e27ff23d71ce902679101973983da3ea7d5c2362b82a'],
    lookalikes: [
      'dor_v1_018d02675a6022a1a27112baf8b25e4a32ab7ee4b5ec0fb92c8d6231e85a',
      'dor_v1-95db19f364074e47b09d0a12862ceed30d7bbfcf43d96945bbd1f626e02d4ebf',
      'the dor_v1_ refresh token',
    ],
  },
  'doppler-api-token': {
    positives: [
      'dp.pt.zkxYYBKO2oztRQj72SOAA13PmVyTwI7AboM8bknx',
      'dp.ct.Id5aLtiAE3iOAW6Po9m4VLWhqbRE3QUjbtKWDKHVw2x',
      'dp.scim.biuguty2X5yCIksRKZvGvP0AxBDo0aRwu3nzRvFRcZhs',
    ],
    lookalikes: [
      'dp.pt.m1pwL6weyALuGQEt2WOhr7smh6t09WdmU1uqcBz',
      'dp.pt.hyeve756LeecMjncYV7GWdUMLp0HElQ6sVbTR3FMrqT82',
      'dp.xx.AQJBU6CS2EKTuzHmLKyqG2gTRNCAgdTY3PMidvLxK4F',
      'dp.pt. means personal token',
    ],
  },
  'doppler-service-token': {
    positives: [
      'dp.st.dev.NCbRYxkFcYXTpWBlArh7g1qHjMDt4nAvbi3ujyzD',
      'dp.st.NgjtOPc9hTy9DCUgLdhjzhnUHZ1sDFSNK90AaJ5TwneL',
      'dp.st.prd_eu.Ybwe8JsDtLmcbED6HwlR4DNKXtmp4DqGmV9T0VO9F5M',
    ],
    lookalikes: [
      'dp.st.dev.qXoT58q3DQQvP9hp4yB4QxiGPomkn8XBuOdr5xP',
      'dp.st.AhwC6aE2emrXQxlkvQgD3l5pZEikvS0IGn8ugIPtAvfqej',
      'dp.st.dev.xxxx',
      'dp.ct.dev.GE6SAWogR3RyXyKtS5KGAhFUg9mFtXpqhPRct3MK',
    ],
  },
  'dropbox-short-lived-api-token': {
    positives: [
      'sl.s8gSjiKdacJUh9RPiAB7FwJbSoe_tCazojzcI0-lEKA-UZMZLcH-XMeDDDTvGAqnspIMn5xY9y3px9SAs72P1Juj_QzhRWns0MzIdRGSxRPGkjvEuRxIv9g5_kbUqEokXDtiP5V',
      'sl.u.AFut62k6Tua3vn8qym8-EKwIHqqCWCj434rjxm4IiCbTacqUcP32qS6Jco3UvrJCSDfTm7ttM0jTQnb2hJ3MBpfz-jIYMjVDZeUukFWkq1dAGzkppn2Ty208sOFReAVD-YHCCKDWnT6O3oHRBTaFNToYDHhclDrzhKIU_hAW3Hk368HZQqj8JOSlgb0qJpS6FMKSZlN6q_xf-fnHbbmFpq7VKD0VTSiYxHYqtxIagWZJXtll6oYHgby6r5lKMlHnQJUdmmOW2IMvj2wXmq22C0Qq-lD-4FyzPKEUj2ZYvdFV39TQ7-SFw8c6RQzBAI93-XqljnBynLfDEI8OyaJcHUlCaHaLYnSwRi2Kla0PQpv53zPTd6bV7QMc-h7RTTuDAJhExTbcVS3_KleiawnOaOmwh9zlt958ULAdtGJsg8TjhgSv60JEnuKgeWGS09UbFA3vE99qqFeEizMsjGZboQ_1KB8BzWy0dSdyZugNLKhnjsZ0hnd8lDI89JfnsFocbqwHdqbNUdb_K0KRK3YuD9Ow1KYXN3Da7hj0LH5ivyLLiJ4uHZbNnBAeiaBtMsoCNMXCc474rzeo9UnWaZYY0bktEfgah-c241ntrZdA6ZNFJWOqbBhh8EhDLRG30KIvI0T0CMtVX4BNhGn_iy2bMbqQrQll6zFIccwbP3AgI-t7RFV6pe8mxPdLy2rV2uUe7t5AG2Uc8jhZ_Rn_FM6GrV8b21v0HfpKbkEjA7keAuBpymUrXTZ73ceGKEWLLXjPwuYL-XJPlSWbprP3iWlON63ZuCN7NWnsZHbFpiRLtvSDzBtr6vjVfWlOejQbLxdOP_6SqmruOTWOxYw8FijILAZEgtbumD4pXEksPugTMnXWFSFzspU0DXbOIije0S9dGAgXn_vbljPHMIF7X1Z0exldX995sOC2PLJkhSuM8JORAB_kpPpbsubI6Ar9yMyIQqENqU6qUFS3oGtPEEeT7y9gwubxzSHbX2mpVCd1Q_DmSPRtAwVLIMbGULvEFojDpRaOsOH6AweVvzID7hevbuQpd0okgmSwkljWNNlXcY_B1CHu-ZL4PpvuSkwgx9ocaP3aBQm9OUw_lgct8zb_RvTus7R-ati-gkdNURV6MngL7tckVCIy-rI20XiSnhLiuyQbI--t9Wd-j4OoLhVsSnEpNeG9n36E8dqKbk5H4DGkkWUkaTDO5ZpCkfbeHQLsViDLvHC-rxgGYVYQTCjRceVlMBWiowe3oOo4yAzbLqiSMrr8eRqSUtsHOhzrqY1yX8Zqu3Oe7AqwcOv_erIx-g',
    ],
    lookalikes: [
      'sl.YvbSH5nXUOP32H4Pxv2ThK_87Vko23qbY_Q1WCOiV7ZNmwXnO67IruUnCsaVaugmfFFEfkxtNKsxI86xddDQ5OiypXxZEB9Kz2ZV',
      'sl.u.4qZU46CKa37FYHB_SvScNdMT9lJAFU4G44NvYLMpzij0QazL2fZutY-kOlak7YPJTxe-HDvq_lv-A6k7ENpjc12x9IoAoIGTEMz3yyZ3zAYwgVRdiR_Qd7stZymzffZafa3iZO_0lTBk_Sh0_JWUEjTSt9BWgViwqE0RKGQqjX2s4pNvEjoEQCn1y89J0u7_IWQT5L7WnucrMISQgTFBOWN6_t-8rI8A5qp1qc1RJP5nmTWuBLgNGrTKyBl4TVe8emY9eWSA9q8cflITFWIqsUd4vnPxJE7JJ66Cx8S3e4MTdqTUvgtWReHI4UU0J41piSekQxjofTTUSA3H78zWalgyeuQQkn-ndCvW8-S0tibbu6rxyIrMN5G44URkz-90tpq8C86ZUhXL6G6j0DpRnkV107sSD04i5SjoQm9HxTudMqZLv-BVyOUSDUInrZIRMJPYVQ4VZRp5TUf-VKUO4X_u0ow_PSmCZwQ7V9eMCLLBh3sLl1K6MCtDSMrSV_IwEVVBdjYdt8zYXbYW8SmurQMK65OV9kokmrWG4bGaRiDZafnx0Z7RW870F8eqHlv5Ur1dX2bJ6p5KiEzsibVyt8cgcBwitjr-ay5YNFWMrnv99tcNzpD8_Ff_KUYgnK01t6MIiMwlMN1sT7T42qd4zHWrttnMOyUEvX0yxcdgVDM83Jhulk1UUWHVUYqrN41tXTPzPPj83fWabysFGRlLv_GJkgT-owwYWXxuVSxG3UKpiDGH9yXVM5Hvv1lt-qb10lc5ElQ0208-YqQiI41X6-v7_3wBmMWycpRkw8RTlJoT_nCJwnhCDX2Fxq8DlLDH-iwdEb41CkvpND9_F8OY8zXK5AEOiiHLkugiD-_1I8aPN7tVc_a4dGyxYbmkP9bfT1n37HOIHLnSk09R3pC8t_dSyPH1fmB_g8OHh4meKmyv27ru0oXRf1ilQFvBmxIuYis6VqpFkkxHPsNrj8LOl0xtkil9pm03OWMInfCY6bVCsben04scsUVXZ85cpNlvZ2DmrSMZJ4eYDnMJi3w3YcYrhtaQS4HE3zyGSLPu0tfMHLDDjjAhaFgapN6wfWtD0g1VKU6Qr9x50hpKQZZpVxuQfaXRqEiPOb5b8th9eAsZ2HngzV5_pIauJSxmcD6G2KfHVmCcDx_OTp2dL7Xv6GvP67Nz8W59s-O_KxecL2BmIJK6em3oHuErmSbV94XhEQasvaisuIwW0hw2uSsNG6ya0miJ6XYHJ7W5pc8Gfv4nr1WBrVF76sQzp98EvbEJfDspA1mmA0vnCn5qVXzbSG25RikuFqFt9BESxT9GNseIS3EllNuAUCrnAFCxjOfGqcSZyTVah0rW1H-2U1TG-Yzz46Bnt0jfvKqQCWCuiDRI39yiqFrt4rxYW7DDQgK-yIN0xzJEXEV5w_haiQKPqyFgZo1GXB_y7e7vHRxHQHgeAvEKPZgaX8t03e_y_0ddKsn6SY5CEgyjXhbSvkAKBLJcyNpQMLVvT57pO8iJu9Cc1IrXDH8U4mg8I7BotJFCRHXphr2_SCTKPNXy2waSqqLW52Us5SO_zUlsLrPbdB7R-Hamhd_TdgdMkXMobeVUIyECheIBaMn45DaRnWFQtgNGTDeHs-UbiYOkPI9oT58ZxXwMuAFbrCKkKtFh3moZ33Z4T4-fa4XqJfPTzZ3bPmWDcpG5B_EYRmoQgDUVZElw3tv3vtFhgJJfLMAXuaEGrgHxb7KjMbUbRM1h3VOv-GA7bQ6pjc6hUSZ-o_2d4si8xJhAC8-LUWZiMGrh0tBbXQJZ_EmUzPeWIRRqd3nkolMjveJAILFajDynAxGv20G1p4EvVkLqxNeFz080zJyGEagSBTm5hePgCecWf-djIhPDFVLrHqNSa0tChSYili6jKFsceAaoQVA90QvDKY1oa4wHmzO0pu9iS3_2i2-S4P6__p5ls4aMOWxmBU76kZweCwINyrSvZg0tuaS1_l4tP9U97_nm-j6RudyRPD2E2H7AKNjtjXWzZRqcja5VV1mJhstLfc2IEd6cwZt6hPA0hdyZP2oHxNzqYqSiclsFiSpG_urL87EVr-X9MTZBsWMRWp9imu_0',
      'sl:VqA3UvarpkfGfQzPE0I-g3RT_HtI0C-3vV_QPzUq4kToeXW1tht40LCjRI3aK_suoLuRb8IOKe_2SKigCqnwzW_8g1KfyNDzWp5eaXJ_HAHbD4WDGITsCdtTGXAWH06MEUMcuRa',
      'the sl. suffix',
    ],
  },
  'duffel-api-token': {
    positives: [
      'duffel_test_Sbit0ewIRy7qOgIbuGSbhAEl7m4NbStmecTBpfZ8_k-',
      'duffel_live_pCr3-SYZ6OUySVMAYjVdPQjVu34Fp4zqq8cnHRAgwJN',
    ],
    lookalikes: [
      'duffel_test_cbs20uKyZcR0ocv0hSMmH3VRKhzZZJ39iWbY4mJaAe',
      'duffel_prod_3cYstbvpffs8gQJuolboNC-IquRPJshREYsYmfFkFWb',
      'duffel_live_rny7c6LsgZdKthU5Xphi0k_4Lbi12Swe3u8nY1rnP6QY',
      'duffel_test_ mode',
    ],
  },
  'dynatrace-api-token': {
    positives: [
      'dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM',
      'dt0c01.90EH1OOTD76RJF5JUBRSCY7G.JPF0RXJ3BYE4HUQ6BOLNHPE76W1WJZ46YJOIY7I4HEBL6IX1QAKRNC5MSC7Q6SST',
    ],
    lookalikes: [
      'dt0c01.YPAZCB62PNALKBGOLFR1Q779.JWGH8UZUGCIGQKJ591V2LBUF0ETFO9MCGOKMZBZMURC47DGXI9OHL5OQ0P70OL5',
      'dt0c01.HAKO314CYS36GNRO7OX36P8R',
      'dt0c01.8jnzlspc2vgzkssa90vs2o70.m0p8pokltdq1j23xd078054arrs2p998oqrskzmcpi3vhsbx6xcntf6rt4rwoa7b',
      'dt1c01.E95W5BMRDV35PM46ZA2BPDJF.GL2OM3W0WE5ZITQ4TPZ1OOGUENYXVRMPKFEF8UDQ7OSEIL44K393POYA7ERLHEO9',
    ],
  },
  'adobe-client-id': {
    positives: ['2bbe155d2db6a40aec7896d017962789'],
    lookalikes: [
      'c877b1e28d980c1a4c8d86ce1a90a78',
      '0aaee95be7bf97315fb3d8645221722bc',
      '150F3BE3BF6DFB81670817FF3CA7B77E',
      'the adobe creative cloud',
    ],
  },
  'airtable-api-key': {
    positives: ['key33ImhHNyGOMxRP'],
    lookalikes: ['appaZc1VEpf7udFDk', 'tblKy4QrWqsq2KC3A', 'keylWes3EW1ds6KA9m', 'keyboardShortcut'],
  },
  'algolia-api-key': {
    positives: ['7602eb450527da7f8a4d01380708751c'],
    lookalikes: [
      '66b53c9e732a25ae9744f31f9f49167',
      'kzyFvzKlPkKsTPzizSwzJNSvzOAzQzWX',
      'algolia search index',
    ],
  },
  'alibaba-secret-key': {
    positives: ['5FjoSkbe6my766VBYc9QBz71pjB1Xn'],
    lookalikes: [
      'GmkIkm21gQ0CLWZzOot5pzjqAfNLy',
      'INy5rnktC4Z4oLIIPYoEi7JXVzAi1P3',
      'alibaba cloud object storage',
    ],
  },
  'asana-client-id': {
    positives: ['3542552717932039'],
    lookalikes: ['933372189131522', '61826424469380541', 'asana project board'],
  },
  'asana-client-secret': {
    positives: ['lAqJfumcBabVxY0x2WxmI45m0XntUq84'],
    lookalikes: ['yHL48tGGVQ2EblHYmyIH1lPLqUQ2QKm', 'QciBU4xvE3eIhvj5bz5mwmQV0AvjEso8T', 'asana task list'],
  },
  'atlassian-legacy-api-token': {
    positives: ['HXe8DGg1iJd2AopzyxkFB7F2', 'ukewbx3iSV5AmGKn3hzJ7778'],
    lookalikes: [
      'searchConfluenceUsingCql',
      'K3IqkqOYmS9MDnXSRtuQe3d7f',
      'MOhMULFAIKZc4TZIbGg3c12',
      'atlassian jira board',
    ],
  },
  'bitbucket-client-id': {
    positives: ['1RmStrwFYwpKHumqOc', 'opQBASiXH3OY2VU7j5IzepQRAC2TzKlk'],
    lookalikes: ['N6JXRs73F5V9ZbGff', 'E2wzaPQifZmYs9sVPok29brnA', 'bitbucket pipelines'],
  },
  'bitbucket-client-secret': {
    positives: ['ZITJH52ORnLbqL4Jz1Za9fukfrJMmJYHJlpVhgCOzuXkKoXjWD1WBgO24VuzD4zj'],
    lookalikes: [
      'dINGcz2nQjnWmeULWDvJDbpy8l4ruu2usMgqBnfOS8SBb1sbBpGgY3dXaxT2',
      '5FSy-hjD6OTRDM_2OTuFn8V7El5m1GZtYSxcZxRi-6k53ZlxcediNqGWtCYoCw0-',
      'bitbucket cloud workspace',
    ],
  },
  'bittrex-api-key': {
    positives: ['e048cc88234259edd7dfb91d21366694', 'GnhaaYby1JpUkee7wbJHtq8YFkJ8xs9T'],
    lookalikes: ['Kr8FRbMWDSzgPXcLJDSrg0CM2xSHG5l', 'b6EliCTWGxRouoEeZKOqFCeZwVdqwaTI55', 'bittrex exchange'],
  },
  'cloudflare-api-key': {
    positives: ['Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4', '5oK0U90ME14yU6CVxV90crvfqVlNH2wRKBwcLWDc'],
    lookalikes: [
      'd3d1443e0adc9c24564c6c5676d679d47e2ca',
      'KAquwMz6iej6gYp4WEgaz6HmLuEfEGzlYPIslwhWH',
      'CCRZSeSGMddurQofi904UEuKftAa98DpbsRvXT',
      'cloudflare workers',
    ],
  },
  'cloudflare-global-api-key': {
    positives: [
      'd3d1443e0adc9c24564c6c5676d679d47e2ca',
      '674538c7ecac77d064958a04a83d9e9db068c',
      'b00056fc819afbe78a348a7dfdbe18a8cc76743384ff9',
    ],
    lookalikes: [
      'Bu0rrK-lerk6y0Suqo1qSqlDDajOk61wZchCkje4',
      '1b5ad870629fea7a703b8f1f4ee52b4dc38b',
      '3596bbfb37e5e1b223437c6c98ca94343e94c718b2bd31',
      'cloudflare dashboard',
    ],
  },
  'codecov-access-token': {
    positives: ['GqZnTxXipzDuGsknahFWybwgEfaMIvEQ'],
    lookalikes: [
      'IZ6YI4amJyEvSo6Dk99jKXMIqE1SCRu',
      'vEY8yRnCW7yS8uNLbhx7zsLYhoduBlTa1wOvdKnK',
      'codecov coverage report',
    ],
  },
  'codecov-upload-token': {
    positives: ['18e05a73-7bb7-3b59-8170-90a8b1d18788'],
    lookalikes: ['79ac4ff3-5d13-74e6-19f86b2df94b', '0143eaec-edfd-166d-fc04-6522b67a15d', 'codecov upload'],
  },
  'cohere-api-token': {
    positives: ['vCsB6dUWwsWiIQwChc8S1PiqpbkwwsGsjOUZy5sf'],
    lookalikes: [
      'Y9G21eC0pW2OHCHo2TnuimdoCUjy4J11sBnutI9',
      'Ey9xrOCBLIkePRcjM5txRhLhoH4WDFeVbgMWs8YgD',
      'cohere command model',
    ],
  },
  'coinbase-access-token': {
    positives: ['c62f166065fc7708ddf61a3df187a7abbe7278384771a6cfcca7a3ab9c82d1da'],
    lookalikes: [
      '2b332fbfa07645936629d4bf5a8662380c10e1dfe795fc9a3cefaf919fdb7a7',
      'bee5f0acfc1f1f7d2caf96d343809c8d7e7a72638228b3c660a129a4f67c0282c',
      '4445DD33AF2E8C9F2BAF32A43E50507F063788360FB06E1B231A97AB696AAEF8',
      'coinbase wallet',
    ],
  },
  'confluent-access-token': {
    positives: ['GR83DQA67SP250UO'],
    lookalikes: ['20SFI49XM3ZHW1M', 'TJKKSKOEKPYB992E6', 'confluent kafka'],
  },
  'confluent-secret-key': {
    positives: ['qs1E1c4nEYLbCSCceIVsQbNfSB3uF0gEbxadfamcDamy9RM9t599R2hfKIb/LrTz'],
    lookalikes: [
      'emTB4eHya1fGUpzi75p5spBvwNyfbW2LRppr2Ctvvt59dOHlknVInmxfPj4sWt9',
      'QRAOxgmPAUZ6rcSbjRs9dUzzJol3OTQFtEsNIwvbq3F06OYN9JAZrFYgytYmtaHH0',
      'confluent cloud cluster',
    ],
  },
  'contentful-delivery-api-token': {
    positives: ['3-99w2X4jv1EkeOcl3ckcdHUGcgb4hz9m9hvBV_G8sk'],
    lookalikes: [
      'MCMEqNUZmlzpwszpj5eHcAa27ezBGh4nCrUUxLtTMM',
      '1TAWETVaOhuCwsnL7UUiaznkRtRDI7GhRvAFHr594dn2',
      'contentful space',
    ],
  },
  'datadog-api-key': {
    positives: ['f2418bb54b2d43545601ff51a055147e'],
    lookalikes: ['fdd0126149364a028f5522bd073dedd', '60D3B2E95AAA007D331734A371D40801', 'datadog agent'],
  },
  'datadog-application-key': {
    positives: ['95425dddab40f5a2167b29e4b2032057452d4ded'],
    lookalikes: [
      'a0a73eaea7ec81a8fda8c6a0b43dc82a85eae45',
      '01461d4de8aafc9a778b8563c8e106366623f7801',
      'datadog monitors',
    ],
  },
  'discord-api-token': {
    positives: ['313928718206329f1ad083a48b24cc8b3eacef05c69a09a62ffb6cc08c8a3bee'],
    lookalikes: [
      'e016cb6a06ec967c075f45cffc3503c44172524611111ac2445ee73ac5d0294',
      '8699d2b94f91753a252a22270132a4f95a67b6f97cd601328fc3a76dfd435750f',
      'discord server',
    ],
  },
  'discord-bot-token': {
    positives: [
      'MzQ4MzI3MjA0NDExNDMwNDc3.JRMOeA.bVP6qwNeo2EJr3CFQ_1uk7lw4ldwcfGFLbUs2q',
      'NTA2Mjk0MDY0NTgyMTEyMTIyNA.9RaaEP.o4POo8lyjphXIkypdm0AQ2iLvGT',
    ],
    lookalikes: [
      'rkx-8LxPDBCb7Xx8iHuINL9s.mvBoQ.M8iPWABW-SFMGYDDonHfaiwQv61',
      'mP4sbzenKWNzN3Nn5lH2NmLu.RHv4GM',
      'discord.gg invite',
    ],
  },
  'discord-client-id': {
    positives: ['106796466982367882', '95727280685996094'],
    lookalikes: ['0751355080560785', '820343185961744303200', 'discord channel'],
  },
  'discord-client-secret': {
    positives: ['hZSea87gUl8r1VKogehjG2_FDUY6EMdA'],
    lookalikes: ['vfMVTsF1GvwHN3oIeVoMZrZ743bl2ld', 'gVPMajF9gfcTy2jpPHSpgIwVcfTBEBV82', 'discord bot'],
  },
  'droneci-access-token': {
    positives: ['nqtNwBCwI7DEFoWsNOyiJAEL60Rmfeo9'],
    lookalikes: ['GWFn1yMpA8pjgPvJ6mZQ90XSmUNF78F', 'kUaamn7qDLYuZU0BLRK1KBqLtTfRx2bXz', 'droneci pipeline'],
  },
  'dropbox-api-token': {
    positives: ['ob1piabngyt1u4l'],
    lookalikes: ['s3hjth7aeprn8i', 'itsdqn4wo5v3nsyh', 'J1N4UBCBZT05ATV', 'dropbox folder'],
  },
  'dropbox-long-lived-api-token': {
    positives: ['EyNrm0uurlSAAAAAAAAAAM8wYwOiwh7rIjTwi-8MAri8rwOi4XqSd8zO13XNTBNc'],
    lookalikes: [
      'Bj0qC3pFa1QAAAAAAAAABvxsZtC1dcvINYAHMR-UFy_hDDDL1y6MlgWJL5sJ-mEh',
      'IPPlfUq2VQCAAAAAAAAAAPCfO4HtJr5cLewSFDsmVpIQ4dChAtihV1GMka6u4',
      'dropbox paper',
    ],
  },
}

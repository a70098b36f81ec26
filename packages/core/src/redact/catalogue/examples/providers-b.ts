import type { FormatExamples } from '../types.js'

// Slice b: random in-format values generated for these tests (gitleaks' literal test tokens where it has them).

export const EXAMPLES: Readonly<Record<string, FormatExamples>> = {
  'cisco-meraki-api-key': {
    positives: ['cc8f36a2260f1cc4b19211cc1ff29b480e1e6f26'],
    lookalikes: [
      'acdeFf05b1a6d4c890237bf08c5e6e8d2b4d0f2e',
      'abdefghjk0123456789mnopqrstuvwx12345678',
      '5cb4a5f04cd412fe946667b17f0129ba17aeb2e0c7b5b7264efcebf7d022bfe2R21',
    ],
  },
  'easypost-api-token': {
    positives: [
      'EZAKYBxPq0MS0rgGemXNddoP2iOzrLaztq7NlO9cxjkNl5eCz0hSMfeI6d',
      'EZAK8d43ohEkYkmNngvQoz1bspDLS771j9kp58rg6J4FEgEphtxfkJfqkb',
    ],
    lookalikes: [
      'EZAKLmxshexJU1c4szCkQ9YdVIuNfzIpYPE39UkLXrpF5PtT0e4pg44GQ',
      'EZAKbgsH1uxWwGMIp7piwZ6O66zWAlb5mkS21jDD1CoYF1FXEk1jWGsLSrrvXTzo',
      'EZTKBkmEDep4KJBxmGByZh1eehnH2byTYIymwdI4zygd2kNKh7Q9R802uM',
      'the EZAK prefix marks EasyPost production keys',
    ],
  },
  'easypost-test-api-token': {
    positives: ['EZTKHxqz53nq3Fhgw0Xhl7xU9TwCMw6k40ua8gWxunnG8kFP69BiMPRJbE'],
    lookalikes: [
      'EZTK7pxugGqqICtMtN38RvUgAbuFl8a3OgjJOWXl39kP',
      'eztklIm5S8MgrZpTO2fDUkRDhnguOlFzgcC7DjI7gaRpjO0o8fMF9FqYMM',
      'EZAKoYmPUZAcSs83tIbmGFPauaGcuoKOETZxZVolMoFyEnxXBrLZlmF9pe',
    ],
  },
  'etsy-access-token': {
    positives: ['265xejvs9io7er2tipezr85o'],
    lookalikes: ['gfit9fx24ow2sv1fid4l', '1QdM2mL1OyvLiXFMMxXlgeJ8', 'the etsy shop'],
  },
  'facebook-access-token': {
    positives: [
      '911602140448729|AY-lRJZq9BoDLobvAiP25L7RcMg',
      '1308742762612587|rhoK1cbv0DOU_RTX_87O4MkX7AI',
      '987490721680572%7Cb8edd210b9fdc131bfd1e2213fbabd51',
    ],
    lookalikes: ['911602140448729|AY-lRJZq9BoD', '91160214044|AY-lRJZq9BoDLobvAiP25L7RcMg', 'facebook login'],
  },
  'facebook-page-access-token': {
    positives: [
      'EAAM9GOnCB9kBO2frzOAWGN2zMnZClQshlWydZCrBNdodesbwimx1mfVJgqZBP5RSpMfUzWhtjTTXHG5I1UlvlwRZCgjm3ZBVGeTYiqAAoxyED6HaUdhpGVNoPUwAuAWWFsi9OvyYBQt22DGLqMIgD7VktuCTTZCWKasz81Q822FPhMTB9VFFyClNzQ0NLZClt9zxpsMMrUZCo1VU1rL3CKavir5QTfBjfCEzHNlWAUDUV2YZD',
      'EAACEdEose0cBA1bad3afsf286JZCOV1XmV4NobAXqUXZA7U9F1UaaOdQZABvz73030MJoC3gGoQrE8IEoMl4gFA6MmQadlJQBqtRsgIcIhtelIJOJaew',
    ],
    lookalikes: [
      'EAAU4M2NBoK0JWCfZylnRlq60ilGI5vKFP9wiyE1c2eRxETCjIv6RGa8rOhBh8j',
      'eaaaC0b75a9329fded2ffa9a02b47e0117831b82',
      '5P1YiJDcsaG0+EAAUJh2LuEGCtT0lVBbUAgRZssfv1ahKBF0FfwnqAP2wtXG239TgpvYkvjSpVyD61eSrZsP4ueLO4o6F5oc8TodsDKQQpcy24Y5uSzEyBF53bjBMNBxURgxHfGt',
      'EAAE9ZsrubZp1bIzemokiUKw2xVoTjIMzMa0Jx6VXPD8ukADaDgZCbsuLT3lcYbEUoDYmO8oEnJLIkx2CKZa8qhrD0Fw0sOBPSKAUyB3wqkolHrnw/pc8sIkTSko4hPzBOCMkXzjR2py3zgw',
      'EAA members voted',
    ],
  },
  'facebook-secret': {
    positives: ['6dca6432e45d933e13650d1882bd5e69', '26f5fd13099f2c1331aafb86f6489692'],
    lookalikes: [
      'eb8a167ab8d8d7bc61cd25a605909f',
      'bc4c78c314aecd22037d2f0f3be3db979db38d26',
      'facebook page',
    ],
  },
  'fastly-api-token': {
    positives: ['US9SsI13BaZrqDPLjZifSIPm8wyV7AAN'],
    lookalikes: ['eVWCB0JKrK7zKm6nszJls2PaOqOZ', '5EJzWQXNnUCort2chHJHivppV5HvHOh3uVFePErd', 'fastly cdn'],
  },
  'finicity-api-token': {
    positives: ['980782a9b8289bf23b77ac04cb103d55'],
    lookalikes: [
      'b276eda4813954cc66ce4248ca3da6c',
      '5e4ae8a884372a92b30527d022d2101c2',
      'finicity aggregation',
    ],
  },
  'finicity-client-secret': {
    positives: ['APseEfrCWTxSs3S9e3IU'],
    lookalikes: ['SXWXg7KI3OPsccBtyN', 'jWv0CqsZ1LyX5SvL2xNtmEWo', 'finicity partner secret'],
  },
  'finnhub-access-token': {
    positives: ['eikh909k3zklyu8gg8ib'],
    lookalikes: ['sig2l2jfzkxph3ds', 'hrvxk72ilkzyecsb5jytn9tc', 'finnhub quote'],
  },
  'flickr-access-token': {
    positives: ['6ac4ec62d51810924dd86762dee630a0'],
    lookalikes: ['dea0b88b82025cdd', 'z4nLNFz2BnvmzE0U4zx4SGQ39zgG6EvS', 'flickr photo'],
  },
  'flutterwave-encryption-key': {
    positives: ['FLWSECK_TESTd65b2cd901ff', 'FLWSECKc55e5044def8'],
    lookalikes: [
      'FLWSECK_TESTf399f42150',
      'FLWSECK_TEST02baa8525a3933bb',
      'FLWSECK_TEST-0b8e0859fe6353721efeffcd8b19c80d-X',
      'FLWPUBK_TEST2cd492ed2945',
    ],
  },
  'flutterwave-secret-key': {
    positives: [
      'FLWSECK_TEST-189573bbff143cf1229fe06baef83113-X',
      'FLWSECK-1b624c43c369fa3f3de8bf57912c4726-X',
      'FLWSECK-7fb719e426c6945d48b2a1b4e00f7ee3-oh7i3d7er81sv-X',
    ],
    lookalikes: [
      'FLWPUBK_TEST-506a022d9658d5eb4aaf7569deb8a56d-X',
      'FLWSECK_TEST-007cd2436707cfbf2efaab1ccde4582f',
      'FLWSECK-161eb3a7ca1c73b53e744f3d82873c1-X',
      'FLWSECK_TEST-your_test_secret_key',
    ],
  },
  'flyio-access-token': {
    positives: [
      'fo1_8rz-j7r2eqJ2U7affEOO3HJN0j63DInyog3eV-glQSc',
      'fo1_BtKlzvfztw0M2hlLgTdsfPgDFiwM2jJjQXXy6I2pjuQ',
    ],
    lookalikes: [
      'fo1_hEHSYwrGhcYEbXbqX6r_SUdCtfg_wpu1FHaqHFpR',
      'fo1_qw2VG6t9f-ONjrM5rAQGgCdEvKBldmxq0zQsc7-qyQfumAgzix',
      '7SWa-Fo1_OssGT6bYBGuKrNJcy_Ouu2wi7Go6tPYEZ8vz7O-hDVJ',
      'MINIDUMP_SYSMEMINFO1_PERF_CCTOTALDIRTYPAGES',
    ],
  },
  'flyio-macaroon-token': {
    positives: [
      'fm2_lJPEEKnzKy0lkwV3B+WIlmrdwejEEFv5qmevHU4fMs+2Gr6oOiPC2SAyOTc0NWI4ZmJlNjBlNjJmZTgzNTkxOThhZWE4MjY0M5IMxAMBAgPEIH7VG8u74KwO62hmx8SZO8WaU5o1g3W2IVc7QN6T1VTr',
      'fm1r_lJPECAAAAAAAAMqcxBBLMJKXYKJiT0CI58XmukX/wrVodHlwczovL2FwaS5mbHkuaW8vdjGWAJLOAAFmXh8Lk7lodHRwczovL2FwaS5mbHkuaW8vYWFhL3YxxDy5OfA2M6K6aLEoEDKxehojbj+8ZT9IrXCF5sL/r8m6/1gylwySsNxpD40wnpd/G2ZdjwVaQev1kEuFUgzERxPbtWHDNa+NYIZwbKN6b7/JxdbUprq0M10HI4fwtlxhqhdA/mMaMw70EC4TsfJyghIL98KP4ry5AaXiroRdjrSsFExc/xRCDZKUA5GBzgATuNsfBZGCp2J1aWxkZXIfondnHwHEIMa6NWc4b52S+UY7vjPdwKrz00Uzrc1830mOHzQNLun7',
      'fm1a_lJPERxPbtWHDNa+NYIZwbKN6b7/JxdbUprq0M10HI4fwtlxhqhdA/mMaMw70EC4TsfJyghIL98KP4ry4AaXiroRdjrSsFExc/xRCxBCVlAoRzKV/+qYkxuipIbIcw7lodHRwczovL2FwaS5mbHkuaW8vYWFhL3YxlgSSzmS4Y7nPAAAAASCwgdcKkc4AAUktDMQQURck2h+upbiOrW66Nf5SA8QgrD03xlWju1WQi0AUhlk7YYFzOLDfhRyJ6nEziO37NUE=',
    ],
    lookalikes: [
      'fm2_pWaE5fXg0qZLDRAeA5+g3eYZCmcyVo9cUsGeGs/obyhCaoEFXNcLAfTN9FvG',
      'fm3_591jP4oS0qctICsWzkRrKs2OBXodew3Wu2seYqDweCxnYt4cUjjVqHDcNgTEPqSRensWakl8xbeqleZiWg/IWFdx8pAFh0WAr6i4ZaXizpg401AtTMWrmEZP',
      'tNfm2_91UkRa2oapSvcLbUQO6XJzkeMdgTjJSVTGpbyoTUsx7Rpcj_MTjnnuOqbuLkammv698CqwNBFco5IkDl4l1k1Ur2WAAHfd2ARJZYuxEy_tC-67ToOKniU1j7',
      'fm1r_ is a Fly.io token prefix',
    ],
  },
  'frameio-api-token': {
    positives: [
      'fio-u-Cq3SDEM20SFrcZQ8A1Q2Dh2OqhAN2eSEac_8kUshLXBPt6x50ooZQE1UZOZM8mac',
      'fio-u-dkUqOOaLu-FJikZv1c0FU_URkWFFmHG7tRj6MFYbcaNfqC_2xAetDFQ4xKCqwt==',
    ],
    lookalikes: [
      'fio-u-N1OuYdfSWOUcerRYF-xcirI7L0DHPZkyLW0Br4XZ',
      'fio-u-mwu9iuTAna4jxq-x9Aha_EHQU907P6WXUNiyhSSzJsRPQz5Rt1DADtLp0G_V74t7TXh30V',
      'fio-x-SG3L0KKDvgOcaM8oQG-sKfKo1dh4UKiR_1DZmbcOcbkRdKPPtqV3mb1M1kKyRHDm',
    ],
  },
  'freemius-secret-key': {
    positives: ['sk_ubb4yN3mzqGR2x8#P7r5&@*xC$utE', 'sk_3Ki0zx$ubjASQXIhAVp8v!4fuj%Hh'],
    lookalikes: [
      'sk_abcdefghij',
      'pk_2ZFocNrIG8bcxlvhvOBasYEo99ktH',
      'sk_81gBSscDsgMd49Mf629PQ9yI6fJAMMWjfD2sXPyM',
    ],
  },
  'freshbooks-access-token': {
    positives: ['R0WEw0vqzUXF8gxS58HerUhmlG1R1ha9456zzo1Lhk1kGj41HMZZ0wr3n5Tmbhn0'],
    lookalikes: [
      'PLYA4GmgehbNOfQmVqjmiL2c0P7vF2k4BnvJs2Au5wcdclZKCE2FA4HH9tBK',
      '8b6vygWXUZhgK9jrBnD8WiFW5QCxrt4onePSlFITUVfMEZx3u4gfcy8U6uhImXqP84s0xK',
      'freshbooks invoice',
    ],
  },
  'gitlab-cicd-job-token': {
    positives: ['glcbt-Ub_uoEtZNHL2juNvJf8UoWn', 'glcbt-QPBPj_nmZm4VFY1v9kqB2iuJjp'],
    lookalikes: [
      'glcbt-_rLy2Hr5U2j03AwYT0XAt',
      'glcbt-sbRSUER_5Pz871FBDi9pbOBMU0hn',
      'glcbt-pIP_V9G2eLTCsEmR8KT',
    ],
  },
  'gitlab-deploy-token': {
    positives: ['gldt-8kgLwND7sK4pCAjvGeAW', 'gldt-IniEM9uHlGYLUIFF0WEk'],
    lookalikes: [
      'gldt-3EvkLKLNfK5FIPgVM',
      'gldt-2KFWGHjApwcGuKQ7kcmNAVj3',
      'the gldt- prefix is documented by GitLab',
    ],
  },
  'gitlab-feature-flag-client-token': {
    positives: ['glffct-n_382bjGCW2-UHnrAGJl', 'glffct-FOw9iz3tU_6q5he50I2z'],
    lookalikes: [
      'glffct-m1iWTcaUugdgS3YYN',
      'glffct-MG6gdAhvkCxxiddhYoKtlnSE',
      'the glffct- prefix is documented by GitLab',
    ],
  },
  'gitlab-feed-token': {
    positives: ['glft-o6m-SEJtH587nRDvFMtM', 'glft-H6klDFRglSD39b5AJRcS'],
    lookalikes: [
      'glft-llDqW1zxn_NMkYx4O',
      'glft-jQl_lqiyVCMHJVg_DAzBsvJT',
      'the glft- prefix is documented by GitLab',
    ],
  },
  'gitlab-incoming-mail-token': {
    positives: ['glimt-O0p3QQ-PC-LNXiRE0ysWUOLZR', 'glimt-tqKv9qlKiddjF0lQ9dCQfX9o8'],
    lookalikes: [
      'glimt-NgrLFdesXjmYBI5464eMn9',
      'glimt-lRrDou6i-WOKynnKc_DLNapg7nYlL',
      'the glimt- prefix is documented by GitLab',
    ],
  },
  'gitlab-kubernetes-agent-token': {
    positives: [
      'glagent-o_U6e9qv0fdZ_MwHrq6sLYEyAJWc3jeA58bPtsXoojiNKsSDD6',
      'glagent-wjFWZsXltj-kieuABtkQb7IV5K_3xqbP2B12H1bzLBPpvrMPWD',
    ],
    lookalikes: [
      'glagent-X5ps1oqtLoKqkGcsj5YYZGGd8_AsXzSoSTb2Bbe_KCkuqJk',
      'glagent-IyvXxtSeIrFmnG1VElZNV9Ke4cIEJ9MRuASr7JZuyiDk6GW0_88jcG',
      'the glagent- prefix is documented by GitLab',
    ],
  },
  'gitlab-oauth-app-secret': {
    positives: [
      'gloas-4mg2kkbBnRXKrk7BUDZXQRiSkp3Cypqi8Bsfa3g9zHuqAmZpQG6oSKkz1L5GRWvh',
      'gloas-76u-tRelh60EYm7e7E1J5m1Wg1-pwAp3cqSWV_hXYY9mbHDO10FWk1S7iv_VCK46',
    ],
    lookalikes: [
      'gloas-t9uMZrVAhuOdNq_5PIM3BxW60x9-HCMaWmXGakJuttTu_M1Dj89fkf7ns_UAI',
      'gloas-y9TvcMtw8pz7graqPyTyejIaSuhX3w3HJqmn2jEw_TKb8OBWMZT6FSNQUzDzOCNB4l4l',
      'the gloas- prefix is documented by GitLab',
    ],
  },
  'gitlab-pat': {
    positives: ['glpat-Fjs47IZLCJB29jE43AWb', 'glpat-Rp_afbzKQDlG_2_MvnFT'],
    lookalikes: [
      'glpat-oYbvf-NEO1P4qlg9E',
      'glpat-YkEF0AqVndDP0ZDvj0a2XXux',
      'the glpat- prefix is documented by GitLab',
      'glpat-Jz6xp9ufFvclGx9TXOcXPc13rjcMY5F.oeoc8svj8',
    ],
  },
  'gitlab-pat-routable': {
    positives: [
      'glpat-L_8kRxgPlbsGYMV8HxkEOwu1svLEUHRZiT0.0maf4j76x',
      'glpat-rq2uU_gq4QCEQQoTxUShRLLUw0V6VwFsX5Bggs-67ezS3DSS.d6lymxbsq',
    ],
    lookalikes: [
      'glpat-5IUWISxN0xgOYapUrS_O',
      'glpat-cA34194cqklpLRNmH86BVhtYJwsDRn.my2ckfy4',
      'glpat-CmP4HCuhPJqW3Oq_0lw0B497oWrKZk.CNWE7RWQN',
    ],
  },
  'gitlab-pipeline-trigger-token': {
    positives: ['glptt-e611f2e3f109432431111e3352db2188c7128283'],
    lookalikes: [
      'glptt-f66a5b124b2a2056b8bd',
      'glptt-JN-sAnobkITmQaW8uNU5vL6vqe9oQG2EJslOPCbW',
      'glptt-d56d5ee4e0178fca8bb293b6d2e02aa43b396a932516',
    ],
  },
  'gitlab-runner-authentication-token': {
    positives: ['glrt-E1IK5WYlwcRUcAkUZSV8', 'glrt-4lqxN1f0QX3SKbqWIF3p'],
    lookalikes: [
      'glrt-uBnTZp4KjUJG0P_N5',
      'glrt-c_dw2slmw2aovEwVUHsEYXzt',
      'the glrt- prefix is documented by GitLab',
      'glrt-t1_wIdlcnXhUXQAk8c_FeNWnGl1l-Q1EK5.og0or7433',
    ],
  },
  'gitlab-runner-authentication-token-routable': {
    positives: [
      'glrt-t1_FyYunJdUA2Zz36iC14JAvA-ojVBb_tCJdSD9KourVEDFLzR.cah5au7ny',
      'glrt-t3_Sa-mWAZU2PIgKQEME02pcHps6Goy9IFDtZ5StZACQi9a-JZ2S5pjBZ.kh5h3i70a',
    ],
    lookalikes: [
      'glrt-tx_Tmy7x-UWmKrlAoXy6NIVG7O9XiMeqV.yg8xh8sdq',
      'glrt-QuqKd6AhEpYpt3BIYN_N',
      'glrt-t2_G9qumU0-IiENF7Gxo9lE.rb55vt809',
    ],
  },
  'gitlab-runner-registration-token': {
    positives: ['GR13489410K7I8m4Pg4Wtm3g7HkAw', 'GR1348941_iAgdMy7a3NhZaa5oNoH'],
    lookalikes: [
      'GR1348941OkSwfzVucsNN',
      'GR13489428A8GNZ6OY_7W1DvoCKis',
      'GR134894140vhB7SYmStltY4M9DeFHqnO',
    ],
  },
  'gitlab-scim-token': {
    positives: ['glsoat-U6kaDqX6U-HEqhyqnIyo', 'glsoat-iymwflI_7GtzrzBcSukU'],
    lookalikes: [
      'glsoat-XbB1MW731uRltaEZL',
      'glsoat-yG06Vorbr0aGD8ELt0nQid2O',
      'the glsoat- prefix is documented by GitLab',
    ],
  },
  'gitlab-session-cookie': {
    positives: ['_gitlab_session=c819623701362120c088ec3e217421ae'],
    lookalikes: [
      '_gitlab_session=efccf9a124e31a078f41a614',
      'x_gitlab_session=2125edf5193c079f14206e36a8a2e978',
      '_gitlab_session=lzjykx8ras60i0xq51hmdy1yfjbxklqcq',
    ],
  },
  'gitter-access-token': {
    positives: ['f0f9378056f0c97a831bb17495e3c06293d559e5'],
    lookalikes: [
      '54d8a52cee2050e21c08672af718e220',
      '5cfb40c97832c174c00b2a13e4749db12aec171dac682703',
      'gitter room',
    ],
  },
  'gocardless-api-token': {
    positives: [
      'live_YAJ7c90Suh67lew_SlOUzAFWmp448CMTofEAEZ43',
      'sandbox_qvwJrFZcZmfq5yGvIuTZhBgKT1aFKWd8gTHLR_O9',
    ],
    lookalikes: [
      'live_OY2UJUeJlN-mIJdMuRipy-vEQ1DC_J',
      'test_CcMFddsYBxfXOZlT6SF3Af64C6AbjpQcijkovFHH',
      'gocardless mandate',
    ],
  },
  'grafana-api-key': {
    positives: [
      'eyJrIjoiY21sM1JRYjB6RnVYSTNLenRWQkFEaWN2bXI2V202U2IiLCJuIjoiYWRtaW5rZXkiLCJpZCI6MX0=',
      'eyJrIjoiSDZPeTQxRUZ5SFJuMXA2WE95Q3FsU1ptaEJhNUhkNHIiLCJuIjoiY2ktZGVwbG95IiwiaWQiOjF9',
      'eyJrIjoiWFlBTTZXV251Uzl0UlJxY05DQmh1SEtRcm5GeWQxRTEiLCJuIjoicHJvbWV0aGV1cy1yZWFkZXIiLCJpZCI6MTJ9',
    ],
    lookalikes: [
      'eyJrIjoiYTZjMTk3YjEtMzQ4Yi00NTI5LTg2ZDItNmUyMGRlOTkwMGRlIiwidCI6IjcyZjk4OGJmLTg3ZjEtNDFhZi05MWFiLTJkN2NkMDExZGI0NyIsImMiOjV9',
      'eyJrIjoiw0uC1LsnhefSYwxrtNDKgxyxz11ZO830CEQiyJ7wrTrFiJ9d1TVfAZ0f3Z2CCPkwUwOhk1',
      'eyJrIjoiuXPgWmnrZgw3aecXAGxtoG4YHnAzXdD432B9iZBOdorCLCJuIjoi',
    ],
  },
  'grafana-cloud-api-token': {
    positives: [
      'glc_eyJvIjoiNzQ0NTg3IiwibiI7InN0YWlrLTQ3NTgzMC1obC13cml0ZS1oYW5kc29uJG9raSIsImsiOiI4M2w3cmdYUlBoMTUyMW1lMU023nl5UDUiLCJtIjp7IOIiOiJ1cyJ9fQ==',
      'glc_vKYYqLV3ETAHQy/KwNegOCTr62vOyVW2uE54QFkAoTWG3BOhGN8lfj1dRw9MGVhjrJkQOyehX8IHXo9Y0tcDhHyMkzgOPVfskdcm3ooxTJCxxwpkzg26emVD',
    ],
    lookalikes: [
      'glc_TcJHBJ8z4lMOoxWhrWVQ',
      'GLC_CreateLightmapTextureArray',
      'glc_a6Rc3MvkFEKLSq5mmAAMIy3ycTqUwOTBW1FBsczkZzNeGIbi1tiTQGh23NK6AwIAUxQ07MSC7YF07MMgeLQFEWkS1nxV1IDjpMEJ6QIHmCm2glbFit6rvWGWYm9ECEYjqft2QzqDiXK7CdzdHAHbxF10moBq92U9bLoFreBbwuTkta4TZDZ5zBhBTOTfEvMI3UAqsa4yBTAD70E4emv5GzwZ06Grlai7HyCigUWIzEexiUNxbXsnrhzvlItAQ4oVyXfnHO8QiHbU6rOocMPrMWDFqkxZtcMopdIrhp8Tx3FHzwKRNYZg9JXNCQElrm8C8dSky49LdYp4ZjDceobUnChWW62U21AP3MSPvnZ9KUJPc0NBFUtwYF0fyotrUP9ImK1XATAraqsTUr4RaYM2NT89N7F66ksVgdEM',
    ],
  },
  'grafana-service-account-token': {
    positives: [
      'glsa_dNS3aA2lioEyWZoMiOWkl91YscF1nozD_4e2f8b33',
      'glsa_Bjc7cwbAwLU7WjWc8Gc7lWzz67VtmnAD_802eedcf',
    ],
    lookalikes: [
      'glsa_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX_AAAAAAAA',
      'glsa_hPZ0jn7tYYe9msqOtu09gYik9OOEma_4ad16145',
      'glsa_O11D2o2JQOq6QxJQrM9etHxR7FCNc9nG_2cb742',
    ],
  },
  'harness-api-key': {
    positives: [
      'pat.HSm-Oo67bKEjAI23-rpwP5.eiCr6BuNpSDUaRTv1YeyessX.2nBibzWDKzp3lMqdy3AH',
      'sat.WXA3HbUuqvtA3VmsY4Qxdv.S8sPZnfTn8RaMTfm6IcdXMUC.UYhp4SQsumFP27Q2hchd',
    ],
    lookalikes: [
      'pat.6sPK-hiAHs_dBbkiks-6FI.p1SKhiGvkRIeYkPc9dJVW26B',
      'pat.T1AZ7jQGBaqzlI-Io8s3Y3.Td2tipL17Xkscbay4dne.1D4XnHp5DnJgiJR4Ynf6',
      'pat. and sat. are Harness token prefixes',
    ],
  },
  'hashicorp-tf-api-token': {
    positives: [
      'atlasv1.ARjZuyzl33F71WR55s6ln5GQ1HWIwTDDH3MiRjz7OnpCfaCb1RCF5zGaSncCWmJdcYA',
      'atlasv1.8cx8AEILd_Dol4OVWmWa6gk7iN9uptPo5j123Ks8fHLHhm9Me3d4FpWGT_OL7v3MchG',
    ],
    lookalikes: [
      'atlasv1.8xZeVpqzU_KAGEZi14E4QpJ1F3a0n58uwK6zg_6x',
      'atlasv1.p4LUNr8hasUU7zlfYcc00CGvJwS0fFqrhnByMq4Z1wfy3RHwzGFf73urPf8N8D4XypkaR_smxHMUfoEF',
      'Atlasv1.CjIzQZj3VktTuqGO3Pa2WLeZbLXape6TnRu8ZpIiXzivzkrGvMB6m7zcjwysdQNwqAu',
    ],
  },
  'heroku-api-key': {
    positives: ['832d2129-a846-4e27-99f4-7004b6ad53ef', 'A6E62406-AD8D-CDC1-BD8F-5574E532DA52'],
    lookalikes: ['a7a61378-0a7b-f0ee-d9e6-8aa3df', '4d9b812e6cc0666f9b88de760815daaa', 'heroku dyno'],
  },
  'heroku-api-key-v2': {
    positives: [
      'HRKU-AAlQ1aVoHDujJ9QsDHdHlHO0hbzhoERRSO45ZQusSYHg_____w4_hLrAym_u',
      'HRKU-AAy9Ppr_HD2pPuTyIiTYInO0hbzhoERRSO93ZQusSYHgaD7_WQ07FnF7L9FX',
    ],
    lookalikes: [
      'HRKU-AADGG9ovLcYcRSLA3qwgy1_IbUw46KR47-hnOydZnB',
      'HRKU-ABMYqVZcgMlodaFkEvDI7DRj2lUSDCqmf457ESrk9lKcP2ffNB5M1M3wwNyi',
      'HRKU-AAF2WK3YCnOiZHaaWTFhtiql9IZOKOCf756LRcpkHLsEehwPaYIwhtP9oPGroGuc6v',
    ],
  },
  'hubspot-api-key': {
    positives: ['cc149eef-f85b-d98e-d704-546db1ba54b6', 'F4343F14-A43D-C2DC-A23C-FDB1DB066A58'],
    lookalikes: ['pat-na1-bae621f8-2b7d-4543-6', '1f417483db592232cfef128b0786d877', 'hubspot contact'],
  },
  'hubspot-private-app-token': {
    positives: [
      'pat-na1-ad18c576-c216-5fbd-a463-a6aa877741b0',
      'pat-eu1-9f8e0765-1179-0289-a0c5-617cfd53515c',
    ],
    lookalikes: [
      'pat-na1-e520dc38-d6a1-ed33-4d91-64e334',
      'pat-c3939954-c5ca-4138-d3a4-da130c7e7f0c',
      'pat-na1-4D53A48A-EDA1-CEDE-0704-79A98A75520F',
    ],
  },
  'huggingface-access-token': {
    positives: ['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', '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'],
    lookalikes: [
      'hf_requiredCharacteristicTypesForDisplayMetadata',
      '_kHMSymptomhf_generatedByHomeAppForDebuggingPurposesKey',
      'hf_H3cVu35mrB3lwBk0V3oUlyzQBJI9Y212345',
      'hf_xxxxx',
    ],
  },
  'huggingface-organization-api-token': {
    positives: ['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', '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'],
    lookalikes: ['API_ORG_EXIST', 'api_org_controller', 'api_org_96726c78_4ae3_402f_b08b_7a78c6903d2a'],
  },
  'infracost-api-token': {
    positives: ['ico-mlCr1Mn3SRcRiZMObUZOTHLcgtH2Lpgt', 'ico-9oIkGFZVixtthFZWmin6bx8SULt1WFoI'],
    lookalikes: [
      'ico-X11zY0yrySmTHYZNweTIDeTet4v6',
      'favicon-e8ddac27f66759400e9212b1ff8c6176',
      'pubblico-1bc826ecc0994dd8915be97fc3489cde',
    ],
  },
  'intercom-api-key': {
    positives: [
      'dG9rOjQzMjYyZTM4LWFjZTItZGI1OC1hOGM4LTcxMzFhMDM1ZTg4NzoxOjA=',
      'TIeecy1ig3rRY5iBUcuNjvXr8LEvK1QPcfOmgyaXyeFmENFnYPVmAvTbXi==',
    ],
    lookalikes: [
      '3cpqt6jkJIdcK1n35CLNU8k4zL52yDrCODkCcpzwjIK0',
      'YvclYRi62sHdz25k2k8mceLnLLoaiN36IlZUtUDfkk4HJD0icbLLZpQoQaGgFFREcszuuFP2',
      'intercom inbox',
    ],
  },
  'intra42-client-secret': {
    positives: [
      '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',
      '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',
    ],
    lookalikes: [
      's-s4t2ud-b9d4983976744b1f7bb7c0d87ef32e50b5772111',
      's-s4t2xx-d28e24e074cc12e4d888288b79ac8f6b48375dc5521bdea2d995a7fbfd41ac41',
      'u-s4t2ud-29785be2707818e61746e564290dbe7902fa070ad73d332c6759dd22d45d7be2',
    ],
  },
  'jfrog-api-key': {
    positives: [
      'AKCp39BzcAm5U4UVSAOM8oZYprwzVN2gU6u4lyPnMgS4hFFdzauvyZAayKGsvcOk7zB45xGP0',
      '8lPXS0f3s0hHYB9ChCqSgZosrjP8HRVvCINIfCeYILfOsUfjuYNyBJttJ0W9nph9rFfk4zcK1',
    ],
    lookalikes: [
      '5DCnO53JZVCxok1BDxqiua6oSBSyXGuvT4v6NLVg93yQnQWubhuF2rB1G68OCTif',
      '7F2uF1RnDEKADvftaQtE3YjbH526QpbbR0FMamm0COEFQAFu5pGtQnktoH95Kl76x2wXtFEK13xQ3R6U',
      'jfrog artifactory',
    ],
  },
  'jfrog-identity-token': {
    positives: ['pCRd0o2dATfvKxCNyaVxcjDAbgPUYEh7YwYTgbUfF5A9iwjinPcFAR55VDYJEAmo'],
    lookalikes: [
      'cnFW6HOFJ9ZbJLx8eeH3eKTDSAsTIVkLMHxXbFVpw965qDyEuy75OsNRc3Jv',
      'Sj1mrczgp2Ij6hbKUiMhET7wQmOCZMUM18qHw8jgICuA8cgnyMysgtxKJ6trBSdNxPe2m4avc',
      'jfrog xray scan',
    ],
  },
  'kraken-access-token': {
    positives: [
      '3iHfizBAU3dBwQ+vlbhj/NfJf2OR6BmTXYKFqWGqgoTJ53S3qx94/ukHgGt5SSbZFJS+G6rNSsGDOQr8/wxM0w==',
      '51tjwAABf60lFbQFof9yF5vMImKlKt02W7KvHZeNWdzMQ5qHxbPeackP0Q31/tWbCnqqw46/nob4gxWMTaRB4A==',
    ],
    lookalikes: [
      '+mUTZ+H06bFqjLsMygv0mqbL+NwHeMtbJqbq4LaOWoZlxyYXoBKJyRRC',
      'LL06qUsExaxMiOIDpCd7atkJbBxDfazg9rYSQsaFS3l0+VIufNUVK0XvvvCTjNvWvj3etpsvy0Tc5n9z0UQWug1z9b3rHHpowuhC1aIX1OwsR6p3bEejspX+VWS4g9Sg',
      'kraken exchange',
    ],
  },
  'kucoin-access-token': {
    positives: ['39dcdf12c3693844be2fb3b9'],
    lookalikes: ['f8954deac32c50077fc3', '6531a6ad09c7fc28ed4b4b0471329e54', 'kucoin spot'],
  },
  'kucoin-secret-key': {
    positives: ['0b9a5414-3d63-6cf1-8690-9cf6c47958e4'],
    lookalikes: [
      'E634906D-ED46-C3E2-0F04-36A03BE160E3',
      '44086654-f136-8488-00c8-b2183c',
      'kucoin passphrase',
    ],
  },
  'launchdarkly-access-token': {
    positives: [
      'api-f17071c5-a89d-1809-5afb-2f88e345b381',
      'sdk-f36a873c-332d-3924-3c8d-7453cb3d8d6e',
      'mob-e8dfb432-4a3e-24e0-142d-af8c0d121fd7',
    ],
    lookalikes: [
      'c7a79550-d746-1479-a26c-1fc777753fad',
      'env-8c3de49c-4393-6969-b13e-e3fd6843630c',
      'sdk-ecd688d4-7c0c-01fb-0da6-e0af7a',
    ],
  },
  'linear-api-key': {
    positives: ['lin_api_pFs3FA3HukjeAoptEGXLnk8wSEpYeivBCHs6F9a1'],
    lookalikes: [
      'lin_api_okqhBNgEaLaXwmzfGWkBOdBQ5ldRDBBt',
      'lin_oauth_cc252cb612ca2f4cf23d43f4466638392509245fad8190c1bcc95ba0097218af',
      'lin_api_key_name',
    ],
  },
  'linear-client-secret': {
    positives: ['48018287ee3f4dfb998391dd4f81385a'],
    lookalikes: ['a37264fce13fbf4130fa2df5', '62a1fce46b7116068da40727c00e85ae4cf6771a', 'linear regression'],
  },
  'linkedin-client-secret': {
    positives: ['w9YsYwAFfIt0L2DX'],
    lookalikes: ['eixvvtehhldkwa', 'mgeY7aPxFESdzitWvt6Q', 'linkedin profile'],
  },
  'lob-api-key': {
    positives: ['test_e5ff8a8cb35f0474e3687754e7751ac9e7a', 'live_b92f3ecd85ed27bc029bc5611e11ca0be1f'],
    lookalikes: [
      'test_pub_cf9723c96b8522e94050a9825b64424',
      'test_7d41d653d9de76f736072c259c884525',
      'live_0cd34df9beb6d1bbb64f6e8046448e4874f45cd2',
      'test_zkhfe3tur1djdu7nwlwzmcu7skgc6tamedaq',
    ],
  },
  'looker-client-id': {
    positives: ['BUqfHrJr2Mqx2jT2nIZ9'],
    lookalikes: ['ANBxNMldHAVomc08', 'eQeXBtqRlTFG15Rf6WvT1h', 'looker dashboard'],
  },
  'looker-client-secret': {
    positives: ['yLdZdRctWgcq6xUa5QbhXBQk'],
    lookalikes: ['pQo9GfPRcnvnS4sRyeKo', 'i6JoFKBU4tPsspgDy8siinF5HJFE8K', 'looker explore'],
  },
  'mailchimp-api-key': {
    positives: ['cefa780880ba5f5696192a34f6292c35-us18', 'a4c8f8b2c89112c4077d714b2e26ed9e-us6'],
    lookalikes: [
      'ed07fd5a18da2e0effadf563af271103',
      '0295d5ff9975c651f3597df79d34896d-eu18',
      '409ff6bf9cf42e28882f475d81eaeb16-us123',
    ],
  },
  'mailgun-private-api-token': {
    positives: ['key-26027bfa0e4d1db4a275183e805f301a'],
    lookalikes: [
      'pubkey-2f8024755f78594240dd2fa433a5663b',
      'key-f4dce94bbb5719c2c9e0b76e',
      'key-b0fab234d61c84b861ea83aa53722c10831babba',
    ],
  },
  'mailgun-signing-key': {
    positives: ['be4739ff172bfd80777ffe07dc2f7ea9-080d22e6-7842917e'],
    lookalikes: [
      '0bdd49bfaf76f7c2f3e2b540305b99f5',
      '56669d9becc09c5e1c58d6f58d80a93f-13965dc0',
      '5cba4ecb-2291-e3d1-5e9d-e5c093a7f518',
    ],
  },
  'mapbox-secret-token': {
    positives: [
      'sk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6IjhrM3JnODQ3YXV0bHVkYWt5cTB3aDl2bWoifQ.rZcg49wmZJWVLwR81drXfN',
      'tk.eyJ1IjoiamRvZSIsImEiOiJoZnRwdjA4ZTF0Nm8wdWwxcm5uZTNocHZ2In0.0_PTv2Mw6YYIZjfxELV-Wm',
    ],
    lookalikes: [
      'pk.eyJ1IjoibWFwYm94IiwiYSI6ImNpejY4M29iazA2Z2gycXA4N2pmbDZmangifQ.-g_vE53SD2WrJ6tFX7QHmA',
      'sk.eyJ1IjoiwONScd34uyIFOiCkSlzrFpZVsmu9IvA2k7MsMb-b-3v2Lq3O0Q',
      'sk.eyJ1Ijoivl7WQ4ZMtUv7o6sfZ7EbnrtEe63XUZG9pubuyQ_-2X0IhCwYHZ.oHHMz4eYdgSL',
    ],
  },
  'mattermost-access-token': {
    positives: ['1isx4tcqnbdz9tpob2iyp1as9r'],
    lookalikes: ['czddmj8wgy1hkj634v1c', 'w2z3mfbpc15pvy2u4ati9x90qd74lmpc', 'mattermost channel'],
  },
  'maxmind-license-key': {
    positives: ['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', '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'],
    lookalikes: [
      'iIuQc4UMNyYQjTEp',
      'pNiALZ_yr7kjrdjvh8GgNAdC9B6vwk4of1yT_mmx',
      'gbBbsK_MW0kLsjoM5rgdb2HLfTV_mmk',
    ],
  },
  'messagebird-api-token': {
    positives: ['mo6nQ7EIL1RwJG7pxBAVBvUs0'],
    lookalikes: ['LLQDRcRYTXd1n29ZYqaF', 'ZcY2NafYzJBZMSsOHh3H21tpS7kgujlG', 'messagebird conversation'],
  },
  'vault-batch-token': {
    positives: [
      'hvb.AAAAAQJgxDgqsGNorpoOR7hPZ5SU-ynBvCl764jyRP_fnX7WvkdkDzGjbLNGdPdtlY33Als2P36yDZueqzfdGw9RsaTeaYXSH7E4RYSWuRoQ9YRKIw8o7mDDY2ZcT3KOB7RwtW1w1FN2eDqcy_sbCjXPaM1iBVH-mqMSYRmRd2nb5D1SJPeBzIYRqSglLc31wUGN7xEzyrKUczqOKsIcybQA',
    ],
    lookalikes: [
      'hvb.ZWA0Kqz-I1qejER7gm83yd8g_oAHv-SC5wA4Z1Tj10sjwvgKXFq79ZmQRxJUuod1ELn8e4ri7aVSdHjp2ic0hmve4bWebuxfOlCb',
      'hvs.Yipc9El4nI0uy8-v8jypovhU9RKDhJE43FViLr7csWmkxh0WbWfnnznTF-m8VRbXeTXADSGFgatyxYtc-Ci1PIavo-jYgPDhrHsyhXQTIcJ_VzixTmOD_08OKJg4nBFLOk8h4cR-e-YUhMv_exCi0y',
      'hvb.Z57ptmNmQYTnp9JADf72ab5nKdVBxuOjYLJoEt6P-0jxXyoUjgF0rl84rM-BNrI7RZ79U0y-62663s085zbapHNFwyEjWYAWeKaioq6zJZZFOLwk_-ZyjqL-DMelKuLDha5BHydbzuXbHSWnT9riGNqn1FP1YwUHWIcdGAdySFjG6f9PblL-fzS_QLZM-bwwnbaYPMup_gN5yo0pfNwxbSycL0qixhbkUhcFD1Zkbgv_6zVe3XtSCwwOxYK0XVnxwx0YLaIS06htzL_jJdFlSJTeTRuJOD6uOfdXRF_58TZUnEfJoJf9UO',
    ],
  },
  'vault-legacy-service-token': {
    positives: ['s.ZC9Ecf4M5g9o34Q6RkzGsj0z', 's.CuxwWqQndQckyilamWAVIl70'],
    lookalikes: [
      's.NR2LCr7hXP7CX0WDth1R',
      'hvs.xTY-XVEuSTru_kTbD3UVc4xrT0ub6RZkup6CVf65hj_UgHBokm55I-iiP7NAQZsYTFdN5f4n_AflidDDrvkkn_LqrSpZxUB',
      's.makeKubeConfig = args',
      's.ElCMkSvE4l379E9uCoIm6f8Ma9JbLE',
    ],
  },
  'vault-service-token': {
    positives: [
      'hvs.CAESIP2jTxc9S2K7Z6CtcFWQv7-044m_oSsxnPE1H3nF89l3GiYKHGh2cy5sQmlIZVNyTWJNcDRsYWJpQjlhYjVlb1cQh6PL8wEYAg',
      'hvs.9Jyf0Vn_u2eUUeBz-fBXOFx4XSkTh0QI9Zwgj7rKSRqdQwFWASHWYdsVN6ppbdtw1qxV73LPfKmRpoehj0VRj-DlYFQ_ODI',
    ],
    lookalikes: [
      'hvs.j4qsd2KTR4MrDc1JWnznLmydc-gif7OPv0N_CMtxhjc-b2nGuud5wd-spCUe',
      'hvs.PD6MZ7kDsqXrS86PHUXchx6NLGUwyx5mYIojzRijusx6QierLaGbzJoO1ZxsZi1WIqQeiNqh4jswTLxc0no93kpRJLcE_RAnwo-B4do8szvlrZLfVPFSqnENy4qJO5vgIq',
      'hvb.lJSpXkUmpbWe1-9pGZ-rrgs5EfV_SFDz16r8P3GFQMBf37WEoaKme_GYAw6Kc2T8FCyyD11lYZFjlZ_S9Thr9U8gXlnxHlN',
      's.hpQOLExcEyJWgBpb6J2Zv1KH',
    ],
  },
}

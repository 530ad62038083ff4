# Provider credentials hard-coded in a settings module (synthetic values in
# the providers' documented formats; GitHub/npm/PyPI values carry valid checksums).

GITHUB_TOKEN = "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"
GH_OAUTH_TOKEN = "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"
GITHUB_APP_INSTALLATION_TOKEN = "ghs_IssDj4PTTKtb2TxxDBfz5LJF3hBGZW3wLqLX"
GITHUB_USER_TOKEN = "ghu_3M4Fz6Hq2AK7EGHZbKoXi0d9TH4QgT2ybZvB"
GITHUB_REFRESH_TOKEN = "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"
GH_RELEASE_PAT = "ghp_Z4zBms1racjP4M9DZH7Fx6mqSFDGX1H13uI"
GITHUB_PACKAGES_PAT = "ghp_0FZBJQ6c1suD6ZgCSTY9GqC79l9B1UE8e4Vq1s8"
GITHUB_FINE_GRAINED_PAT = "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"
NPM_PUBLISH_TOKEN = "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"
PYPI_API_TOKEN = "pypi-AgEIcHlwaS5vcmcCJDkyNTU5MjQ4LTllNWMtY2UxMC0yYmI1LTk3NWMyNzY1NWY5MQACJXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYghTRvn1Z1mTuttRGMZggypessC6WL7tYMc97BpDB7tq0"
TEST_PYPI_API_TOKEN = "pypi-AgENdGVzdC5weXBpLm9yZwIkZTBiODliY2ItMDUzZC0yMTBmLWE1NDktMzdmZTg3YTllYzEzAAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQAABiDJ4YTl9CMpqdgvY0VsiGreFGJOL1gsQ3Z__8fQakl3LQ"
VAULT_TOKEN = "hvs.P94pJmBDal6Q0xdTuTBoJBLIqmHm3vnhTxnOJiLOuHGib0G1bhmEcNpmSO6eZOB72pVGXLTh3dKQLpM1OcRzhouppeq"
VAULT_BATCH_TOKEN = "hvb.TMd2qT1XWE1CqxdYGsDccJ91HOrlweHROhbF8hCtZUDJRzVT668Nyu0t_aT0ewkMVHrmcBNfYWunksXQHNfyuLLKTrXyb92TvdwOsudoaViVMBtFqnP_njWHMpS8-pFT6Skil-NHCvP3QP-ZOwz7CS"
VAULT_RECOVERY_TOKEN = "hvr.WYwA1ZLynjCVKQViBrv1hur1"
VAULT_NS_TOKEN = "hvs.3CqjIOrovjJXhrsKDOzzbJTv.RAvgR"
SQUARE_ACCESS_TOKEN = "EAAA-A2TQhZwbIGqQ189RbeCpIPcA6JVkybmtQC7AvNk1rndI1fxD8RRSO9G_PGe"
SQUARE_LEGACY_TOKEN = "sq0atp-_rc9UG7zVJZMBg0iM9lP_O"
SQUARE_APPLICATION_SECRET = "sq0csp-RUxjwGXnBd7EA2qBI_rPUYyttsqheJMwrITq6vxgxt0"
FT_CLIENT_SECRET = "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"
INTRA_APP_SECRET = "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"
FCM_SERVER_KEY = "AAAAc-BXe7r:APA91bLEOI3dTvpVBjv6Zon1ZaFzgHvIVkGveBo5eT7ey9gLlviJAaKf8HjvE-gTDY7lFeb0Xl4wvEvzRZJv7lcSjqF8tPw-oraWl-1RTkcGEoWFMwNbdRw6mF8u9oiqaNs0Gc4LtWa4"
FLW_SECRET_KEY = "FLWSECK-337ae2c8ee98edf9a530669c7a537c4a-X"
FLW_TEST_SECRET_KEY = "FLWSECK_TEST-c69c8be7591695d4ecf191a9d79bbc70-X"
MOLLIE_API_KEY = "live_AHByN56x28ZpJLyw3V33bgpnlFNzE0"
CONTENTFUL_MANAGEMENT_TOKEN = "CFPAT-u3yVdkmoBYp6Sm1EPNamiRt60mny_RxplSEt47m2qlc"
PINECONE_API_KEY = "pcsk_RDB4eC_FdCEwVgdAlBOeqTIHpBgw8ka2jMMYtqXZBYgSox7WeA4OfKXNquB2N3LtoV0MHl"
STRIPE_SECRET_KEY = "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"
STRIPE_WEBHOOK_SECRET = "whsec_yt638TqanndeoldTx739NIDgRNIHONds"
SLACK_BOT_TOKEN = "xoxb-216311119602-7804658730642-rO7IkMzTdeD9KA0ECOOjYasX"
SENDGRID_API_KEY = "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"
TWILIO_API_KEY = "SK6938d2fa994129d26600a60a38fda71b"
OPENAI_API_KEY = "sk-proj--_2hRUzGSZkc37gf8s8ZpTpHpF2CAJB6bpe8SwYqzMwN3K233zlYWVB_HOEQlyIxk6wCCN076fJLlfJ7RiX3O1lpJphqFPOCHIbKvJ9J6jqIIYbwYlVZaaih"
ANTHROPIC_API_KEY = "sk-ant-api03-cfOqcc_gcn4gzt-zCeV5ezeN95m1ZjnNZETkkaxdFEegNaAaaNvXz4l3-mRSwFfkr14flt58cR-wvAiyz_hq_m1pVprnLAA"
HF_TOKEN = "hf_F7bQzE0vuqI5udBz99o0vgzFAY1Hj50uLD"
GROQ_API_KEY = "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"
SENTRY_AUTH_TOKEN = "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"
NEW_RELIC_API_KEY = "NRAK-HDD1M5E4EHKROPXE0V9XC908BGU"
GRAFANA_SA_TOKEN = "glsa_qngyecm6O7bjlwakgw1kaxThfrI5iMPq_3693046c"
DOCKERHUB_TOKEN = "dckr_pat_iDVqoqxwBWA_7_YfLbUNvKXPKtG"
GITLAB_TOKEN = "glpat-r53Iju_NG4ZZfJ7lCDYg"
DIGITALOCEAN_TOKEN = "dop_v1_ba09cbe0d1ad8776e5cfe30c989c917e50ad74dc0faccb2d91f517d551eda7f2"
AWS_ACCESS_KEY_ID = "AKIAHAB72BBLIKA7BF3J"
GOOGLE_MAPS_SERVER_KEY = "AIzaHNx-sgWtJIBi74I2XIAvAo3845ukKlVBLM4"
SUPABASE_ACCESS_TOKEN = "sbp_ce4b52166524dcd55e276358f2b04b451f95acaf"
DATABRICKS_TOKEN = "dapi6f3fc69a4d1d8a0229b9d1db9a10e8a3"
SERVICE_JWT = "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAic3ZjLWpyZGFkZyIsICJpYXQiOiAxNzE2MjM5MDIyLCAiZXhwIjogMTg5MzQ1NjAwMCwgInNjb3BlIjogInBheW1lbnRzOndyaXRlIn0.jMeSJhdJM0wSuuieOB0_08k7Tzit1YyfYl_8V-JM-Ys"
LINEAR_API_KEY = "lin_api_5DGU5eMv1PXS7NAe6aedhKT961vT58s8qtyexgw7"
POSTMAN_API_KEY = "PMAK-fb74215b915219a72957f76c-ea3da948e980a81cbbbd4a58ad2d680bc2"
SENDGRID_MARKETING_KEY = "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"
FIREBASE_WEB_KEY = "AIzabxIRqQcuV74i_W-GZp_6SO_R02bVULy0_h_"
TELEGRAM_BOT_TOKEN = "8878531624:AAM6i_5Hz0Jfzrbjl4vrgAP6ReOf8_7RMT-"


# The same values passed straight to clients, with no telling key.

client_58 = ApiClient("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", timeout=10)
client_59 = ApiClient("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", timeout=10)
client_60 = ApiClient("ghs_fkWrxi8X5J46FEholUCrq33Yaso0cK0dQTWZ", timeout=10)
client_61 = ApiClient("ghu_XArlHkt9740n1h9t1nmvKf4YG5Wn6G40aloy", timeout=10)
client_62 = ApiClient("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", timeout=10)
client_63 = ApiClient("ghp_8jbZUTtOjzx4ef0RRY4Tylz50NvIp3xafib", timeout=10)
client_64 = ApiClient("ghp_w57VN6dlEZedTxjI1XzwVLtBbuwf0OGod3si4X6", timeout=10)
client_65 = ApiClient("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", timeout=10)
client_66 = ApiClient("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", timeout=10)
client_67 = ApiClient("pypi-AgEIcHlwaS5vcmcCJGMyMjdkYTQ4LWJkYzAtMzE5OS1iNjEzLTE3NTk2ODI3YTM0NAACJXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYgoTCwjnE2Aqc_cl0k3OlpggFQfoXDaA1Tu8Ed-q7NpY0", timeout=10)
client_68 = ApiClient("pypi-AgENdGVzdC5weXBpLm9yZwIkMzdiYzI0ZWUtYzY2MS1iZmJmLWRjNjgtNzkyY2E5NTcxOGVmAAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQAABiBnHSVXPZTOjs_wtS_MV3lTsDx0Cbq8eDEGgAKRDIli9g", timeout=10)
client_69 = ApiClient("hvs.u57Cq1JJPu-LC1bIApfLn_uZlJrvQnPtjYR9Z5Tt0cUlSyCud58emCl5R-dXgpYW9XMI55E-3p763hyLqyXO1Wfx3F4", timeout=10)
client_70 = ApiClient("hvb.QI6JmQK-8yBy6KD2XybNGYmlpEBm8xgONaNoVBxn19c7KHzk6D19Slx-uVSP2Po4N-q1fgkrhwXXx47A152Y29jW9zj2ImJdA87LWurMTbfG5oNd-u0STeMB-GMbtSvm2f93F2OBSofL8g50lE9RfG", timeout=10)
client_71 = ApiClient("hvr.9WMQKFS1Lgzk9Qi9ySlsKlhQ", timeout=10)
client_72 = ApiClient("hvs.CYPbCJ4GUFtvVqKR1iJQVOZ5.64qSu", timeout=10)
client_73 = ApiClient("EAAAqrvRdGDPk42fIzKAl4tkZyRXm3wjcHohEPxK95UzeeTfx_6V5N9kejbmfrzr", timeout=10)
client_74 = ApiClient("sq0atp-eAh3VI--kqE-2u_weISFzi", timeout=10)
client_75 = ApiClient("sq0csp-ZomHNzy4YcelukxgWX2osbPQDtqQc-glG0U51iq2TrG", timeout=10)
client_76 = ApiClient("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", timeout=10)
client_77 = ApiClient("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", timeout=10)
client_78 = ApiClient("AAAAKmUqM86:APA91bcQDDXQWshhomc4PCf-bboSB-mbm5r9p7vqMOKhJVsFlylzdat2IIeo2QAYeWYpBwIWT1_Um6J2LFqof-7qO_PUfheFeBLVICQt5Rf_74zIJcUpMBnRZIjeyIe8QmvtdR3hEWEK", timeout=10)
client_79 = ApiClient("FLWSECK-b9d4dae4361b3d3deca0a4da2e177dcb-X", timeout=10)
client_80 = ApiClient("FLWSECK_TEST-6c946fda694fabc168d156f4c273faf2-X", timeout=10)
client_81 = ApiClient("live_5c4qkqNhIGrFHxvPkZX8ZVRViXHv7m", timeout=10)
client_82 = ApiClient("CFPAT-QzxrWBngRmi4br6_Ssk0ulIH1mDJBOWRG1teUPJP1Is", timeout=10)
client_83 = ApiClient("pcsk_ioOUJy_gARZlvHKyUy6tULTuXa7D69XenxpUtKYpyZIzozVVDT5I3ddBthDpP8wKBtGwjy", timeout=10)
client_84 = ApiClient("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", timeout=10)
client_85 = ApiClient("whsec_fOlfYgEOWsaxurvILjZaskRcrAIF9MOa", timeout=10)
client_86 = ApiClient("xoxb-112515789794-8640267186841-OB4H92xMBLVTboc9DrGNNfMF", timeout=10)
client_87 = ApiClient("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", timeout=10)
client_88 = ApiClient("SKcdf17c84f1bfaa802a0f75473362f11b", timeout=10)
client_89 = ApiClient("sk-proj-_H_n11zpISaAGwBdKcPMi5CTvL1Akvjs59w2w9glk_8JG2VnvxuV_hk7CXwlHmRPH2ddtwuzxIO1PaOHCHNtPFmwaoMnsIBulLJOYRyysAuC_8MVgkwwsrvK", timeout=10)
client_90 = ApiClient("sk-ant-api03-g6BcG3PuDfyRbRPI4fNTGFBEdNm3NNjBwb42VFXGYgL0l9HeIkKWg0VJr1k-ySEnXm4PppRg3dvkCBminHTHMP_mi3L5AAA", timeout=10)
client_91 = ApiClient("hf_oaZJzN4qnkLSGsqqyvOpFavaa03yj28agn", timeout=10)
client_92 = ApiClient("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", timeout=10)
client_93 = ApiClient("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", timeout=10)
client_94 = ApiClient("NRAK-K5AMCTYE710TFUWM0MVTL1TC78Z", timeout=10)
client_95 = ApiClient("glsa_k2gQ6uYtE8EUg3WiOFRVtzYjj8hck5iX_ab20474a", timeout=10)
client_96 = ApiClient("dckr_pat_GEOLoM0VsQzwGE3CiN8WGvJiQki", timeout=10)
client_97 = ApiClient("glpat-aYC_-ol7rMsVXGCyUHSV", timeout=10)
client_98 = ApiClient("dop_v1_d50e66e8a4d1475a6a3a684d8c9595f776dd50545114f2a9fb195206eebf74e2", timeout=10)
client_99 = ApiClient("AKIABCH4HVS2MWCTA2E5", timeout=10)
client_100 = ApiClient("AIzasSqHd11EbD-LHQBkbUkyKj_fFiB1sLDr_Xd", timeout=10)
client_101 = ApiClient("sbp_61bec76ebbff04a482648691e69493b8d5e5bb91", timeout=10)
client_102 = ApiClient("dapib7e6f800491991f8326f92a0a03f293e", timeout=10)
client_103 = ApiClient("eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAic3ZjLW5rd3ZzeiIsICJpYXQiOiAxNzE2MjM5MDIyLCAiZXhwIjogMTg5MzQ1NjAwMCwgInNjb3BlIjogInBheW1lbnRzOndyaXRlIn0.smqvYDoXkmbv1rTW8KbRO9QsZ01npcPWlSSkJAEn4jU", timeout=10)
client_104 = ApiClient("lin_api_ANYqhAInVDdXVIpLW9BtJO1VI745jIu4S7OZClON", timeout=10)
client_105 = ApiClient("PMAK-b9f15da9748a3bbfc18c85fe-b3b2f8f5feb744db37b09f57e76bb79634", timeout=10)
client_106 = ApiClient("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", timeout=10)
client_107 = ApiClient("AIzafV7n81VYoggX2xzFKORkx5ufydqFrQ8g5K_", timeout=10)
client_108 = ApiClient("0740787282:AAO5sA_AEktjYcjyIbKT_ZU3UI-hW94dS6-", timeout=10)

# Code and config that look like provider credentials but hold none.

_password = compute_password_hash(raw_password)
_auth = requests.auth.HTTPBasicAuth
self._authToken = None
client._password = settings.REGISTRY_PASSWORD_VALUE
vault_client = hvs.get_secret_version_metadata
rate = hvr.calculate_heart_rate_variability(samples)
TEMPLATE = "<password>{{ maven_deploy_password }}</password>"
DOC_SNIPPET = "<password>your-password</password>"
MASKED = "<password>********</password>"
JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
AUTH_SCHEME = "Bearer"
GITHUB_SHA = "49eb361a79d66084cdc7a277c53d4fd7ffbfb9a1"
WHEEL_HASH = "sha256:abd1864a2d63c838abbe16bc8ffe9216e444278c3b584768214195027e719ce5"
REQUEST_ID = "1bd00d52-4f5b-c9b8-6053-4e1a0fad6666"
SENTRY_DSN = "https://4f1c2a9d7e8b4c6a9f0d1e2b3c4a5d6e@o450123.ingest.sentry.io/5512345"
GOOGLE_CLIENT_ID = "498918300685-3uex8u146oexhzdsf4yvndzrnu16nrq8.apps.googleusercontent.com"
STRIPE_PUBLISHABLE_KEY = "pk_live_zMQ36nad3wkAUUmUhD9lIFnM"
SQUARE_LOCATION_ID = "LKE4ZX28101HL"
FT_REDIRECT_URI = "https://app.acme.com/auth/42/callback"
live_mode_enabled = True
MOLLIE_WEBHOOK_PATH = "/webhooks/mollie/live_payments"
CACHE_KEY = "live_jcjhkiff_cmfcobbo_zbnvfsyr"
VAULT_ROLE = "payments-api"
VAULT_MOUNT = "kv-v2"
NPM_CONFIG_REGISTRY = "https://registry.npmjs.org/"
MAVEN_OPTS = "-Xmx1g -Dmaven.repo.local=.m2/repository"
BUILD_ID = "6679503876"
FCM_ENDPOINT = "https://fcm.googleapis.com/v1/projects/acme-prod/messages:send"
CONTENTFUL_ENVIRONMENT = "master"
PINECONE_HOST = "docs-embeddings-prod-x1y2z3.svc.aped-4627-b74a.pinecone.io"
NPM_PACKAGE_INTEGRITY = "sha512-6zWtAb3+TLoLtBHL76l8Drf/iyy6E5gwv0WkNzCb7VAFSzRLP7J7mN+ifpW2i6sfwo69McTcBoJ2Cj/ry1XfTg=="
GITHUB_REPOSITORY = "acme/payments-api"
DEPLOY_KEY_FINGERPRINT = "SHA256:+s1jOkiQVUEHDICYBX8lz7sr7+Ea3Jfuy+V4OFbxPo4"
INTRA_SCOPES = "public projects profile"
DEEPSEEK_MAX_TOKENS = 4096

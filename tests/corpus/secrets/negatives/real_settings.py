# Settings lookalikes rewritten from public Django/Flask/FastAPI projects.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="!!!SET DJANGO_SECRET_KEY!!!")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_CONFIG = {"SECRET_KEY": None, "TESTING": True}
app.config.update(SECRET_KEY=None)
API_KEY = os.environ.get("API_KEY", "<YOUR_API_KEY_HERE>")
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login/access-token")
oauth2 = OAuth2AuthorizationCodeBearer(authorizationUrl="api/oauth/authorize", tokenUrl="api/oauth/token")
SOCIAL_AUTH_PASSWORD_RESET_URL = "/accounts/password/reset/"
token_url = f"{settings.API_V1_STR}/login/access-token"
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
password_hash = pwd_context.hash(password)
LOGIN_TOKEN_SALT = "login-token"
SESSION_COOKIE_NAME = "sessionid"
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"
secret_key_ref = settings.SECRET_KEY

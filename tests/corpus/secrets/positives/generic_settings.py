# Generic secret assignments in Python settings and client code.
DB_PASSWORD = "TyGJ_MuH#bEL31IeL2HP"
SECRET = "HyGcFRl1S-PnXNYv"
API_KEY = "IHa@_2o76umf"
AUTH_TOKEN = "fKm*@r5kJP%1VrT!"
CLIENT_SECRET = "FJors@6ILi8IHn5kxsC7tVO@"
REDIS_PASSWORD = "bkQfyy@KV5zj"
JWT_SECRET = "3j1twdTKWTddB!Xh"
WEBHOOK_SECRET = "AS1_voQ%G6yyzyN9zHYI"
SIGNING_KEY = "4UOrGNAT_MuDJawT"
ENCRYPTION_KEY = "su8PO!799nKSNrh9U^Ca"
PRIVATE_KEY = "dZ^@tDDj8hYs5suKcNd8"
ACCESS_KEY = "ra9A9sKPxZ9W3qLy"
SMTP_PASSWORD = "zKUVQDT7S8sTQCBN*R3YbDgb"
LDAP_BIND_PASSWORD = "#eph-1QHt6^1#Q_T*%C4"
ADMIN_PASSWORD = "ATWS8PHp^*9NHfYj"
conn = psycopg.connect(host="db", user="app", password="M#5DI4p#%Zj5")
client = Client(api_key="#f^hZ5R1Py4oJe2JbmPTuSgR", timeout=5)
CREDENTIALS = {"username": "svc", "password": "cMy!UcU3%zr1ZtoLuCr64Cxq"}
    "token": "%IOdNKhiFXiQ2hzT_%@p",
headers = {"Authorization": "Bearer FRDzsLb5ER8BoFzQFm2OEQ3HdAVja76R"}
smtp_pass = 'F*eOUhGXZnn*al5#'
self.api_secret = "isCgEBC#Y%8f5N3@"
app.config["SECRET_KEY"] = "i14ZgTsNOVM14tuoIZWD1IAEov4QbKDFq1Y3gqSm"
SECRET_KEY = "django-insecure-flF6XUi5Ahuq-pfEnbtXAqwK8j#Zf#ALhLSzFyCm"
oauth = OAuth2Session(client_id="reporting", client_secret="ToOFl9h2wJq5ty4mYwUufJSunpJC01")

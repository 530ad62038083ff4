SECRET_KEY = "changeme"

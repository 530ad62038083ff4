import os

DEBUG = os.getenv("DEBUG", "False").lower() in ("1", "true")

import os

DEBUG = os.getenv("DEBUG", "True").lower() == "true"

SECRET_KEY = os.getenv("SECRET_KEY")

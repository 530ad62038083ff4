DEBUG = os.environ.get("DEBUG", "0") == "1"

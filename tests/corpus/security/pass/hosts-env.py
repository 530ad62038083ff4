ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")

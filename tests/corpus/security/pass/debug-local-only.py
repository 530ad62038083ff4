DEBUG = config("DEBUG", default=False, cast=bool)

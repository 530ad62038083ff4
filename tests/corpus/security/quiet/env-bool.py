DEBUG = env.bool("DEBUG")

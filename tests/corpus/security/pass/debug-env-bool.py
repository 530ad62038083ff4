DEBUG = env.bool("DJANGO_DEBUG", default=False)

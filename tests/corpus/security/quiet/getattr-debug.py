debug = getattr(settings, "DEBUG", False)

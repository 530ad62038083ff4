logging.basicConfig(level=logging.DEBUG)

logging.basicConfig(level=logging.INFO)

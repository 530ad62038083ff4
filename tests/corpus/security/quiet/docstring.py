def run():
    """Never set DEBUG = True or verify=False in production."""
    return 1

os.environ["REQUESTS_CA_BUNDLE"] = ""

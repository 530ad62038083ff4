requests.get(url, verify=os.environ.get("CA_BUNDLE", True))

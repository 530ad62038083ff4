r = requests.get(url, verify=settings.CA_BUNDLE)

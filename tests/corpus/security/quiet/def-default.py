def fetch(url, verify=False):
    return url

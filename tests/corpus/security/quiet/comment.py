# ALLOWED_HOSTS = ["*"]
# requests.get(url, verify=False)
x = 1

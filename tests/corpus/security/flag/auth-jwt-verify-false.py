payload = jwt.decode(token, KEY, verify=False)

payload = jwt.decode(token, KEY, algorithms=["none"])

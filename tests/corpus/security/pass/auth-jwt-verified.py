payload = jwt.decode(token, KEY, algorithms=["HS256"])

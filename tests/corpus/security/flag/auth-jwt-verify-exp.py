claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})

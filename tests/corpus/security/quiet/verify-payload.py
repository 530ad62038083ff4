payload = {"verify": False, "user": user_id}
requests.post(url, json=payload)

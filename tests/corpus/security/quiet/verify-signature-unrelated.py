webhook_options = {"verify_signature": False, "retries": 3}

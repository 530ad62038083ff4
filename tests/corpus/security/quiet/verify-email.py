send_welcome(user, verify_email=False)

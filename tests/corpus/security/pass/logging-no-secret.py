logger.info("login for %s", username)

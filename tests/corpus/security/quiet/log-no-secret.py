logger.warning("password reset requested for %s", email)

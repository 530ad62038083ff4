logger.info(f"login user={user} password={password}")

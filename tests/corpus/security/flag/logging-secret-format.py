logger.debug("connecting with api_key=%s", api_key)

log.debug("issued %s", token)

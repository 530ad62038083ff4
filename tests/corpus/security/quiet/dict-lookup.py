value = config["DEBUG"]

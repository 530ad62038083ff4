app.config["MAX_CONTENT_LENGTH"] = None

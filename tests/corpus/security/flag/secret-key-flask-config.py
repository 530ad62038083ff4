app.config["SECRET_KEY"] = "dev"

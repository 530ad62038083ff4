Talisman(app, force_https=False)

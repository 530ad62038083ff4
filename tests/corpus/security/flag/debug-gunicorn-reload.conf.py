workers = 4
reload = True

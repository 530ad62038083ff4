if DEBUG == True:
    pass

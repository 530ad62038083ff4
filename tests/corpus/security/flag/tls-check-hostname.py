context.check_hostname = False

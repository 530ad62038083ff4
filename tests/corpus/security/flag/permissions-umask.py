os.umask(0)

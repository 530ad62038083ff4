os.umask(0o077)

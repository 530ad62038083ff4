os.chmod(path, mode)

os.chmod(sock_path, stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO)

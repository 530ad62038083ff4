os.chmod(key_path, 0o600)

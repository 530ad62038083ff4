os.chmod(os.path.join(root, name), 0o666)

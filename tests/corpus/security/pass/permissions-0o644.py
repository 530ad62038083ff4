os.chmod(report, 0o644)

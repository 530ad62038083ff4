import os

os.chmod(path, 0o7_7_7)

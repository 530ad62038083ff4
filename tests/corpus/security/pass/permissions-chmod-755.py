import os

os.chmod(script, 0o755)
os.chmod(secret_file, 0x180)

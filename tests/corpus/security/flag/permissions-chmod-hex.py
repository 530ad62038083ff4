import os

os.chmod(upload_dir, 0x1ff)

from pathlib import Path

BASE_DIR = Path(__file__).parent
DEBUG = True

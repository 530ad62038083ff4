# Rewritten from dispatch's logging.py: the names of log levels, not a level set.
from enum import Enum


class LogLevels(str, Enum):
    info = "INFO"
    warn = "WARN"
    error = "ERROR"
    debug = "DEBUG"

# Log levels, in the order the UI shows them.
DEBUG = 1
INFO = 2
WARNING = 3
ERROR = 4

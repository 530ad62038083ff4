import os

# Off wherever the variable is unset, which is also Django's own default
# (and what `manage.py check --deploy` reports as a warning, W008): a
# warning naming the default, not a block. A literal `False` still blocks
# (flag/headers-ssl-redirect.py).
SECURE_SSL_REDIRECT = os.getenv("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"

import os

# Off wherever the variable is unset: the default is what production gets
# when someone forgets it.
SECURE_SSL_REDIRECT = os.getenv("DJANGO_SECURE_SSL_REDIRECT", "0") == "1"

# Rewritten from a FastAPI-style tutorial module that the documentation
# includes into its pages: the comment above introduces the key as an
# example of what the generator prints.
from datetime import timedelta

# to get a string like this run:
# openssl rand -hex 32
SECRET_KEY = "591f64fe29fbdd830aedd2c39df12f9b99216a4aabdd6366e6e0e7decf55cb9e"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = timedelta(minutes=30)

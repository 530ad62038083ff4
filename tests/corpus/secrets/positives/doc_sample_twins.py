# The documentation samples of negatives/warn/docs*, outside documentation:
# a project that copies the tutorial's key ships a known key, so they block.
# to get a string like this run:
# openssl rand -hex 32
SECRET_KEY = "591f64fe29fbdd830aedd2c39df12f9b99216a4aabdd6366e6e0e7decf55cb9e"
SECRET_KEY = 'b531b07ba6591bceaa281610b740bc11a62cb990b82d306d1bed33768765ebc5'
# generate one with: python -c "import secrets; print(secrets.token_urlsafe())"
WORKER_SIGNING_KEY = "q7TzWv3XyN9cKd2LmP5rBs8HfJ4gA6eQ"
SESSION_SECRET = "oFCQ5ZfMYiVFUcZitGzni5T4XPGFugdSg4-kvdYGWkA"
app.secret_key = b'Zq3#v9L"Tk2w\n\x8f]%'

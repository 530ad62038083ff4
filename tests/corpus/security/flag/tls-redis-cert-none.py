import redis

cache = redis.Redis(host=HOST, ssl=True, ssl_cert_reqs="none")

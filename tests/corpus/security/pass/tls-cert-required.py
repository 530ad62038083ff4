ctx.verify_mode = ssl.CERT_REQUIRED
ctx.check_hostname = True

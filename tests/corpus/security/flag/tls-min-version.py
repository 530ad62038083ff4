ctx.minimum_version = ssl.TLSVersion.TLSv1_1

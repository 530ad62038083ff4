Path("/srv/data").chmod(0o777)

client = paramiko.SSHClient()
client.set_missing_host_key_policy(paramiko.AutoAddPolicy())

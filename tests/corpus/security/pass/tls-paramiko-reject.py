client.set_missing_host_key_policy(paramiko.RejectPolicy())

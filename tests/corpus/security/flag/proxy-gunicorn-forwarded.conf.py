forwarded_allow_ips = "*"

forwarded_allow_ips = "10.0.0.5"

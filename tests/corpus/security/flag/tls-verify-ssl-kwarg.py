es = Elasticsearch(hosts, verify_certs=False)

from OpenSSL import SSL

context = SSL.Context(SSL.TLS_CLIENT_METHOD)

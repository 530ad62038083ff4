from OpenSSL import SSL

context = SSL.Context(SSL.SSLv23_METHOD)

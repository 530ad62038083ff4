MIDDLEWARE.remove("django.middleware.csrf.CsrfViewMiddleware")

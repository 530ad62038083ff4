CSRF_TRUSTED_ORIGINS = ["https://*.shop.example.co.uk", "https://*.example.com.au", "https://*.myapp.herokuapp.com"]

from django.conf import settings

if settings.DEBUG:
    print("debug")

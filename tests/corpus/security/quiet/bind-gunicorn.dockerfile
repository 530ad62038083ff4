FROM python:3.12
CMD gunicorn app.wsgi --bind 0.0.0.0:8000

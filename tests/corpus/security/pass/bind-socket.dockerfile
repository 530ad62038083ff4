FROM python:3.12
CMD gunicorn app.wsgi --bind unix:/run/app.sock

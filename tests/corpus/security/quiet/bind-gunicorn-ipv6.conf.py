# Read by gunicorn inside the image; overridable with extra arguments.
bind = ["[::]:9770"]
accesslog = "-"
wsgi_app = "exporter:create_app()"

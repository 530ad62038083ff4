FROM python:3.12-slim
RUN chmod a+rwx /srv/media

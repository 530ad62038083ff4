FROM python:3.12
RUN useradd app
USER app

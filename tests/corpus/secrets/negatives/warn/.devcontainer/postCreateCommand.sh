#!/bin/bash
# Rewritten from a development container's setup script: development
# defaults for the container's own database and services.
export DATABASE_HOSTNAME="localhost"
export DATABASE_CREDENTIALS="app:app"
export APP_ENCRYPTION_KEY="Tq7WmZ2kLx9RvB"
export APP_JWT_SECRET="foo"

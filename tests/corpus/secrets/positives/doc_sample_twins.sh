# Shell twins of the documentation and development-container samples,
# outside docs/ and .devcontainer/: they block.
export SHOP_SECRET_KEY="16ea94de6d4fc72b355dd002376ac2b5"
export APP_ENCRYPTION_KEY="Tq7WmZ2kLx9RvB"
AUTH_SECRET="Hk3pWq9ZtV2mR7xLc5NbY8sJ4fGd1aQe6uTo0iPzXvM="

class Settings(BaseSettings):
    debug: bool = True
    name: str = "orders"

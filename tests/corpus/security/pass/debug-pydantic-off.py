class Settings(BaseSettings):
    debug: bool = False

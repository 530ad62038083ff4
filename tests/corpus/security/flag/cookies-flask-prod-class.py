class Config:
    DEBUG = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = False

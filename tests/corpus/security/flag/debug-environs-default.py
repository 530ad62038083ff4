from environs import Env

env = Env()
DEBUG = env.bool("DEBUG", default=True)

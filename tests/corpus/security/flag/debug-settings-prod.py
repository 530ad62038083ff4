from .base import *

DEBUG = TEMPLATE_DEBUG = True

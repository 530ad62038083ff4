parser.add_argument("--debug", action="store_true", default=False)

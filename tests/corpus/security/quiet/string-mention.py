HELP = "use verify=False only in tests"

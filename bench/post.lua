-- POSTs the form body in the BODY environment variable to the path given as the first argument.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

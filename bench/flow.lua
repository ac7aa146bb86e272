-- The authorization-code + PKCE flow of a signed-in person, as wrk load: GET the authorize URL with the
-- session cookie (the IdP answers with a redirect to the callback carrying a code), then POST the code with
-- its PKCE verifier to the token endpoint. Prints completed flows per second (a token answer with an
-- access token) and failures. Environment: AUTHORIZE (path and query), COOKIE, TOKEN_PATH, REDEEM_BODY
-- (the token request's form, without the code).
local authorize = os.getenv("AUTHORIZE")
local cookie = os.getenv("COOKIE")
local token_path = os.getenv("TOKEN_PATH")
local redeem = os.getenv("REDEEM_BODY")
local codes = {}
local threads = {}
flows, failures = 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", token_path, { ["Content-Type"] = "application/x-www-form-urlencoded" }, redeem .. "&code=" .. code)
  end
  return wrk.format("GET", authorize, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status == 302 or status == 303 then
    local location = headers["Location"] or headers["location"] or ""
    local code = location:match("[?&]code=([^&]+)")
    if code then table.insert(codes, code) else failures = failures + 1 end
  elseif status == 200 and body:find('"access_token"', 1, true) then
    flows = flows + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("flows")
    failed = failed + thread:get("failures")
  end
  io.write(string.format("Flows/sec: %.2f\nFlow failures: %d\n", total / (summary.duration / 1e6), failed))
end

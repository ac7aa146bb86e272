-- Refresh-token grants as wrk load. Refresh tokens rotate (each is good once), so every thread keeps its
-- own pool, read from REFRESH_FILE (thread n takes every n-th line), and puts back the new token of each
-- answer. Environment: REFRESH_FILE, TOKEN_PATH, REFRESH_BODY (the form without the refresh token), THREADS
-- (wrk's -t).
-- Prints refreshes per second and failures; a failure loses that chain, so seed at least two tokens a connection.
local token_path = os.getenv("TOKEN_PATH")
local body = os.getenv("REFRESH_BODY")
local pool = {}
local threads = {}
refreshes, failures = 0, 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  local stride = tonumber(os.getenv("THREADS") or "1")
  local line_number = 0
  for line in io.lines(os.getenv("REFRESH_FILE")) do
    if line ~= "" then
      line_number = line_number + 1
      if (line_number - index) % stride == 0 then table.insert(pool, line) end
    end
  end
end

function request()
  local token = table.remove(pool) or "exhausted"
  return wrk.format("POST", token_path, { ["Content-Type"] = "application/x-www-form-urlencoded" }, body .. "&refresh_token=" .. token)
end

function response(status, headers, answer)
  local token = status == 200 and answer:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then
    table.insert(pool, token)
    refreshes = refreshes + 1
  else
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("refreshes")
    failed = failed + thread:get("failures")
  end
  io.write(string.format("Refreshes/sec: %.2f\nRefresh failures: %d\n", total / (summary.duration / 1e6), failed))
end

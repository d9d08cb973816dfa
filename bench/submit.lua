-- wrk script: every request spends the next unused link of a token file
-- (one token per line), so each POST is a real, first-time submission.
-- Usage: TOKENS=file wrk -s bench/submit.lua http://host:port
local tokens = {}
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  for line in io.lines(os.getenv("TOKENS")) do
    table.insert(tokens, line)
  end
  nthreads = tonumber(os.getenv("THREADS") or "2")
  next_index = id
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.body = "ps-mistakes=3&ps-problems=5&ps-different=2&ps-risk=5&ps-help=3&ps-undermining=6&ps-skills=5"
end

function request()
  local t = tokens[next_index]
  next_index = next_index + nthreads
  if t == nil then
    t = "AAAAAAAAAAAAAAAAAAAAAA"
  end
  return wrk.format(nil, "/s/" .. t)
end

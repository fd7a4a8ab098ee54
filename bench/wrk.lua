-- Drives one benchmark case. Environment:
--   BENCH_PATHS   paths to request, separated by spaces (taken in turn)
--   BENCH_METHOD  GET (default) or POST
--   BENCH_BODY    the JSON body of a POST
--   BENCH_TOKEN   a bearer token, sent when set
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local headers = {}
if body then headers["Content-Type"] = "application/json" end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
local counter = 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function request()
  counter = counter + 1
  local path = paths[((counter + (offset or 0)) % #paths) + 1]
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
    .. '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end

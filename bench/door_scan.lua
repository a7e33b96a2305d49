-- wrk script for bench/door.py: each request is one badge scan by the paired device, a QR
-- token read from DOOR_TOKENS in turn (each thread from its own offset), an entry at "P".
local key = os.getenv("DOOR_KEY")
local tokens = {}
for line in io.lines(os.getenv("DOOR_TOKENS")) do
  if #line > 0 then table.insert(tokens, line) end
end
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 5003)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = '{"code":"' .. token .. '","at":"P:entry"}'
  return wrk.format("POST", nil, {
    ["Authorization"] = "Scanner " .. key,
    ["Content-Type"] = "application/json",
  }, body)
end

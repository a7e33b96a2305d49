-- wrk script: count the responses of each wall-clock second by status (2xx, 5xx, other),
-- and print one line per second at the end: "second <epoch> <2xx> <5xx> <other>".
-- Globals, flat tables of numbers: done() reads each thread's copy (wrk copies no nesting).
ok, five, other = {}, {}, {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  local second = os.time()
  local counts = other
  if status >= 200 and status < 300 then
    counts = ok
  elseif status >= 500 then
    counts = five
  end
  counts[second] = (counts[second] or 0) + 1
end

function done(summary, latency, requests)
  local merged, seconds = {}, {}
  for _, thread in ipairs(threads) do
    for column, name in ipairs({ "ok", "five", "other" }) do
      for second, count in pairs(thread:get(name)) do
        if merged[second] == nil then
          merged[second] = { 0, 0, 0 }
          table.insert(seconds, second)
        end
        merged[second][column] = merged[second][column] + count
      end
    end
  end
  table.sort(seconds)
  for _, second in ipairs(seconds) do
    local row = merged[second]
    io.write(string.format("second %d %d %d %d\n", second, row[1], row[2], row[3]))
  end
  local errors = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    errors.connect, errors.read, errors.write, errors.timeout))
end

-- One endpoint of bench/http_load.py under wrk (bench/_wrk.py writes the script).
--
-- The script bench/_wrk.py writes for an endpoint sets, before this file's text:
--   method, prefix, suffix, ids   each request's path is prefix .. id .. suffix (ids may be
--                                 empty: the path is prefix alone)
--   headers, body                 sent with every request (body may be nil)
--   expected                      the status a request must answer with to count as served
--   thread_count                  wrk's -t, so that the threads share one sequence of ids
-- Each thread takes the ids in the order the httpx generator does: the n-th request of
-- the run asks for ids[(n * 7919) % #ids], n = thread index + sent * thread_count.
-- `response` counts the statuses (a response callback makes wrk parse every response: a
-- little slower); `done` prints one line, "wrk-figures " and a JSON object.

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   sent = 0
   served = 0
   unexpected = {}
end

function request()
   local path = prefix
   if #ids > 0 then
      local n = thread_index + sent * thread_count
      path = prefix .. ids[(n * 7919) % #ids + 1] .. suffix
   end
   sent = sent + 1
   return wrk.format(method, path, headers, body)
end

function response(status, response_headers, response_body)
   if status == expected then
      served = served + 1
   else
      local key = tostring(status)
      unexpected[key] = (unexpected[key] or 0) + 1
   end
end

function done(summary, latency, requests)
   local total, statuses = 0, {}
   local counts = {}
   for _, thread in ipairs(threads) do
      total = total + thread:get("served")
      for status, count in pairs(thread:get("unexpected")) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   for status, count in pairs(counts) do
      table.insert(statuses, string.format('"%s": %d', status, count))
   end
   local errors = summary.errors
   print(string.format(
      'wrk-figures {"requests": %d, "duration_us": %d, "served": %d, '
         .. '"p50_us": %d, "p99_us": %d, "unexpected": {%s}, '
         .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}}',
      summary.requests, summary.duration, total,
      latency:percentile(50), latency:percentile(99), table.concat(statuses, ", "),
      errors.connect, errors.read, errors.write, errors.timeout
   ))
end

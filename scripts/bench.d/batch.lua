-- wrk script for scripts/bench: posts varied event batches, rotating over the hosts' keys, and counts what
-- the collector acknowledged.
--
--   wrk -t2 -c32 -d23s -s batch.lua URL -- TEMPLATES KEYS LABEL SEND_SECONDS
--
-- TEMPLATES: "host<TAB>body" lines from events.py, "@ID@" where each eventId gets this request's prefix
-- (LABEL, thread, request number), so every event ever sent has its own eventId. KEYS: "host key" lines.
-- After SEND_SECONDS a connection sends nothing more (delay() parks it), so the requests in flight are answered
-- and counted before wrk stops at -d: at the end, no request is left unanswered and the row count can be checked
-- exactly. Events per second are counted over the sending window only.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
    return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

-- Main state: one entry per thread, read back in done().
local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("id", #threads)
end

-- Thread state. Counters are globals so that done() can read them with thread:get().
sent_requests, sent_events = 0, 0
answered = 0
acked_requests, acked_events = 0, 0      -- status 200: committed
window_events = 0                         -- acked_events answered within the sending window
inserted, duplicates = 0, 0               -- as the 200 bodies report them
spooled_requests, spooled_events = 0, 0   -- status 202: kept on the collector's disk, committed later
other_2xx, non_2xx = 0, 0
statuses = {}
unparsed = 0

local bodies = {}
local events_per_batch = 0
local label, send_seconds
local started, cutoff

local function lines(path)
    local file = assert(io.open(path, "r"))
    local result = {}
    for line in file:lines() do result[#result + 1] = line end
    file:close()
    return result
end

function init(args)
    local template_path, key_path = args[1], args[2]
    label = args[3]
    send_seconds = tonumber(args[4])
    assert(template_path and key_path and label and send_seconds, "usage: -- TEMPLATES KEYS LABEL SEND_SECONDS")

    local keys = {}
    for _, line in ipairs(lines(key_path)) do
        local host, key = line:match("^(%S+)%s+(%S+)$")
        if host then keys[host] = key end
    end
    for _, line in ipairs(lines(template_path)) do
        local host, body = line:match("^([^\t]+)\t(.*)$")
        assert(keys[host], "no key for host " .. tostring(host))
        -- Odd slots hold the body's fixed text, even slots the request's eventId prefix.
        local slots, count, position = {}, 0, 1
        while true do
            local first, last = body:find("@ID@", position, true)
            if not first then break end
            slots[#slots + 1] = body:sub(position, first - 1)
            slots[#slots + 1] = ""
            count = count + 1
            position = last + 1
        end
        slots[#slots + 1] = body:sub(position)
        bodies[#bodies + 1] = {
            slots = slots,
            events = count,
            headers = { ["Content-Type"] = "application/json", ["X-API-Key"] = keys[host] },
        }
        events_per_batch = count
    end
    assert(#bodies > 0, "no templates in " .. template_path)
end

local checked = false

function request()
    local batch = bodies[sent_requests % #bodies + 1]
    local slots = batch.slots
    -- wrk calls request() once on the first thread before the run, only to check what it returns.
    if id == 1 and not checked then
        checked = true
        return wrk.format("POST", nil, batch.headers, table.concat(slots))
    end
    if not started then
        started = now()
        cutoff = started + send_seconds
    end
    sent_requests = sent_requests + 1
    local prefix = label .. id .. "-" .. sent_requests
    for index = 2, #slots - 1, 2 do slots[index] = prefix end
    sent_events = sent_events + batch.events
    return wrk.format("POST", nil, batch.headers, table.concat(slots))
end

function delay()
    if cutoff and now() >= cutoff then return 3600 * 1000 end
    return 0
end

function response(status, headers, body)
    answered = answered + 1
    if status == 200 then
        acked_requests = acked_requests + 1
        local new, repeated = body:match('"inserted":(%d+),"duplicates":(%d+)')
        if new then
            inserted = inserted + tonumber(new)
            duplicates = duplicates + tonumber(repeated)
            acked_events = acked_events + tonumber(new) + tonumber(repeated)
        else
            unparsed = unparsed + 1
            acked_events = acked_events + events_per_batch
        end
        if now() <= cutoff then window_events = window_events + events_per_batch end
    elseif status == 202 then
        spooled_requests = spooled_requests + 1
        local events = body:match('"spooled":(%d+)')
        spooled_events = spooled_events + (tonumber(events) or events_per_batch)
    elseif status >= 200 and status < 300 then
        other_2xx = other_2xx + 1
    else
        non_2xx = non_2xx + 1
    end
    if status ~= 200 then statuses[status] = (statuses[status] or 0) + 1 end
end

function done(summary, latency, requests)
    local totals = {}
    local names = { "sent_requests", "sent_events", "answered", "acked_requests", "acked_events", "window_events",
                    "inserted", "duplicates", "spooled_requests", "spooled_events", "other_2xx", "non_2xx", "unparsed" }
    local codes = {}
    for _, thread in ipairs(threads) do
        for _, name in ipairs(names) do totals[name] = (totals[name] or 0) + thread:get(name) end
        for status, count in pairs(thread:get("statuses")) do codes[status] = (codes[status] or 0) + count end
    end
    local parts = {}
    for _, name in ipairs(names) do parts[#parts + 1] = name .. "=" .. totals[name] end
    local errors = summary.errors
    parts[#parts + 1] = "errors_connect=" .. errors.connect
    parts[#parts + 1] = "errors_read=" .. errors.read
    parts[#parts + 1] = "errors_write=" .. errors.write
    parts[#parts + 1] = "errors_timeout=" .. errors.timeout
    parts[#parts + 1] = "errors_status=" .. errors.status
    parts[#parts + 1] = "duration_us=" .. summary.duration
    parts[#parts + 1] = "p50_us=" .. latency:percentile(50)
    parts[#parts + 1] = "p90_us=" .. latency:percentile(90)
    parts[#parts + 1] = "p99_us=" .. latency:percentile(99)
    parts[#parts + 1] = "max_us=" .. latency.max
    local listed = {}
    for status, count in pairs(codes) do listed[#listed + 1] = status .. ":" .. count end
    table.sort(listed)
    parts[#parts + 1] = "statuses=" .. (#listed > 0 and table.concat(listed, ",") or "-")
    io.write("BENCH " .. table.concat(parts, " ") .. "\n")
end

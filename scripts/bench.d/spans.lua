-- wrk script for scripts/bench's traces scenarios: posts OTLP protobuf trace exports, rotating over the bodies (and
-- so the hosts' keys), and counts the spans the collector acknowledged.
--
--   wrk -t2 -c32 -d23s -s spans.lua URL -- BODIES KEYS LABEL SEND_SECONDS SPANS_PER_BODY
--
-- BODIES: "host<TAB>hex" lines from spans.py, every trace id starting with the 8 bytes "@TRACE@!", which each
-- request replaces with its own 8 bytes (LABEL: 2 characters, the thread, the request number in hex), so every span
-- ever sent is new. KEYS: "host key" lines. After SEND_SECONDS a connection sends nothing more, so the requests in
-- flight are answered before wrk stops (as batch.lua does). Spans per second are counted over the sending window.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")

local function now()
    ffi.C.clock_gettime(1, timespec)
    return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("id", #threads)
end

sent_requests, answered, acked_requests, acked_spans, window_spans, non_2xx = 0, 0, 0, 0, 0, 0
statuses = {}

local bodies = {}
local spans_per_body, label, send_seconds, started, cutoff

local function lines(path)
    local result = {}
    for line in io.lines(path) do result[#result + 1] = line end
    return result
end

local function unhex(text)
    return (text:gsub("..", function(pair) return string.char(tonumber(pair, 16)) end))
end

function init(args)
    local body_path, key_path = args[1], args[2]
    label, send_seconds, spans_per_body = args[3], tonumber(args[4]), tonumber(args[5])
    assert(body_path and key_path and label and #label == 2 and send_seconds and spans_per_body,
           "usage: -- BODIES KEYS LABEL(2 characters) SEND_SECONDS SPANS_PER_BODY")
    local keys = {}
    for _, line in ipairs(lines(key_path)) do
        local host, key = line:match("^(%S+)%s+(%S+)$")
        if host then keys[host] = key end
    end
    for _, line in ipairs(lines(body_path)) do
        local host, hex = line:match("^([^\t]+)\t(%x+)$")
        assert(keys[host], "no key for host " .. tostring(host))
        bodies[#bodies + 1] = {
            body = unhex(hex),
            headers = { ["Content-Type"] = "application/x-protobuf", ["X-API-Key"] = keys[host] },
        }
    end
    assert(#bodies > 0, "no bodies in " .. body_path)
end

local checked = false

function request()
    local entry = bodies[sent_requests % #bodies + 1]
    if id == 1 and not checked then
        checked = true
        return wrk.format("POST", nil, entry.headers, entry.body)
    end
    if not started then
        started = now()
        cutoff = started + send_seconds
    end
    sent_requests = sent_requests + 1
    local prefix = string.format("%s%d%05x", label, id % 10, sent_requests % 0x100000)
    return wrk.format("POST", nil, entry.headers, (entry.body:gsub("@TRACE@!", prefix)))
end

function delay()
    if cutoff and now() >= cutoff then return 3600 * 1000 end
    return 0
end

function response(status, headers, body)
    answered = answered + 1
    if status == 200 then
        acked_requests = acked_requests + 1
        acked_spans = acked_spans + spans_per_body
        if now() <= cutoff then window_spans = window_spans + spans_per_body end
    else
        non_2xx = non_2xx + 1
        statuses[status] = (statuses[status] or 0) + 1
    end
end

function done(summary, latency, requests)
    local totals = {}
    local names = { "sent_requests", "answered", "acked_requests", "acked_spans", "window_spans", "non_2xx" }
    local codes = {}
    for _, thread in ipairs(threads) do
        for _, name in ipairs(names) do totals[name] = (totals[name] or 0) + thread:get(name) end
        for status, count in pairs(thread:get("statuses")) do codes[status] = (codes[status] or 0) + count end
    end
    local parts = {}
    for _, name in ipairs(names) do parts[#parts + 1] = name .. "=" .. totals[name] end
    local errors = summary.errors
    parts[#parts + 1] = "socket_errors=" .. (errors.connect + errors.read + errors.write + errors.timeout)
    parts[#parts + 1] = "p50_us=" .. latency:percentile(50)
    parts[#parts + 1] = "p99_us=" .. latency:percentile(99)
    local listed = {}
    for status, count in pairs(codes) do listed[#listed + 1] = status .. ":" .. count end
    table.sort(listed)
    parts[#parts + 1] = "statuses=" .. (#listed > 0 and table.concat(listed, ",") or "-")
    io.write("BENCH " .. table.concat(parts, " ") .. "\n")
end

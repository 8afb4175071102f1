-- Runs kong.yml's post-function (header_filter, then body_filter) once, as Kong 3.9 would for one
-- answer, against a stub of the PDK and of ngx; test/edge/kong-errors.test.ts drives it:
--
--   luajit kong-errors.lua HEADER_FILTER.lua BODY_FILTER.lua STATUS SOURCE CONNECT_TIMES RESPONSE_ID REQUEST_ID
--
-- "" stands for "absent" (a header not set, no $upstream_connect_time). Prints what the client
-- gets: `status\tN`, `header\tName\tvalue` per header, `body\t...` and `eof\ttrue|false`.
-- The functions run in the environment of Kong's sandbox (untrusted_lua = sandbox, the default):
-- the standard functions below plus `kong` and `ngx`, no require, no io or os.execute.
local header_file, body_file, status, source, connect, response_id, request_id = unpack(arg)
local function absent(v) if v == "" then return nil end return v end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local SANDBOX = [[
_VERSION assert error ipairs next pairs pcall select tonumber tostring type unpack xpcall
coroutine.create coroutine.resume coroutine.running coroutine.status coroutine.wrap coroutine.yield
math.abs math.acos math.asin math.atan math.atan2 math.ceil math.cos math.cosh math.deg math.exp
math.fmod math.floor math.frexp math.huge math.ldexp math.log math.log10 math.max math.min math.modf
math.pi math.pow math.rad math.random math.sin math.sinh math.sqrt math.tan math.tanh
os.clock os.difftime os.time
string.byte string.char string.find string.format string.gmatch string.gsub string.len string.lower
string.match string.reverse string.sub string.upper
table.insert table.maxn table.remove table.sort
]]

local headers = { ["Content-Type"] = "application/json; charset=utf-8", ["Content-Length"] = "75" }
if absent(response_id) then headers["X-Request-Id"] = response_id end
local out = { status = tonumber(status), phase = "header_filter" }

local function phase(allowed)
  return function()
    if out.phase ~= allowed then error("called in " .. out.phase .. ", allowed in " .. allowed, 2) end
  end
end
local in_header_filter = phase("header_filter")

local kong = {
  response = {
    get_status = function() return out.status end,
    get_source = function() return source end,
    get_header = function(name) return headers[name] end,
    set_status = function(s)
      in_header_filter()
      assert(type(s) == "number", "code must be a number")
      out.status = s
    end,
    set_header = function(name, value)
      in_header_filter()
      assert(type(value) == "string" or type(value) == "number", "invalid header value")
      headers[name] = tostring(value)
    end,
  },
  request = {
    get_header = function(name) if name == "X-Request-Id" then return absent(request_id) end end,
  },
}
local ngx = {
  var = { upstream_connect_time = absent(connect), request_id = "0123456789abcdef0123456789abcdef" },
  ctx = {},
  arg = {},
}

local function sandboxed(code, name)
  local env = { kong = kong, ngx = ngx }
  for path in string.gmatch(SANDBOX, "%S+") do
    local lib, fn = string.match(path, "^(%w+)%.(%w+)$")
    if lib then
      env[lib] = env[lib] or {}
      env[lib][fn] = _G[lib][fn]
    else
      env[path] = _G[path]
    end
  end
  local chunk = assert(loadstring(code, name))
  setfenv(chunk, env)
  local fn = chunk()
  assert(type(fn) == "function", name .. " must return a function (Kong caches it, with its upvalues)")
  return fn
end

local header_filter = sandboxed(read(header_file), "header_filter")
local body_filter = sandboxed(read(body_file), "body_filter")

header_filter()

-- Kong's error body, in two chunks (nginx may split it): a chunk after the replaced one must be dropped.
out.phase = "body_filter"
local sent, eof = {}, false
for _, chunk in ipairs({ { '{"message":"An invalid response ', false }, { 'was received from the upstream server"}', true } }) do
  ngx.arg[1], ngx.arg[2] = chunk[1], chunk[2]
  body_filter()
  if ngx.arg[1] and not eof then table.insert(sent, ngx.arg[1]) end
  eof = eof or (ngx.arg[2] and true or false)
end

io.write("status\t", tostring(out.status), "\n")
local names = {}
for name in pairs(headers) do table.insert(names, name) end
table.sort(names)
for _, name in ipairs(names) do io.write("header\t", name, "\t", headers[name], "\n") end
io.write("body\t", table.concat(sent), "\n")
io.write("eof\t", tostring(eof), "\n")

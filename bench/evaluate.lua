-- wrk script for POST /v1/evaluate: every request a new sign-in attempt (a fresh id) of one of the
-- tenant's users, from an address and client of the kind they use.
--   IDGUARD_TOKEN=... wrk -s bench/evaluate.lua URL -- USERS_FILE
-- USERS_FILE: one "<user id> <userPrincipalName>" per line.
--
-- The load generator shares the machine's cores with the server, so each request is put together
-- from pieces made once per user in init(): one concatenation per request rather than a
-- string.format and wrk.format's header table. The headers and bodies are those the script sent
-- when it used wrk.format (only the order of the headers differs).
local users = {}
local counter = 0
local head = ""
local authorization = ""
local token = os.getenv("IDGUARD_TOKEN") or ""
local agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " ..
  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
local tail = '","clientAppUsed":"Browser","isInteractive":true,"sessionId":"session-'
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_number", next_thread)
end

function init(args)
  local prefix = tostring(thread_number or 0) .. "-" .. tostring(os.time())
  for line in io.lines(args[1]) do
    local id, upn = line:match("^(%S+) (%S+)$")
    if id then
      users[#users + 1] = {
        '{"id":"wrk-' .. prefix .. "-",
        '","userId":"' .. id .. '","userPrincipalName":"' .. upn .. '",' ..
          '"appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"SharePoint Online",' ..
          '"ipAddress":"81.2.69.',
      }
    end
  end
  -- The request line and headers; the body's length goes between them.
  head = "POST /v1/evaluate HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
    "\r\nContent-Type: application/json\r\nContent-Length: "
  authorization = "\r\nAuthorization: Bearer " .. token .. "\r\n\r\n"
end

function request()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local body = user[1] .. counter .. user[2] .. (counter % 250 + 1) .. tail ..
    (counter % 5000) .. '","userAgent":"' .. agent .. '"}'
  return head .. #body .. authorization .. body
end

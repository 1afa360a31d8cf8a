-- wrk script for POST /v1/evaluate: every request a new sign-in attempt (a fresh id) of one of the
-- tenant's users, from an address and client of the kind they use.
--   IDGUARD_TOKEN=... wrk -s bench/evaluate.lua URL -- USERS_FILE
-- USERS_FILE: one "<user id> <userPrincipalName>" per line.
local users = {}
local counter = 0
local prefix = "t"
local token = os.getenv("IDGUARD_TOKEN") or ""
local agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 " ..
  "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_number", next_thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local id, upn = line:match("^(%S+) (%S+)$")
    if id then users[#users + 1] = { id, upn } end
  end
  prefix = tostring(thread_number or 0) .. "-" .. tostring(os.time())
end

function request()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local body = string.format(
    '{"id":"wrk-%s-%d","userId":"%s","userPrincipalName":"%s",' ..
    '"appId":"00000003-0000-0ff1-ce00-000000000000","appDisplayName":"SharePoint Online",' ..
    '"ipAddress":"81.2.69.%d","clientAppUsed":"Browser","isInteractive":true,' ..
    '"sessionId":"session-%d","userAgent":"%s"}',
    prefix, counter, user[1], user[2], counter % 250 + 1, counter % 5000, agent)
  return wrk.format("POST", "/v1/evaluate",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

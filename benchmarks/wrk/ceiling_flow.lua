-- The ceiling driven the way the flow scripts drive the mock: a thread per connection,
-- a request built in Lua with the flows' headers and form body, and every answer handed
-- to Lua, its headers walked and its body searched. Against this, the flows' ratio
-- compares the servers, not the load generator's Lua (wrk takes its share of the
-- cores either way; benchmarks/load.py reports how much, per request).
local step, token = 0, nil
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

request = function()
  local headers = { ["Content-Type"] = form["Content-Type"], ["Authorization"] = token }
  if step == 0 then
    headers["Authorization"] = nil
    return wrk.format("POST", "/ceiling?_is_native=1", headers, "identifier=bench%40example.com")
  elseif step == 1 then
    return wrk.format("POST", "/ceiling?_is_native=1", headers,
      "strategy=password&password=bench-password-123")
  end
  return wrk.format("GET", "/ceiling?_is_native=1", headers)
end

response = function(status, headers, body)
  for name, value in pairs(headers) do
    if string.lower(name) == "authorization" then token = value end
  end
  local _ = string.match(body, '"id":"(sia_[%w]+)"')
  step = (step + 1) % 3
end

-- One full password sign-in per three requests: create, attempt, GET /v1/client.
-- Each flow is a new native client (its token comes back in the Authorization header,
-- which wrk keeps; a browser's two Set-Cookie headers would collapse into one here).
-- Run with as many threads as connections (-t N -c N): the state below is per thread.
local step, token, sign_in = 0, nil, nil
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }

request = function()
  local headers = { ["Content-Type"] = form["Content-Type"], ["Authorization"] = token }
  if step == 0 then
    headers["Authorization"] = nil
    return wrk.format("POST", "/v1/client/sign_ins?_is_native=1", headers, "identifier=bench%40example.com")
  elseif step == 1 then
    return wrk.format("POST", "/v1/client/sign_ins/" .. sign_in .. "/attempt_first_factor?_is_native=1", headers,
      "strategy=password&password=bench-password-123")
  end
  return wrk.format("GET", "/v1/client?_is_native=1", headers)
end

response = function(status, headers, body)
  if status ~= 200 then
    step, token = 0, nil
    return
  end
  if step == 0 then
    for name, value in pairs(headers) do
      if string.lower(name) == "authorization" then token = value end
    end
    sign_in = string.match(body, '"id":"(sia_[%w]+)"')
    step = 1
  elseif step == 1 then
    step = 2
  else
    step = 0
  end
end

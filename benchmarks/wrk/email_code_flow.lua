-- One full email-code sign-in per three requests: create, prepare, attempt (Clerk test
-- mode: a +clerk_test address takes 424242, so no outbox grows during the run).
local step, token, sign_in, email_id = 0, nil, nil, nil

request = function()
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = token }
  if step == 0 then
    headers["Authorization"] = nil
    return wrk.format("POST", "/v1/client/sign_ins?_is_native=1", headers,
      "identifier=bench%2Bclerk_test%40example.com")
  elseif step == 1 then
    return wrk.format("POST", "/v1/client/sign_ins/" .. sign_in .. "/prepare_first_factor?_is_native=1", headers,
      "strategy=email_code&email_address_id=" .. email_id)
  end
  return wrk.format("POST", "/v1/client/sign_ins/" .. sign_in .. "/attempt_first_factor?_is_native=1", headers,
    "strategy=email_code&code=424242")
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
    email_id = string.match(body, '"strategy":"email_code","email_address_id":"(idn_[%w]+)"')
    step = 1
  elseif step == 1 then
    step = 2
  else
    step = 0
  end
end
